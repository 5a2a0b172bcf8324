using System.Net;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Platform;

/// <summary>
/// /readyz on a schema behind the build. `airwave run` no longer gets this far (a process that may not migrate
/// refuses to start on an outdated schema, see RolesTests), but the check still guards whatever hosts the app without
/// that start-up step, and a schema rolled back under a running instance.
/// </summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Readyz_PendingMigrations_503_WhileLive()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var app = Airwave.Server.Hosting.AirwaveApp.Build(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Server:DataDirectory"] = Directory.CreateTempSubdirectory("airwave-unmigrated-").FullName,
            ["Database:Provider"] = database.Provider,
            ["Database:ConnectionString"] = database.ConnectionString,
            ["Database:MigrateOnStart"] = "false",
            ["Logging:LogLevel:Default"] = "None",
        });
        await using (app)
        {
            await Should.ThrowAsync<Airwave.Core.Hosting.StartupRefusedException>(
                () => Airwave.Server.Hosting.AirwaveApp.MigrateIfConfiguredAsync(app, CancellationToken.None));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            using var live = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
            live.StatusCode.ShouldBe(HttpStatusCode.OK);
            using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
            ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await ready.Content.ReadAsStringAsync()).ShouldBe("Unhealthy");
            await app.StopAsync();
        }
    }
}

public sealed class StartupValidationTests
{
    [Fact]
    public async Task Start_BadSettings_RefusesNamingEachSetting()
    {
        var app = Airwave.Server.Hosting.AirwaveApp.Build(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Server:DataDirectory"] = Directory.CreateTempSubdirectory("airwave-bad-").FullName,
            // "24:00:00" reads as 24 days, past the 7 days signed URLs may live.
            ["Media:UploadExpiration"] = "24:00:00",
            ["Media:MaxAttempts"] = "0",
            ["Accounts:AuthAttemptsPerMinute"] = "0",
            ["Logging:LogLevel:Default"] = "None",
        });
        await using (app)
        {
            // One failure per settings class, together: the operator fixes everything in one go.
            var error = await Should.ThrowAsync<AggregateException>(() => app.StartAsync());
            var messages = string.Join("\n", error.InnerExceptions.OfType<Microsoft.Extensions.Options.OptionsValidationException>()
                .SelectMany(e => e.Failures));
            messages.ShouldContain("Media:UploadExpiration");
            messages.ShouldContain("Media:MaxAttempts");
            messages.ShouldContain("Accounts:AuthAttemptsPerMinute");
        }
    }
}
