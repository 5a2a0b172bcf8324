using System.Net;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Platform;

/// <summary>A server started on an empty database with migrations left to the operator (scale-out mode).</summary>
public sealed class UnmigratedServer : ServerFixture
{
    protected override string Provider => "sqlite";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Database:MigrateOnStart"] = "false",
    };
}

public sealed class ReadinessTests(UnmigratedServer server) : IClassFixture<UnmigratedServer>
{
    [Fact]
    public async Task Readyz_PendingMigrations_503_WhileLive()
    {
        using var client = server.Client();
        using var live = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        live.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).ShouldBe("Unhealthy");
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
