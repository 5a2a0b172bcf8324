using System.Diagnostics;
using System.Net;
using Airwave.Core.Data;
using Airwave.Core.Events;
using Airwave.Core.Hosting;
using Airwave.Core.Jobs;
using Airwave.IntegrationTests.Infrastructure;
using Airwave.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Airwave.IntegrationTests.Platform;

/// <summary>
/// Roles: which background services a process runs, what it serves, and the start-up refusals (an unknown role, a
/// schema older than the build in a process that may not migrate).
/// </summary>
public sealed class RolesTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("airwave-roles-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Theory]
    [InlineData("api", true, false)]
    [InlineData("worker", false, true)]
    [InlineData("analytics", false, false)]
    [InlineData("api,worker", true, true)]
    public async Task Build_Roles_StartOnlyTheirServicesAndEndpoints(string roles, bool servesApi, bool runsJobs)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = await StartAsync(database, roles);
        var hosted = app.Services.GetServices<IHostedService>().ToList();
        hosted.OfType<JobWorker>().Any().ShouldBe(runsJobs);
        hosted.OfType<OutboxRelay>().Count().ShouldBe(1, "every role relays the outbox");
        app.Services.GetRequiredService<ActiveRoles>().ToString().ShouldBe(roles);

        using var client = new HttpClient { BaseAddress = Address(app) };
        (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var api = await client.PostAsync(new Uri("/api/v1/auth/login", UriKind.Relative), new StringContent("{}"));
        api.StatusCode.ShouldBe(servesApi ? HttpStatusCode.UnsupportedMediaType : HttpStatusCode.NotFound);
        var openApi = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        openApi.StatusCode.ShouldBe(servesApi ? HttpStatusCode.OK : HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Build_AllRoles_RunsEveryDeclaredService()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = await StartAsync(database, "all");
        var declared = app.Services.GetServices<RoleBoundService>().ToList();
        declared.ShouldNotBeEmpty();
        var hosted = app.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
        foreach (var service in declared)
        {
            hosted.ShouldContain(service.ServiceType);
        }
    }

    [Fact]
    public void Build_UnknownRole_Refuses() =>
        Should.Throw<InvalidServerRolesException>(() => AirwaveApp.Build(new Dictionary<string, string?> { ["Server:Roles"] = "api,web" }))
            .Message.ShouldContain("'web'");

    [Fact]
    public async Task Run_UnknownRole_ExitsWithAClearMessage()
    {
        using var server = Start(["run", "--urls", $"http://127.0.0.1:{ServerProcess.FreePort()}", "--roles", "api,frontend", "--data-dir", _dataDirectory]);
        var error = await server.StandardError.ReadToEndAsync();
        await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        server.ExitCode.ShouldBe(1);
        error.ShouldContain("unknown role 'frontend'");
        error.ShouldNotContain("   at ");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Run_SplitRolesOnOutdatedSchema_RefuseUntilMigrateRan(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var environment = new Dictionary<string, string>
        {
            ["AIRWAVE_Database__Provider"] = database.Provider,
            ["AIRWAVE_Database__ConnectionString"] = database.ConnectionString,
        };
        var port = ServerProcess.FreePort();
        string[] api = ["run", "--urls", $"http://127.0.0.1:{port}", "--roles", "api", "--data-dir", _dataDirectory];

        foreach (var refused in new[] { api, ["run", "--urls", $"http://127.0.0.1:{port}", "--data-dir", _dataDirectory] })
        {
            // The second: all roles, but told not to migrate.
            var env = new Dictionary<string, string>(environment) { ["AIRWAVE_Database__MigrateOnStart"] = refused == api ? "true" : "false" };
            using var server = Start(refused, env);
            var error = await server.StandardError.ReadToEndAsync();
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            server.ExitCode.ShouldBe(1);
            error.ShouldContain("Run 'airwave migrate'");
            error.ShouldNotContain("   at ");
        }

        var migrator = new Migrator(new Database(SqlDialect.FromProvider(provider), database.ConnectionString), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Migrator>.Instance);
        (await migrator.GetStatusAsync(CancellationToken.None)).Applied.ShouldBeEmpty("a refusing instance changes nothing");

        using (var migrate = Start(["migrate", "--data-dir", _dataDirectory], environment))
        {
            await migrate.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            migrate.ExitCode.ShouldBe(0, await migrate.StandardError.ReadToEndAsync());
        }

        using (var server = Start(api, environment, captureOutput: false))
        {
            using var client = await ServerProcess.WaitUntilReadyAsync(port, server);
            (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
            ServerProcess.Interrupt(server);
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            server.ExitCode.ShouldBe(0);
        }
    }

    private async Task<WebApplication> StartAsync(TestDatabase database, string roles)
    {
        var app = AirwaveApp.Build(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Server:DataDirectory"] = _dataDirectory,
            ["Server:Roles"] = roles,
            ["Database:Provider"] = database.Provider,
            ["Database:ConnectionString"] = database.ConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        // Only `airwave migrate` changes the schema of a split-role deployment.
        await app.Services.GetRequiredService<Migrator>().MigrateAsync(CancellationToken.None);
        await AirwaveApp.MigrateIfConfiguredAsync(app, CancellationToken.None);
        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    private static Process Start(string[] arguments, IReadOnlyDictionary<string, string>? environment = null, bool captureOutput = true) =>
        ServerProcess.Start(arguments, environment, captureOutput: captureOutput);
}
