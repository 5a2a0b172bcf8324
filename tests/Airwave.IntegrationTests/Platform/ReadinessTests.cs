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
