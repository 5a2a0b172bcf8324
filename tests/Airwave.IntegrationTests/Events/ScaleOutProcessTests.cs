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
/// replaced and the job completes once; RabbitMQ stopped for 15 seconds during a burst of changes, playback events
/// and an upload loses no event: each is handled once per group, the listen figures are exactly what was sent, an
/// analytics process killed while it reads the stream is succeeded by one that reads on from the stored offset, and
/// nothing is dead-lettered.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class ScaleOutProcessTests : IAsyncLifetime
{
    private readonly List<Process> _processes = [];
    private readonly Dictionary<string, Process> _named = [];
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

        // A long file (ten minutes, a small MP3, so the upload stays quick): the worker is killed while it measures
        // loudness or encodes, and a new worker takes the job when the lease runs out. The kill must land mid-job: the
        // test waits for reported progress inside the work (past probing, before finishing), freezes the worker
        // (SIGSTOP: it cannot commit anything after that), checks the job is still unfinished, then kills it.
        var second = await new TusTestClient(api2).UploadAsync(podcastId,
            await TestMedia.AudioAsync($"scale-long-{Guid.NewGuid():N}.mp3", 600, 1, "-c:a libmp3lame -b:a 64k"));
        var secondJob = $"(SELECT j.id FROM jobs j JOIN media_assets a ON j.subject_key = CAST(a.id AS text) WHERE a.subject_id = '{second}')";
        await WaitUntilAsync(async () => await ScalarAsync(
            $"SELECT COUNT(*) FROM jobs WHERE id IN {secondJob} AND status = 'running' AND progress > 2 AND progress < 96") == 1,
            "the second job reporting progress mid-work");
        var worker1 = _named["worker1"];
        await SignalAsync(worker1, "STOP");
        (await ScalarAsync($"SELECT COUNT(*) FROM jobs WHERE id IN {secondJob} AND status = 'running' AND finished_at IS NULL"))
            .ShouldBe(1, "the worker was frozen before it finished the job");
        worker1.Kill(entireProcessTree: true);
        await worker1.WaitForExitAsync();
        await RunAsync("worker", "worker2");
        (await EpisodeUploadTests.WaitForProcessingAsync(owner, second))["processed_status"]!.GetValue<string>().ShouldBe("ready");

        // Attempted twice (the killed run and the one that finished), completed once: one MediaProcessed for its
        // asset, one asset row, ready, with one set of renditions.
        (await ScalarAsync($"SELECT attempts FROM jobs WHERE id IN {secondJob}")).ShouldBe(2);
        (await ScalarAsync($"SELECT COUNT(*) FROM jobs WHERE id IN {secondJob} AND status = 'succeeded'")).ShouldBe(1);
        (await ScalarAsync($"SELECT COUNT(*) FROM media_assets WHERE subject_id = '{second}'")).ShouldBe(1);
        (await ScalarAsync($"SELECT COUNT(*) FROM media_assets WHERE subject_id = '{second}' AND status = 'ready' AND renditions IS NOT NULL")).ShouldBe(1);
        (await ScalarAsync(
            $"SELECT COUNT(*) FROM outbox_events o JOIN media_assets a ON o.payload LIKE '%' || CAST(a.id AS text) || '%' WHERE o.type LIKE '%MediaProcessed' AND a.subject_id = '{second}'"))
            .ShouldBe(1);
        (await ScalarAsync("SELECT COUNT(*) FROM jobs WHERE status = 'succeeded'")).ShouldBe(2);
        (await ScalarAsync("SELECT COUNT(*) FROM jobs WHERE status <> 'succeeded'")).ShouldBe(0);
        // Each MediaProcessed was raised once and handled once by the catalog group.
        (await ScalarAsync("SELECT COUNT(*) FROM outbox_events WHERE type LIKE '%MediaProcessed'")).ShouldBe(2);
        await WaitUntilAsync(async () => await ScalarAsync("SELECT COUNT(*) FROM outbox_events WHERE dispatched_at IS NULL") == 0, "the outbox drained");
        (await ScalarAsync(
            "SELECT COUNT(*) FROM processed_events p JOIN outbox_events o ON o.id = p.event_id WHERE o.type LIKE '%MediaProcessed' AND p.consumer_group = 'catalog'"))
            .ShouldBe(2);

        // The long episode published: listeners' players report playing it below.
        var listened = await api2.PostJsonAsync($"/api/v1/episodes/{second}/publish", null);
        listened.Status.ShouldBe(HttpStatusCode.OK, listened.Body?.ToJsonString());
        var analytics = _named["analytics"];
        var third = await TestMedia.AudioAsync($"scale-outage-{Guid.NewGuid():N}.wav", 3, 1);

        // RabbitMQ away for 15 seconds during a burst of changes, playback events (single and batched, anonymous
        // listeners) and an upload through both API instances: every request succeeds, the events wait in the outbox,
        // and once the broker is back each is handled, once, by its group.
        const string feedChanged = "SELECT COUNT(*) FROM outbox_events WHERE type LIKE '%FeedChanged'";
        var before = await ScalarAsync(feedChanged);
        var outboxBefore = await ScalarAsync("SELECT COUNT(*) FROM outbox_events");
        var burst = new PlaybackBurst(Guid.Parse(second), DateTimeOffset.UtcNow.AddMinutes(-2));
        using var anonymous1 = new HttpClient { BaseAddress = api1.BaseAddress };
        using var anonymous2 = new HttpClient { BaseAddress = api2.BaseAddress };
        string outageUpload;
        await TestRabbitMq.StopAsync();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                var changed = await (i % 2 == 0 ? api1 : api2).PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { title = $"Scaled Show {i}" });
                changed.Status.ShouldBe(HttpStatusCode.OK, changed.Body?.ToJsonString());
            }

            await burst.SendAsync(anonymous1, anonymous2);
            outageUpload = await new TusTestClient(api1).UploadAsync(podcastId, third);

            (await ScalarAsync(feedChanged)).ShouldBe(before + 20);
            (await ScalarAsync("SELECT COUNT(*) FROM outbox_events WHERE type LIKE '%PlaybackEventsRecorded'")).ShouldBe(PlaybackBurst.Requests);
            await Task.Delay(TimeSpan.FromSeconds(15));
            var raised = await ScalarAsync("SELECT COUNT(*) FROM outbox_events") - outboxBefore;
            raised.ShouldBeGreaterThanOrEqualTo(20 + PlaybackBurst.Requests + 1);
            (await ScalarAsync("SELECT COUNT(*) FROM outbox_events WHERE dispatched_at IS NULL")).ShouldBe(raised);
        }
        finally
        {
            await TestRabbitMq.StartAsync();
        }

        // The analytics process, the only one consuming the analytics group, is killed once it has handled part of
        // the stream; its successor reads on from the offset stored with each handled event and counts nothing twice.
        const string playbackHandled =
            "SELECT COUNT(*) FROM processed_events p JOIN outbox_events o ON o.id = p.event_id WHERE o.type LIKE '%PlaybackEventsRecorded'";
        await WaitUntilAsync(async () => await ScalarAsync(playbackHandled) > 0, "the analytics group handling the streamed playback events");
        analytics.Kill(entireProcessTree: true);
        await analytics.WaitForExitAsync();
        var offsetAtKill = await ScalarAsync("SELECT COALESCE(MAX(next_offset), 0) FROM event_stream_offsets WHERE consumer_group = 'analytics'");
        offsetAtKill.ShouldBeGreaterThan(0);
        await RunAsync("analytics", "analytics2");

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

        // Every playback event handled once, by the analytics group only; the figures are exactly what was sent.
        await WaitUntilAsync(async () => await ScalarAsync(playbackHandled) == PlaybackBurst.Requests, "every playback event handled");
        (await ScalarAsync(playbackHandled + " AND p.consumer_group = 'analytics'")).ShouldBe(PlaybackBurst.Requests);
        (await ScalarAsync("SELECT COUNT(*) FROM playback_events")).ShouldBe(PlaybackBurst.Events);
        (await ScalarAsync("SELECT COUNT(*) FROM listen_sessions")).ShouldBe(PlaybackBurst.Sessions);
        (await ScalarAsync("SELECT SUM(events) FROM listen_sessions")).ShouldBe(PlaybackBurst.Events);
        (await ScalarAsync("SELECT COUNT(*) FROM listen_sessions WHERE listened_seconds <> " + PlaybackBurst.SessionSeconds)).ShouldBe(0);
        (await ScalarAsync("SELECT MAX(next_offset) FROM event_stream_offsets WHERE consumer_group = 'analytics'")).ShouldBeGreaterThanOrEqualTo(offsetAtKill);
        var day = DateOnly.FromDateTime(burst.CreatedAt.UtcDateTime);
        var range = $"from={day.AddDays(-1):yyyy-MM-dd}&to={day.AddDays(1):yyyy-MM-dd}";
        var summary = await api1.GetJsonAsync($"/api/v1/analytics/episodes/{second}/summary?{range}");
        summary.Status.ShouldBe(HttpStatusCode.OK, summary.Body?.ToJsonString());
        var totals = summary.Body!["listens"]!["totals"]!;
        totals["plays"]!.GetValue<long>().ShouldBe(PlaybackBurst.Sessions);
        totals["unique_listeners"]!.GetValue<long>().ShouldBe(PlaybackBurst.Sessions);
        totals["listened_seconds"]!.GetValue<double>().ShouldBe(PlaybackBurst.Sessions * PlaybackBurst.SessionSeconds);

        // The upload completed during the outage was processed by the worker once the broker was back.
        (await EpisodeUploadTests.WaitForProcessingAsync(owner, outageUpload))["processed_status"]!.GetValue<string>().ShouldBe("ready");
        (await ScalarAsync("SELECT COUNT(*) FROM jobs WHERE status = 'succeeded'")).ShouldBe(3);
        await WaitUntilAsync(async () => await ScalarAsync(
            "SELECT COUNT(*) FROM processed_events p JOIN outbox_events o ON o.id = p.event_id WHERE o.type LIKE '%MediaProcessed' AND p.consumer_group = 'catalog'")
            == 3, "the third MediaProcessed handled by the catalog group");

        // Nothing dead: not in the outbox, not in any group's dead queue (a group no process consumes has none).
        (await ScalarAsync("SELECT COUNT(*) FROM outbox_events WHERE dead_at IS NOT NULL OR attempts > 0")).ShouldBe(0);
        foreach (var group in new[] { "media", "catalog", "notifications", "analytics" })
        {
            (await DeadAsync(names.DeadQueue(group))).ShouldBe(0u, group);
        }
    }

    /// <summary>Sends a signal to a process by name (<c>kill -STOP</c>): .NET can kill a process but not freeze it.</summary>
    private static async Task SignalAsync(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { $"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        await kill.WaitForExitAsync();
        kill.ExitCode.ShouldBe(0, $"kill -{signal} {process.Id}");
    }

    private static async Task<uint> DeadAsync(string queue)
    {
        try
        {
            return await TestRabbitMq.ReadyAsync(queue);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    /// <summary>
    /// Playback of one episode by <see cref="Sessions"/> anonymous listeners (one device and session each), four
    /// 15-second progress reports per session (<see cref="SessionSeconds"/> heard), sent alternately through the two
    /// API instances: the first sessions one event per request, the rest in batches of 25 sessions.
    /// </summary>
    private sealed class PlaybackBurst(Guid episodeId, DateTimeOffset createdAt)
    {
        public const double SessionSeconds = 60;
        private const int SingleSessions = 30;
        private const int BatchSessions = 25;
        private const int Batches = 4;
        private const int Reports = 4;

        public DateTimeOffset CreatedAt => createdAt;

        public const long Sessions = SingleSessions + BatchSessions * Batches;

        public const long Events = Sessions * Reports;

        public const long Requests = SingleSessions * Reports + Batches;

        public async Task SendAsync(HttpClient first, HttpClient second)
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            var request = 0;
            for (var s = 0; s < SingleSessions; s++)
            {
                foreach (var report in Session(run, s))
                {
                    var response = await (request++ % 2 == 0 ? first : second).PostJsonAsync("/api/v1/playback-events", report);
                    response.Status.ShouldBe(HttpStatusCode.OK, response.Body?.ToJsonString());
                    response.Body!["status"]!.GetValue<string>().ShouldBe("accepted", response.Body.ToJsonString());
                }
            }

            for (var b = 0; b < Batches; b++)
            {
                var events = Enumerable.Range(SingleSessions + b * BatchSessions, BatchSessions).SelectMany(s => Session(run, s)).ToArray();
                var response = await (b % 2 == 0 ? first : second).PostJsonAsync("/api/v1/playback-events/batch",
                    new { sent_at = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture), events });
                response.Status.ShouldBe(HttpStatusCode.OK, response.Body?.ToJsonString());
                var results = response.Body!["results"]!.AsArray();
                results.Count.ShouldBe(events.Length);
                results.ShouldAllBe(r => r!["status"]!.GetValue<string>() == "accepted");
            }
        }

        private IEnumerable<Dictionary<string, object>> Session(string run, int session) => Enumerable.Range(0, Reports).Select(r => new Dictionary<string, object>
        {
            ["event_id"] = $"{run}-{session}-{r}",
            ["device_id"] = $"scale-device-{run}-{session}",
            ["episode_id"] = episodeId,
            ["session_id"] = $"scale-session-{session}",
            ["sequence"] = r,
            ["type"] = "progress",
            ["position_start"] = r * SessionSeconds / Reports,
            ["position_end"] = (r + 1) * SessionSeconds / Reports,
            ["created_at"] = createdAt.AddSeconds(r * 15).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        });
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
        _named[name] = process;
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

    /// <summary>
    /// One tus upload whose PATCHes go alternately to api #1 and api #2 (no shared folder: each process has a data
    /// directory of its own): each instance continues at the offset the other acknowledged, the worker processes the
    /// joined file, and no chunk object or staged file is left (ADR 0020).
    /// </summary>
    [Fact]
    public async Task Upload_PatchesAlternateBetweenApis_CompletesAndIsProcessed_NoChunksLeft()
    {
        var migrate = Start("migrate", "migrate");
        await migrate.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        migrate.ExitCode.ShouldBe(0);
        var api1 = await RunAsync("api", "api1");
        var api2 = await RunAsync("api", "api2");
        await RunAsync("worker", "worker1");

        var email = $"alternate-{Guid.NewGuid():N}@example.com";
        (await api1.PostJsonAsync("/api/v1/users/register", new { email, password = Api.Password, display_name = "Alternate", role = "creator" }))
            .Status.ShouldBe(HttpStatusCode.Created);
        var token = (await api2.PostJsonAsync("/api/v1/auth/login", new { email, password = Api.Password })).Body!["access_token"]!.GetValue<string>();
        foreach (var client in new[] { api1, api2 })
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var podcastId = (await api1.PostJsonAsync("/api/v1/podcasts", Api.ValidPodcast("Alternating Show"))).Body!["id"]!.GetValue<string>();
        var bytes = await File.ReadAllBytesAsync(await TestMedia.AudioAsync($"alternate-{Guid.NewGuid():N}.wav", 5, 1));
        var tus = new[] { new TusTestClient(api1), new TusTestClient(api2) };
        using var created = await tus[1].CreateAsync(podcastId, bytes.Length, TusTestClient.Metadata(("filename", "alternate.wav")));
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var upload = new Uri(created.Headers.Location!.IsAbsoluteUri ? created.Headers.Location.PathAndQuery : created.Headers.Location.OriginalString,
            UriKind.Relative);
        var episodeId = created.Headers.GetValues("Airwave-Episode-Id").Single();
        const int chunk = 150_000;
        var turns = 0;
        for (var offset = 0; offset < bytes.Length; offset += chunk, turns++)
        {
            var instance = tus[turns % 2];
            (await instance.OffsetAsync(upload)).ShouldBe(offset);
            using var patched = await instance.PatchAsync(upload, offset, bytes.AsMemory(offset, Math.Min(chunk, bytes.Length - offset)));
            patched.StatusCode.ShouldBe(HttpStatusCode.NoContent, await patched.Content.ReadAsStringAsync());
        }

        turns.ShouldBeGreaterThan(2);
        var owner = new TestUser(Guid.Empty, email, Api.Password, token, "", api1);
        (await EpisodeUploadTests.WaitForProcessingAsync(owner, episodeId))["processed_status"]!.GetValue<string>().ShouldBe("ready");
        (await ScalarAsync("SELECT COUNT(*) FROM upload_chunks")).ShouldBe(0);
        (await ScalarAsync("SELECT COUNT(*) FROM jobs WHERE status = 'succeeded'")).ShouldBe(1);
        var chunks = await _bucket.Client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = _bucket.Name, Prefix = "airwave/uploads/" });
        (chunks.S3Objects ?? []).ShouldBeEmpty();
        foreach (var api in new[] { "api1", "api2" })
        {
            var staging = Path.Combine(_dataRoot, api, "uploads");
            (Directory.Exists(staging) ? Directory.EnumerateFiles(staging) : []).ShouldBeEmpty($"{api} keeps nothing of the upload on its disk");
        }
    }
}
