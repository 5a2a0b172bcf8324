using Airwave.Core.Http;
using Airwave.Core.Jobs;
using Airwave.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Airwave.Core.Events;

/// <summary>The shared machinery modules build on: the outbox relay, the job queue and workers, blob storage.</summary>
public static class PlatformSetup
{
    public static IServiceCollection AddAirwavePlatform(this IServiceCollection services)
    {
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<EventOutbox>();
        services.AddSingleton<OutboxRelay>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxRelay>());

        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section)
            .Validate(o => o.Workers >= 0 && o.Lease >= TimeSpan.FromSeconds(3), "Jobs:Workers must be 0 or more and Jobs:Lease at least 3 seconds.")
            .ValidateOnStart();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<JobWorker>());

        // Local disk is the embedded default; S3-compatible storage is chosen here when configured.
        services.AddSingleton<IBlobStore>(provider => new LocalBlobStore(
            Path.Combine(Path.GetFullPath(provider.GetRequiredService<IOptions<ServerOptions>>().Value.DataDirectory), "blobs")));
        return services;
    }
}
