using Airwave.Core.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Airwave.Core.Data;

/// <summary>Picks the database from configuration, in one place: SQLite under the data directory unless told otherwise.</summary>
public static class DatabaseSetup
{
    public static IServiceCollection AddAirwaveDatabase(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .Validate(o => o.Provider.Trim().ToLowerInvariant() is "sqlite" or "postgres" or "postgresql",
                "Database:Provider must be 'sqlite' or 'postgres'.")
            .Validate(o => !IsPostgres(o) || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:ConnectionString is required with the postgres provider.")
            .ValidateOnStart();
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var server = provider.GetRequiredService<IOptions<ServerOptions>>().Value;
            var dialect = SqlDialect.FromProvider(options.Provider);
            var connectionString = string.IsNullOrWhiteSpace(options.ConnectionString) && dialect == SqlDialect.Sqlite
                ? $"Data Source={Path.Combine(Path.GetFullPath(server.DataDirectory), "airwave.db")}"
                : options.ConnectionString;
            return new Database(dialect, connectionString);
        });
        services.AddSingleton<Migrator>();
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        return services;
    }

    private static bool IsPostgres(DatabaseOptions options) => options.Provider.Trim().ToLowerInvariant() is "postgres" or "postgresql";
}

/// <summary>Ready when the database answers and every migration this build knows is applied.</summary>
internal sealed class DatabaseReadyCheck(Migrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var status = await migrator.GetStatusAsync(cancellationToken);
            return status.IsCurrent
                ? HealthCheckResult.Healthy($"schema at version {(status.Applied.Count > 0 ? status.Applied[^1] : 0)}")
                : HealthCheckResult.Unhealthy($"{status.Pending.Count} migration(s) pending; run 'airwave migrate'");
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("database unreachable", e);
        }
    }
}
