using Airwave.Core.Hosting;
using Airwave.Core.Jobs;
using Airwave.Core.Observability;
using Airwave.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.Core.Events;

/// <summary>The shared machinery modules build on: the outbox relay, the job queue and workers, blob storage.</summary>
public static class PlatformSetup
{
    public static IServiceCollection AddAirwavePlatform(this IServiceCollection services)
    {
        services.AddAirwaveEvents();

        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.Section)
            .Validate(o => o.Workers >= 0 && o.Lease >= TimeSpan.FromSeconds(3), "Jobs:Workers must be 0 or more and Jobs:Lease at least 3 seconds.")
            .ValidateOnStart();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobMetrics>();
        services.AddRoleService<JobWorker>(ServerRoles.Worker);
        services.AddRoleService<BacklogMetrics>(ServerRoles.Worker);

        services.AddAirwaveStorage();
        return services;
    }
}
