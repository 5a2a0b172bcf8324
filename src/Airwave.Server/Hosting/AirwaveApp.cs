using Airwave.Accounts;
using Airwave.Analytics;
using Airwave.Catalog;
using Airwave.Core.Data;
using Airwave.Core.Events;
using Airwave.Core.Hosting;
using Airwave.Delivery;
using Airwave.Media;
using Airwave.Notifications;
using Airwave.Web;
using Airwave.Core.Http;
using Airwave.Core.Observability;
using Airwave.Core.Http.RateLimits;
using Airwave.Core.Time;
using Airwave.Core.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Airwave.Server.Hosting;

/// <summary>
/// The composition root: configuration sources, every module's services, the middleware order and the endpoints.
/// The CLI verbs and the tests build the server through here, so there is one way it is put together.
/// </summary>
internal static class AirwaveApp
{
    public const string EnvironmentPrefix = "AIRWAVE_";

    /// <param name="overrides">Settings that win over appsettings.json and environment variables (CLI options, tests).</param>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environment.GetEnvironmentVariable(EnvironmentPrefix + "ENVIRONMENT") ?? Environments.Production,
        });
        builder.Configuration.Sources.Clear();
        AddSources(builder.Configuration, overrides);
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        var server = builder.Configuration.GetSection(ServerOptions.Section).Get<ServerOptions>() ?? new ServerOptions();
        var roles = ServerRolesText.Parse(server.Roles);
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = server.MaxRequestBodyBytes;
        });

        var services = builder.Services;
        services.AddSingleton<TimeProvider, MicrosecondClock>();
        services.AddAirwaveHttp();
        services.AddAirwaveDatabase();
        services.AddAirwaveOpenApi();
        services.AddAirwaveMetrics();
        // Feeds and JSON compress well; audio is already compressed and is left alone.
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["application/rss+xml", "application/problem+json"]);
        });
        // Cookie sign-in encrypts with these keys. They live in the database, so people stay signed in across
        // restarts and every API instance behind a load balancer opens every other's cookies (ADR 0016).
        services.AddDataProtection().SetApplicationName("Airwave");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new DatabaseKeyRepository(
                provider.GetRequiredService<Database>(),
                Path.Combine(Path.GetFullPath(server.DataDirectory), "keys"),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<DatabaseKeyRepository>>())));
        services.AddAirwavePlatform();
        services.AddAccounts();
        services.AddMedia();
        services.AddNotifications();
        services.AddDelivery();
        services.AddCatalog();
        services.AddAnalytics();
        services.AddWeb();

        // After every module has declared its background services: only those of this process's roles start.
        services.AddAirwaveRoles(roles);

        var app = builder.Build();
        app.UseFeedsFromMemory();
        app.UseResponseCompression();
        app.UseAirwaveProblems();
        app.UseRouting();
        // After routing (it logs only endpoints marked for the delivery log), before anything that can answer for them.
        app.UseDeliveryLog();
        app.UseRateLimiter();
        app.UseSharedRateLimits();
        app.UseAuthentication();
        app.UseAuthorization();

        // Every role answers health checks and /metrics, so a supervisor, load balancer or Prometheus watches workers like API instances.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapAirwaveMetrics();
        if (!roles.HasFlag(ServerRoles.Api))
        {
            return app;
        }

        app.MapAirwaveOpenApi();
        app.MapAccountsEndpoints();
        app.MapCatalogEndpoints();
        app.MapMediaEndpoints();
        app.MapDeliveryEndpoints();
        app.MapAnalyticsEndpoints();
        app.MapWebEndpoints();
        return app;
    }

    /// <summary>
    /// The configuration alone, for verbs that need settings but no server (<c>airwave media</c>): the same sources
    /// in the same order as <see cref="Build"/>.
    /// </summary>
    public static IConfiguration LoadConfiguration(IReadOnlyDictionary<string, string?> overrides) =>
        AddSources(new ConfigurationBuilder(), overrides).Build();

    private static IConfigurationBuilder AddSources(IConfigurationBuilder configuration, IReadOnlyDictionary<string, string?> overrides) =>
        configuration
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddInMemoryCollection(overrides);

    /// <summary>
    /// Embedded mode (all roles, <c>Database:MigrateOnStart</c>) applies pending migrations. Any other process only
    /// checks: in scale-out mode many instances start at once and `airwave migrate` alone changes the schema, so an
    /// instance that finds the schema behind this build refuses to start rather than run against tables it does not
    /// know.
    /// </summary>
    public static async Task MigrateIfConfiguredAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var migrator = app.Services.GetRequiredService<Migrator>();
        var roles = app.Services.GetRequiredService<ActiveRoles>().Roles;
        if (roles == ServerRoles.All && app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart)
        {
            await migrator.MigrateAsync(cancellationToken);
            return;
        }

        var status = await migrator.GetStatusAsync(cancellationToken);
        if (!status.IsCurrent)
        {
            var at = status.Applied.Count > 0 ? status.Applied[^1] : 0;
            throw new StartupRefusedException(
                $"The database schema is at version {at:D4} but this build needs {status.Pending[^1].Version:D4} " +
                $"({status.Pending.Count} migration(s) pending). Run 'airwave migrate' once, then start the instances " +
                $"(roles: {ServerRolesText.Format(roles)}; instances other than embedded mode never migrate by themselves).");
        }
    }
}
