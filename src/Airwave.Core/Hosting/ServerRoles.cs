using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Airwave.Core.Hosting;

/// <summary>
/// What one process of Airwave does. In embedded mode one process does everything (<see cref="All"/>); in scale-out
/// mode the same executable runs with a subset, many of each against the same database, storage and broker.
/// </summary>
[Flags]
public enum ServerRoles
{
    None = 0,

    /// <summary>Serves the HTTP API (and writes events to the outbox as requests change things).</summary>
    Api = 1,

    /// <summary>Runs the durable job workers (media processing, imports, notifications) and housekeeping.</summary>
    Worker = 2,

    /// <summary>Runs the analytics event consumers that maintain aggregates.</summary>
    Analytics = 4,

    All = Api | Worker | Analytics,
}

/// <summary>Reads <c>Server:Roles</c> / <c>--roles</c>: "all" or a comma-separated list of api, worker, analytics.</summary>
public static class ServerRolesText
{
    public const string Names = "api, worker, analytics, all";

    /// <summary>The roles in <paramref name="text"/>; an empty text means all. Throws with the offending word otherwise.</summary>
    public static ServerRoles Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ServerRoles.All;
        }

        var roles = ServerRoles.None;
        foreach (var word in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            roles |= word.ToLowerInvariant() switch
            {
                "api" => ServerRoles.Api,
                "worker" => ServerRoles.Worker,
                "analytics" => ServerRoles.Analytics,
                "all" => ServerRoles.All,
                _ => throw new InvalidServerRolesException($"Server:Roles: unknown role '{word}'; use one or more of {Names}, separated by commas."),
            };
        }

        return roles == ServerRoles.None
            ? throw new InvalidServerRolesException($"Server:Roles: no role given; use one or more of {Names}, separated by commas.")
            : roles;
    }

    /// <summary>"api,worker", "all": the form logs and health answers show.</summary>
    public static string Format(ServerRoles roles) => roles == ServerRoles.All
        ? "all"
        : string.Join(",", new[] { ServerRoles.Api, ServerRoles.Worker, ServerRoles.Analytics }
            .Where(r => roles.HasFlag(r)).Select(r => r.ToString().ToLowerInvariant()));
}

/// <summary>
/// A reason this process must not start, in words for the operator (the CLI prints the message and exits 1 rather
/// than showing a stack trace): a role that does not exist, a schema older than this build.
/// </summary>
public class StartupRefusedException(string message) : Exception(message);

/// <summary>A configuration naming a role that does not exist.</summary>
public sealed class InvalidServerRolesException(string message) : StartupRefusedException(message);

/// <summary>The roles this process runs, for whoever needs to know (health answers, the start-up log).</summary>
public sealed record ActiveRoles(ServerRoles Roles)
{
    public bool Has(ServerRoles role) => (Roles & role) != 0;

    public override string ToString() => ServerRolesText.Format(Roles);
}

/// <summary>A background service and the roles it belongs to, as a module declared it.</summary>
public sealed record RoleBoundService(Type ServiceType, ServerRoles Roles);

/// <summary>
/// The one place that decides which background services run in a process. Modules declare each hosted service with
/// the roles it belongs to (<see cref="AddRoleService{T}"/>) instead of registering it as a hosted service
/// themselves; the composition root then calls <see cref="AddAirwaveRoles"/> once, after every module, and only the
/// services of the active roles are started. Nothing else in the code asks which role it is in.
/// </summary>
public static class RoleSetup
{
    /// <summary>Declares <typeparamref name="T"/> (a singleton) as a background service of <paramref name="roles"/>.</summary>
    public static IServiceCollection AddRoleService<T>(this IServiceCollection services, ServerRoles roles)
        where T : class, IHostedService
    {
        if (!services.Any(d => d.ServiceType == typeof(T)))
        {
            services.AddSingleton<T>();
        }

        services.AddSingleton(new RoleBoundService(typeof(T), roles));
        return services;
    }

    /// <summary>Starts the declared services whose roles meet <paramref name="active"/>, in declaration order.</summary>
    public static IServiceCollection AddAirwaveRoles(this IServiceCollection services, ServerRoles active)
    {
        services.AddSingleton(new ActiveRoles(active));
        var declared = services
            .Where(d => d.ServiceType == typeof(RoleBoundService) && d.ImplementationInstance is RoleBoundService)
            .Select(d => (RoleBoundService)d.ImplementationInstance!)
            .ToList();
        foreach (var service in declared.Where(s => (s.Roles & active) != 0))
        {
            services.AddSingleton<IHostedService>(provider => (IHostedService)provider.GetRequiredService(service.ServiceType));
        }

        return services;
    }

    /// <summary>The declared services that run with <paramref name="active"/> (for tests and the start-up log).</summary>
    public static IReadOnlyList<Type> Running(IEnumerable<RoleBoundService> declared, ServerRoles active) =>
        [.. declared.Where(s => (s.Roles & active) != 0).Select(s => s.ServiceType)];
}
