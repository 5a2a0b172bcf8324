using System.Threading.RateLimiting;
using Airwave.Analytics.Listens;
using Airwave.Analytics.Listens.Contracts;
using Airwave.Analytics.Listens.Features.PlaybackEvents;
using Airwave.Core.Events;
using Airwave.Core.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Airwave.Analytics;

/// <summary>
/// Registers the Analytics module. Listens: the playback-events endpoints (anonymous, rate-limited per client
/// address), the handler that keeps the listen sessions current from the outbox, and <see cref="ListenReport"/> for
/// the figures.
/// </summary>
public static class AnalyticsModule
{
    public const string PlaybackRateLimit = "analytics-playback";

    public static IServiceCollection AddAnalytics(this IServiceCollection services)
    {
        services.AddOptions<ListenOptions>().BindConfiguration(ListenOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ListenOptions>>(new RulesValidator<ListenOptions>(o => o.Validate()));
        services.AddSingleton<PlaybackEventIntake>();
        services.AddSingleton<ListenReport>();
        services.AddEventHandler<PlaybackEventsRecorded, UpdateListenSessions>();

        services.AddRateLimiter(o => o.AddPolicy(PlaybackRateLimit, context =>
        {
            var permits = context.RequestServices.GetRequiredService<IOptions<ListenOptions>>().Value.PlaybackRequestsPerMinute;
            // The address only picks the limiter's bucket in memory; it is never stored.
            var client = context.RequestServices.GetRequiredService<ClientAddresses>().Resolve(context)?.ToString() ?? "unknown";
            return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        }));
        return services;
    }

    public static IEndpointRouteBuilder MapAnalyticsEndpoints(this IEndpointRouteBuilder app)
    {
        var playback = app.MapGroup("/api/v1").WithTags("Playback");
        RecordPlaybackEvent.Map(playback);
        RecordPlaybackEventBatch.Map(playback);
        return app;
    }
}
