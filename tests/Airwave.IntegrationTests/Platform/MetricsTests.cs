using System.Net;
using Airwave.IntegrationTests.Infrastructure;
using Airwave.Core.Data;
using Airwave.Server.Hosting;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Platform;

/// <summary>/metrics on a real server: Prometheus text with the request, runtime and Airwave metrics, only its own.</summary>
public sealed class MetricsTests : IDisposable
{
    private readonly List<string> _directories = [];

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Metrics_FromLoopback_PrometheusText_WithRequestsRuntimeAndFeeds_OfThisServerOnly()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var server = await StartAsync(database, "all");
        await using var other = await StartAsync(database, "api");
        using var client = new HttpClient { BaseAddress = Address(server) };
        using var otherClient = new HttpClient { BaseAddress = Address(other) };

        (await client.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync(new Uri($"/rss/{Guid.NewGuid()}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await otherClient.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; version=0.0.4; charset=utf-8");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("# TYPE http_server_request_duration_seconds histogram");
        text.ShouldContain("http_route=\"/healthz\"");
        text.ShouldContain("http_route=\"/rss/{podcastId:guid}\"");
        // The other server's requests are its own.
        text.ShouldNotContain("http_route=\"/readyz\"");
        text.ShouldContain("# TYPE dotnet_gc_collections_total counter");
        text.ShouldContain("# TYPE airwave_metrics_series_dropped_total counter");
        // Every sample line is a name, optional labels and a number.
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')))
        {
            line.ShouldMatch(@"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? (-?[0-9.eE+-]+|\+Inf|-Inf|NaN)$");
        }

        var again = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        again.ShouldContain("http_route=\"/metrics\"");
    }

    [Fact]
    public async Task Metrics_PublishingAShow_EventsRelayedAndHandled_FeedBuiltAndServed()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var server = await StartAsync(database, "all");
        using var client = new HttpClient { BaseAddress = Address(server) };
        var email = $"metrics-{Guid.NewGuid():N}@example.com";
        (await client.PostJsonAsync("/api/v1/users/register", new { email, password = Api.Password, display_name = "Metrics", role = "creator" }))
            .Status.ShouldBe(HttpStatusCode.Created);
        var login = await client.PostJsonAsync("/api/v1/auth/login", new { email, password = Api.Password });
        client.DefaultRequestHeaders.Authorization = new("Bearer", login.Body!["access_token"]!.GetValue<string>());
        var podcast = await client.PostJsonAsync("/api/v1/podcasts", Api.ValidPodcast("Metrics Show"));
        var podcastId = podcast.Body!["id"]!.GetValue<string>();
        (await client.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync(new Uri($"/rss/{podcastId}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync(new Uri($"/rss/{podcastId}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The consumer can count its event before the relay, which counts a delivery once the handler has returned:
        // wait for every figure, not only the first to appear.
        string[] expected =
        [
            "airwave_events_relayed_total\\{outcome=\"delivered\"\\} [1-9]",
            "airwave_events_handled_total\\{group=\"catalog\",outcome=\"handled\"\\} [1-9]",
            "airwave_feeds_build_duration_seconds_count [1-9]",
            "airwave_feeds_requests_total\\{source=\"(memory|database)\",status=\"200\"\\} [1-9]",
        ];
        await ScrapeUntilAsync(client, expected);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Metrics_Backlog_JobsWaitingAndRunning_OutboxPendingAndDead_FromTheDatabase(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var server = await StartAsync(database, "all", new() { ["Metrics:BacklogSampleSeconds"] = "1" });
        using var client = new HttpClient { BaseAddress = Address(server) };
        var now = DateTimeOffset.UtcNow;
        await using (var connection = await server.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None))
        {
            // A kind no worker handles waits; one running; an event due only in an hour, and one given up on.
            await connection.ExecuteAsync(
                """
                INSERT INTO jobs (id, kind, subject_key, payload, status, attempts, max_attempts, run_after, created_at, updated_at)
                VALUES (@a, 'backlog-test', 'a', '{}', 'queued', 0, 3, @waitingSince, @waitingSince, @waitingSince),
                       (@b, 'backlog-test', 'b', '{}', 'queued', 0, 3, @later, @now, @now),
                       (@c, 'backlog-test', 'c', '{}', 'running', 1, 3, @now, @now, @now)
                """, new { a = Guid.NewGuid(), b = Guid.NewGuid(), c = Guid.NewGuid(), waitingSince = now.AddMinutes(-10), later = now.AddHours(1), now });
            await connection.ExecuteAsync(
                """
                INSERT INTO outbox_events (id, type, payload, occurred_at, available_at, attempts, last_error, dispatched_at, dead_at)
                VALUES (@pending, 'test.event', '{}', @occurred, @later, 1, 'broker away', NULL, NULL),
                       (@dead, 'test.event', '{}', @now, @now, 5, 'no handler', NULL, @now)
                """, new { pending = Guid.NewGuid(), dead = Guid.NewGuid(), occurred = now.AddMinutes(-5), later = now.AddHours(1), now });
        }

        string[] expected =
        [
            "airwave_jobs_waiting\\{kind=\"backlog-test\"\\} 1\n",
            "airwave_jobs_running\\{kind=\"backlog-test\"\\} 1\n",
            "airwave_jobs_oldest_waiting_seconds\\{kind=\"backlog-test\"\\} 6[0-9][0-9]",
            "airwave_events_outbox_pending [1-9]",
            "airwave_events_outbox_oldest_pending_seconds [3-9][0-9][0-9]",
            "airwave_events_outbox_dead 1\n",
        ];
        var text = await ScrapeUntilAsync(client, expected);

        text.ShouldContain("# TYPE airwave_jobs_waiting gauge");
    }

    [Fact]
    public async Task Start_BacklogSampleSecondsOutOfRange_RefusesNamingTheSetting()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var error = await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => StartAsync(database, "all", new() { ["Metrics:BacklogSampleSeconds"] = "0" }));
        error.Message.ShouldContain("Metrics:BacklogSampleSeconds must be from 1 to 3600.");
    }

    [Theory]
    [InlineData("10.0.0.0/8")]
    [InlineData("")]
    public async Task Metrics_FromAnAddressNotAllowed_404(string allowed)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var server = await StartAsync(database, "all", new() { ["Metrics:AllowedNetworks"] = allowed });
        using var client = new HttpClient { BaseAddress = Address(server) };
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Theory]
    [InlineData("X-Forwarded-For", "203.0.113.9")]
    [InlineData("Forwarded", "for=203.0.113.9")]
    public async Task Metrics_RelayedByAProxyOnAnAllowedAddress_404(string header, string value)
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var server = await StartAsync(database, "all", new() { ["Server:TrustedProxies"] = "127.0.0.1" });
        using var client = new HttpClient { BaseAddress = Address(server) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Start_AllowedNetworksNotAddresses_RefusesNamingTheSetting()
    {
        await using var database = await TestDatabase.CreateAsync("sqlite");
        var error = await Should.ThrowAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => StartAsync(database, "all", new() { ["Metrics:AllowedNetworks"] = "127.0.0.1, prometheus.local" }));
        error.Message.ShouldContain("Metrics:AllowedNetworks: 'prometheus.local' is not an IPv4 or IPv6 address");
    }

    /// <summary>Scrapes until every pattern matches (figures arrive at different moments), at most 30 s; then checks them.</summary>
    private static async Task<string> ScrapeUntilAsync(HttpClient client, string[] expected)
    {
        var text = "";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            if (expected.All(pattern => System.Text.RegularExpressions.Regex.IsMatch(text, pattern)))
            {
                break;
            }

            await Task.Delay(100);
        }

        foreach (var pattern in expected)
        {
            text.ShouldMatch(pattern);
        }

        return text;
    }

    private async Task<WebApplication> StartAsync(TestDatabase database, string roles, Dictionary<string, string?>? settings = null)
    {
        var directory = Directory.CreateTempSubdirectory("airwave-metrics-").FullName;
        _directories.Add(directory);
        var overrides = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Server:DataDirectory"] = directory,
            ["Server:Roles"] = roles,
            ["Database:Provider"] = database.Provider,
            ["Database:ConnectionString"] = database.ConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? [])
        {
            overrides[key] = value;
        }

        var app = AirwaveApp.Build(overrides);
        try
        {
            await AirwaveApp.MigrateIfConfiguredAsync(app, CancellationToken.None);
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
}
