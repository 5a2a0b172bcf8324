using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Airwave.IntegrationTests.Infrastructure;
using Airwave.IntegrationTests.Media;
using Npgsql;

namespace Airwave.IntegrationTests.Events;

/// <summary>
/// Scale-out mode end to end with the built executable: `airwave migrate`, then two `api` processes, a `worker` and
/// an `analytics` process on PostgreSQL, the S3-compatible test server and RabbitMQ. An upload through api #1 waits
/// until a worker exists, is processed by it and appears in the feed served by api #2; a worker killed mid-job is
/// replaced and the job completes once; RabbitMQ stopped for 15 seconds during a burst of changes loses no event.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class ScaleOutProcessTests : IAsyncLifetime
{
    private readonly List<Process> _processes = [];
    private readonly string _dataRoot = Directory.CreateTempSubdirectory("airwave-scale-out-").FullName;
    private readonly TestS3Bucket _bucket = new();
    private readonly string _prefix = $"scale-{Guid.NewGuid():N}"[..18];
    private TestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("postgres");
        await _bucket.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var process in _processes.Where(p => !p.HasExited))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        foreach (var process in _processes)
        {
            process.Dispose();
        }

        string[] groups = ["media", "catalog", "notifications", "analytics"];
        var names = new Airwave.Core.Events.RabbitMq.RabbitMqNames(_prefix);
        await TestRabbitMq.DeleteAsync([.. groups.Select(names.Queue), .. groups.Select(names.DeadQueue), names.Stream],
            [names.Exchange, names.DeadExchange]);
        await _bucket.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(_dataRoot, recursive: true);
    }

    [Fact]
    public async Task Upload_ThroughOneApi_ProcessedByTheWorker_InTheOtherApisFeed_KilledWorkerReplaced_BrokerOutageLosesNothing()
    {
        var migrate = Start("migrate", "migrate");
        await migrate.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        migrate.ExitCode.ShouldBe(0);

        var api1 = await RunAsync("api", "api1");
        var api2 = await RunAsync("api", "api2");
        await RunAsync("analytics", "analytics");

        // Signed up and signed in through api #1; everything else below alternates instances.
        var email = $"scale-{Guid.NewGuid():N}@example.com";
        (await api1.PostJsonAsync("/api/v1/users/register", new { email, password = Api.Password, display_name = "Scale", role = "creator" }))
            .Status.ShouldBe(HttpStatusCode.Created);
        var login = await api2.PostJsonAsync("/api/v1/auth/login", new { email, password = Api.Password });
        login.Status.ShouldBe(HttpStatusCode.OK);
        var token = login.Body!["access_token"]!.GetValue<string>();
        foreach (var client in new[] { api1, api2 })
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var owner = new TestUser(Guid.Empty, email, Api.Password, token, "", api2);
        var podcast = await api1.PostJsonAsync("/api/v1/podcasts", Api.ValidPodcast("Scaled Show"));
        podcast.Status.ShouldBe(HttpStatusCode.Created, podcast.Body?.ToJsonString());
        var podcastId = podcast.Body!["id"]!.GetValue<string>();
        (await api2.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);

        // No worker yet: the upload is accepted and its MediaUploaded event waits in the media group's queue (a
        // worker's consumer queues the processing job).
        var episodeId = await new TusTestClient(api1).UploadAsync(podcastId, await TestMedia.AudioAsync($"scale-{Guid.NewGuid():N}.wav", 3, 1));
        var names = new Airwave.Core.Events.RabbitMq.RabbitMqNames(_prefix);
        await WaitUntilAsync(async () => await TestRabbitMq.ReadyAsync(names.Queue("media")) == 1, "MediaUploaded waiting for a worker");
        (await ScalarAsync("SELECT COUNT(*) FROM jobs")).ShouldBe(0);
        (await api2.GetJsonAsync($"/api/v1/episodes/{episodeId}/processing")).Body!["processed_status"]!.GetValue<string>().ShouldNotBe("ready");

        await RunAsync("worker", "worker1");
        (await EpisodeUploadTests.WaitForProcessingAsync(owner, episodeId))["processed_status"]!.GetValue<string>().ShouldBe("ready");
        var published = await api1.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null);
        published.Status.ShouldBe(HttpStatusCode.OK, published.Body?.ToJsonString());
        string feed = "";
        await WaitUntilAsync(async () =>
        {
            using var response = await api2.GetAsync(new Uri($"/rss/{podcastId}", UriKind.Relative));
            feed = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.OK && feed.Contains("<enclosure", StringComparison.Ordinal);
        }, "the episode in api #2's feed");
        feed.ShouldContain(episodeId);

        // A long file: the worker is killed while it encodes, a new worker takes the job when the lease runs out.
        var second = await new TusTestClient(api2).UploadAsync(podcastId, await TestMedia.AudioAsync($"scale-long-{Guid.NewGuid():N}.wav", 240, 1));
        await WaitUntilAsync(async () => await ScalarAsync("SELECT COUNT(*) FROM jobs WHERE status = 'running'") == 1, "the second job running");
        var worker1 = _processes.Last();
        worker1.Kill(entireProcessTree: true);
        await worker1.WaitForExitAsync();
        await RunAsync("worker", "worker2");
        (await EpisodeUploadTests.WaitForProcessingAsync(owner, second))["processed_status"]!.GetValue<string>().ShouldBe("ready");

        (await ScalarAsync("SELECT COUNT(*) FROM jobs WHERE status = 'succeeded'")).ShouldBe(2);
        (await ScalarAsync("SELECT COUNT(*) FROM jobs WHERE status <> 'succeeded'")).ShouldBe(0);
        // Each MediaProcessed was raised once and handled once by the catalog group.
        (await ScalarAsync("SELECT COUNT(*) FROM outbox_events WHERE type LIKE '%MediaProcessed'")).ShouldBe(2);
        await WaitUntilAsync(async () => await ScalarAsync("SELECT COUNT(*) FROM outbox_events WHERE dispatched_at IS NULL") == 0, "the outbox drained");
        (await ScalarAsync(
            "SELECT COUNT(*) FROM processed_events p JOIN outbox_events o ON o.id = p.event_id WHERE o.type LIKE '%MediaProcessed' AND p.consumer_group = 'catalog'"))
            .ShouldBe(2);

        // RabbitMQ away for 15 seconds during a burst of changes through both API instances: every request succeeds,
        // the FeedChanged events wait in the outbox, and once the broker is back each is handled, once, by the worker.
        const string feedChanged = "SELECT COUNT(*) FROM outbox_events WHERE type LIKE '%FeedChanged'";
        var before = await ScalarAsync(feedChanged);
        await TestRabbitMq.StopAsync();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var changed = await (i % 2 == 0 ? api1 : api2).PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { title = $"Scaled Show {i}" });
                changed.Status.ShouldBe(HttpStatusCode.OK, changed.Body?.ToJsonString());
            }

            (await ScalarAsync(feedChanged)).ShouldBe(before + 20);
            await Task.Delay(TimeSpan.FromSeconds(15));
            (await ScalarAsync("SELECT COUNT(*) FROM outbox_events WHERE dispatched_at IS NULL")).ShouldBe(20);
        }
        finally
        {
            await TestRabbitMq.StartAsync();
        }

        await WaitUntilAsync(async () => await ScalarAsync("SELECT COUNT(*) FROM outbox_events WHERE dispatched_at IS NULL") == 0, "the outbox drained");
        await WaitUntilAsync(async () => await ScalarAsync(
            "SELECT COUNT(*) FROM processed_events p JOIN outbox_events o ON o.id = p.event_id WHERE o.type LIKE '%FeedChanged' AND p.consumer_group = 'catalog'")
            == before + 20, "every FeedChanged handled by the catalog group");
        (await ScalarAsync("SELECT COUNT(*) FROM outbox_events WHERE dead_at IS NOT NULL OR attempts > 0")).ShouldBe(0);
        await WaitUntilAsync(async () =>
        {
            using var response = await api1.GetAsync(new Uri($"/rss/{podcastId}", UriKind.Relative));
            return (await response.Content.ReadAsStringAsync()).Contains("Scaled Show 19", StringComparison.Ordinal);
        }, "the last title in the feed");
    }

    private async Task<HttpClient> RunAsync(string role, string name)
    {
        var port = ServerProcess.FreePort();
        var process = Start(name, "run", "--roles", role, "--urls", $"http://127.0.0.1:{port}");
        return await ServerProcess.WaitUntilReadyAsync(port, process);
    }

    private Process Start(string name, params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["AIRWAVE_Server__DataDirectory"] = Path.Combine(_dataRoot, name),
            ["AIRWAVE_Database__Provider"] = "postgres",
            ["AIRWAVE_Database__ConnectionString"] = _database.ConnectionString,
            ["AIRWAVE_Database__MigrateOnStart"] = "false",
            ["AIRWAVE_Events__Transport"] = "rabbitmq",
            ["AIRWAVE_Events__RabbitMq__Uri"] = TestRabbitMq.Uri,
            ["AIRWAVE_Events__RabbitMq__Prefix"] = _prefix,
            ["AIRWAVE_Jobs__Workers"] = "1",
            ["AIRWAVE_Jobs__Lease"] = "00:00:03",
            ["AIRWAVE_Accounts__AuthAttemptsPerMinute"] = "1000",
        };
        foreach (var (key, value) in _bucket.Settings("airwave"))
        {
            environment["AIRWAVE_" + key.Replace(":", "__", StringComparison.Ordinal)] = value ?? "";
        }

        var process = ServerProcess.Start(arguments, environment);
        _processes.Add(process);
        return process;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => EventBusHarness.WaitUntilAsync(condition, what, 180);
}
