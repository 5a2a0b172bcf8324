using System.Threading.RateLimiting;
using Airwave.Analytics.Data;
using Airwave.Analytics.Downloads;
using Airwave.Analytics.Features;
using Airwave.Analytics.Import;
using Airwave.Analytics.Listens;
using Airwave.Analytics.Listens.Contracts;
using Airwave.Analytics.Listens.Features.PlaybackEvents;
using Airwave.Core.Events;
using Airwave.Core.Hosting;
using Airwave.Core.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Airwave.Analytics;

/// <summary>
/// Registers the Analytics module. Downloads: settings, stores, the reports (<see cref="MapAnalyticsEndpoints"/>) and
/// the counting that turns stored requests into figures, run by the analytics role. Listens: the playback-events
/// endpoints (anonymous, rate-limited per client address), the analytics consumer that keeps the listen sessions
/// current from the events (on the replayable stream with RabbitMQ), and <see cref="ListenReport"/> for the figures.
/// </summary>
public static class AnalyticsModule
{
    public const string PlaybackRateLimit = "analytics-playback";

    public static IServiceCollection AddAnalytics(this IServiceCollection services)
    {
        services.AddOptions<AnalyticsOptions>().BindConfiguration(AnalyticsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AnalyticsOptions>, AnalyticsOptionsValidator>();
        services.AddSingleton<AnalyticsStore>();
        services.AddSingleton<ReportStore>();
        services.AddSingleton<Contracts.IAudienceReports, Contracts.AudienceReports>();
        services.AddSingleton<AnalyticsEngineSettings>();
        services.AddSingleton<RequestImporter>();

        services.AddOptions<ListenOptions>().BindConfiguration(ListenOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ListenOptions>>(new RulesValidator<ListenOptions>(o => o.Validate()));
        services.AddSingleton<PlaybackEventIntake>();
        services.AddSingleton<ListenReport>();
        services.AddEventHandler<PlaybackEventsRecorded, UpdateListenSessions>(EventConsumer.Analytics);
        services.AddEventStream<PlaybackEventsRecorded>();
        services.AddRoleService<DownloadCounting>(ServerRoles.Analytics);

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
        var analytics = app.MapGroup("/api/v1").WithTags("Analytics");
        DownloadSummaries.Map(analytics);
        DownloadsCsv.Map(analytics);
        ListensCsv.Map(analytics);
        var playback = app.MapGroup("/api/v1").WithTags("Playback");
        RecordPlaybackEvent.Map(playback);
        RecordPlaybackEventBatch.Map(playback);
        return app;
    }
}

/// <summary>
/// Checks the settings at start, as the counting will use them: the plain rules, then building the engine's
/// settings, which reads the range files, the user-agent patterns and the geography database, so an unreadable or
/// corrupt file stops the start with the setting named instead of failing later in the background.
/// </summary>
internal sealed class AnalyticsOptionsValidator : IValidateOptions<AnalyticsOptions>
{
    public ValidateOptionsResult Validate(string? name, AnalyticsOptions options)
    {
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            return ValidateOptionsResult.Fail(errors);
        }

        try
        {
            options.ToSettings();
            return ValidateOptionsResult.Success;
        }
        catch (AnalyticsSetupException error)
        {
            return ValidateOptionsResult.Fail(error.Message);
        }
    }
}
