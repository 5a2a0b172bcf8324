using System.Net;
using Airwave.Analytics.Listens;
using Airwave.Analytics.Listens.Contracts;
using Airwave.Core.Data;
using Airwave.Core.Events;
using Airwave.IntegrationTests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Analytics;

/// <summary>
/// Playback events from HTTP to the listen figures, on a real server and database: what is accepted, what is a
/// duplicate and what is rejected (and why), offline batches synced days later and twice, events out of order,
/// concurrent identical requests, a restart, and the figures the outbox handler keeps (plays, unique listeners,
/// listened seconds as a union, completion, engaged listeners).
/// </summary>
public abstract class PlaybackEventTests(ServerFixture server)
{
    private const double Duration = AnalyticsKit.EpisodeSeconds;

    private static string Time(DateTimeOffset time) => AnalyticsKit.EventTime(time);

    private static DateOnly DayOf(DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime);
    private async Task<Guid> EpisodeOfAsync(TestUser owner, Guid podcastId)
    {
        var episode = await owner.CreateEpisodeAsync(podcastId.ToString());
        var id = Guid.Parse(episode["id"]!.GetValue<string>());
        await server.ExecuteSqlAsync("UPDATE episodes SET published_at = @at, duration_ms = @ms WHERE id = @id",
            new { at = DateTimeOffset.UtcNow.AddDays(-30), ms = (long)(Duration * 1000), id });
        return id;
    }

    private static Dictionary<string, object?> Progress(Guid episode, string device, string session, double start, double end, DateTimeOffset createdAt,
        string? eventId = null, string type = "progress", long? sequence = null) => new Dictionary<string, object?>
    {
        ["event_id"] = eventId,
        ["device_id"] = device,
        ["episode_id"] = episode,
        ["session_id"] = session,
        ["sequence"] = sequence,
        ["type"] = type,
        ["position_start"] = start,
        ["position_end"] = end,
        ["created_at"] = Time(createdAt),
    }.Where(p => p.Value is not null).ToDictionary();

    private static async Task<IReadOnlyList<(string? EventId, string Status, string? Reason)>> BatchAsync(HttpClient client, DateTimeOffset sentAt, params object[] events)
    {
        var response = await client.PostJsonAsync("/api/v1/playback-events/batch", new { sent_at = Time(sentAt), events });
        response.Status.ShouldBe(HttpStatusCode.OK, response.Body?.ToJsonString());
        return [.. response.Body!["results"]!.AsArray().Select(r => (
            r!["event_id"]?.GetValue<string>(), r["status"]!.GetValue<string>(), r["reason"]?.GetValue<string>()))];
    }
    private Task<ListenReportResult> EpisodeFiguresAsync(Guid episodeId, DateOnly from, DateOnly to) =>
        server.Services.GetRequiredService<ListenReport>().ForEpisodeAsync(episodeId, from, to, CancellationToken.None);

    private Task<long> StoredAsync(Guid episodeId) =>
        server.CountSqlAsync("SELECT COUNT(*) FROM playback_events WHERE episode_id = @episodeId", new { episodeId });

    [Fact]
    public async Task Single_SameEventTwice_AcceptedThenDuplicate_OneRowOneOutboxEvent()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        using var client = server.Client();
        var body = Progress(episodeId, "dev-single", "s1", 0, 15, DateTimeOffset.UtcNow.AddSeconds(-5), eventId: "evt-1");

        var first = await client.PostJsonAsync("/api/v1/playback-events", body);
        var second = await client.PostJsonAsync("/api/v1/playback-events", body);

        first.Status.ShouldBe(HttpStatusCode.OK, first.Body?.ToJsonString());
        first.Body!["event_id"]!.GetValue<string>().ShouldBe("evt-1");
        first.Body["status"]!.GetValue<string>().ShouldBe("accepted");
        first.Body["reason"].ShouldBeNull();
        second.Body!["status"]!.GetValue<string>().ShouldBe("duplicate");
        (await StoredAsync(episodeId)).ShouldBe(1);
        (await server.CountSqlAsync("SELECT COUNT(*) FROM outbox_events WHERE type = @type AND payload LIKE @like",
            new { type = EventRegistry.NameOf(typeof(PlaybackEventsRecorded)), like = $"%{episodeId}%" })).ShouldBe(1);
    }

    [Fact]
    public async Task Batch_OfflineSyncDaysLater_CountedOnTheDaysListened_SecondSyncAllDuplicates()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        using var client = server.Client();
        var now = DateTimeOffset.UtcNow;
        var threeDaysAgo = now.AddDays(-3);
        var twoDaysAgo = now.AddDays(-2);
        object[] events =
        [
            Progress(episodeId, "dev-offline", "monday", 0, 0, threeDaysAgo, "m0", "play"),
            Progress(episodeId, "dev-offline", "monday", 0, 15, threeDaysAgo.AddSeconds(15), "m1"),
            Progress(episodeId, "dev-offline", "monday", 15, 30, threeDaysAgo.AddSeconds(30), "m2"),
            Progress(episodeId, "dev-offline", "monday", 30, 45, threeDaysAgo.AddSeconds(45), "m3"),
            Progress(episodeId, "dev-offline", "monday", 45, 45, threeDaysAgo.AddSeconds(46), "m4", "pause"),
            Progress(episodeId, "dev-offline", "tuesday", 45, 60, twoDaysAgo, "t1"),
            Progress(episodeId, "dev-offline", "tuesday", 60, 75, twoDaysAgo.AddSeconds(15), "t2"),
        ];

        var first = await BatchAsync(client, now, events);
        await server.SettlePlaybackAsync();
        var second = await BatchAsync(client, now.AddMinutes(1), events);
        await server.SettlePlaybackAsync();

        first.Select(r => r.Status).ShouldAllBe(s => s == "accepted");
        first.Select(r => r.EventId).ShouldBe(["m0", "m1", "m2", "m3", "m4", "t1", "t2"]);
        second.Select(r => r.Status).ShouldAllBe(s => s == "duplicate");
        (await StoredAsync(episodeId)).ShouldBe(7);
        // One outbox message for the seven events of the first sync; none for the second, which stored nothing.
        (await server.CountSqlAsync("SELECT COUNT(*) FROM outbox_events WHERE type = @type AND payload LIKE @like",
            new { type = EventRegistry.NameOf(typeof(PlaybackEventsRecorded)), like = $"%{episodeId}%" })).ShouldBe(1);
        var figures = await EpisodeFiguresAsync(episodeId, DayOf(now.AddDays(-4)), DayOf(now));
        figures.Days.Count.ShouldBe(5);
        var monday = figures.Days.Single(d => d.Day == ListenSession.DayOf(threeDaysAgo));
        monday.Plays.ShouldBe(1);
        monday.ListenedSeconds.ShouldBe(45);
        // Tuesday's session heard 30 seconds: exactly the minimum, so a play.
        var tuesday = figures.Days.Single(d => d.Day == ListenSession.DayOf(twoDaysAgo));
        tuesday.Plays.ShouldBe(1);
        tuesday.ListenedSeconds.ShouldBe(30);
        figures.Totals.Plays.ShouldBe(2);
        figures.Totals.UniqueListeners.ShouldBe(1);
        figures.Totals.ListenedSeconds.ShouldBe(75);
        figures.Days.Where(d => d.Day != monday.Day && d.Day != tuesday.Day).ShouldAllBe(d => d.Plays == 0 && d.ListenedSeconds == 0);
    }

    [Fact]
    public async Task Batch_DeviceClockBehind_CorrectedFromSentAt()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        using var client = server.Client();
        var now = DateTimeOffset.UtcNow;
        // The device's clock is 20 days behind: by its clock the events are 21 days old, really one day.
        var skew = TimeSpan.FromDays(20);
        var results = await BatchAsync(client, now - skew,
            Progress(episodeId, "dev-skew", "s", 0, 40, now.AddDays(-1) - skew, "k1"),
            Progress(episodeId, "dev-skew", "s", 40, 50, now.AddMinutes(10) - skew, "k2"));
        await server.SettlePlaybackAsync();

        results[0].Status.ShouldBe("accepted");
        // Created after the batch was sent, by the device's own clock: in the future.
        results[1].Status.ShouldBe("rejected");
        results[1].Reason!.ShouldContain("future");
        var stored = await server.CountSqlAsync(
            "SELECT COUNT(*) FROM playback_events WHERE episode_id = @episodeId AND occurred_at > @after AND occurred_at < @before",
            new { episodeId, after = now.AddDays(-1).AddMinutes(-5), before = now.AddDays(-1).AddMinutes(5) });
        stored.ShouldBe(1);
        var figures = await EpisodeFiguresAsync(episodeId, DayOf(now.AddDays(-1)), DayOf(now.AddDays(-1)));
        figures.Totals.Plays.ShouldBe(1);
    }

    [Fact]
    public async Task OutOfOrderAndReplayed_ListenedIsTheUnionNotTheSum_SeeksDoNotCount()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        using var client = server.Client();
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        // Played 0-60, sought back to 30, played 30-90, jumped to 500 (not listening), played 500-520.
        var late = await BatchAsync(client, DateTimeOffset.UtcNow,
            Progress(episodeId, "dev-order", "s", 500, 520, start.AddSeconds(120), sequence: 6),
            Progress(episodeId, "dev-order", "s", 90, 500, start.AddSeconds(100), type: "seek", sequence: 5),
            Progress(episodeId, "dev-order", "s", 45, 90, start.AddSeconds(99), sequence: 4));
        await server.SettlePlaybackAsync();
        var early = await BatchAsync(client, DateTimeOffset.UtcNow,
            Progress(episodeId, "dev-order", "s", 30, 45, start.AddSeconds(75), sequence: 3),
            Progress(episodeId, "dev-order", "s", 60, 30, start.AddSeconds(60), type: "seek", sequence: 2),
            Progress(episodeId, "dev-order", "s", 0, 60, start.AddSeconds(59), sequence: 1));
        await server.SettlePlaybackAsync();

        late.Concat(early).Select(r => r.Status).ShouldAllBe(s => s == "accepted");
        var figures = await EpisodeFiguresAsync(episodeId, DayOf(start), DayOf(DateTimeOffset.UtcNow));
        figures.Totals.Plays.ShouldBe(1);
        figures.Totals.ListenedSeconds.ShouldBe(110);
        figures.Totals.AverageCompletion!.Value.ShouldBe(110 / Duration, 1e-9);

        // A message naming the session again (one written before messages carried their events, on a row stored
        // before the ranges were kept) rebuilds it from the stored events: nothing changes.
        await server.ExecuteSqlAsync("UPDATE listen_sessions SET played_ranges = NULL WHERE episode_id = @episodeId", new { episodeId });
        var listener = PlaybackEventRules.ListenerKey(null, "dev-order");
        var again = new PlaybackEventsRecorded(Guid.NewGuid(), DateTimeOffset.UtcNow,
            [new ListenSessionKey(episodeId, await PodcastOfAsync(episodeId), listener, "s")]);
        var dispatcher = server.Services.GetRequiredService<EventDispatcher>();
        var message = new OutboxMessage(again.Id, EventRegistry.NameOf(typeof(PlaybackEventsRecorded)),
            System.Text.Json.JsonSerializer.Serialize(again, System.Text.Json.JsonSerializerOptions.Web), again.OccurredAt, 0);
        (await dispatcher.HandleAsync(EventConsumer.Analytics.Group, message, null, CancellationToken.None)).ShouldBeTrue();
        (await EpisodeFiguresAsync(episodeId, DayOf(start), DayOf(DateTimeOffset.UtcNow))).Totals.ShouldBe(figures.Totals);
        (await server.CountSqlAsync("SELECT COUNT(*) FROM listen_sessions WHERE episode_id = @episodeId AND played_ranges IS NULL", new { episodeId }))
            .ShouldBe(0, "the rebuilt row keeps its ranges from now on");

        // Delivering the same message again (at-least-once delivery) changes nothing.
        (await dispatcher.HandleAsync(EventConsumer.Analytics.Group, message, null, CancellationToken.None)).ShouldBeFalse();
        (await EpisodeFiguresAsync(episodeId, DayOf(start), DayOf(DateTimeOffset.UtcNow))).Totals.ShouldBe(figures.Totals);
    }

    private async Task<Guid> PodcastOfAsync(Guid episodeId)
    {
        await using var connection = await server.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<Guid>("SELECT podcast_id FROM episodes WHERE id = @episodeId", new { episodeId });
    }

    [Fact]
    public async Task Figures_PlaysListenersCompletionEngaged_PerEpisodeAndPodcast()
    {
        var (owner, podcastId, episodeId, _) = await server.ListenShowAsync();
        var otherEpisode = await EpisodeOfAsync(owner, podcastId);
        var listener = await server.SignUpAsync("listener");
        using var anonymous = server.Client();
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);

        var sent = await BatchAsync(anonymous, DateTimeOffset.UtcNow,
            // A 20-second sample: not a play, and nothing of it counts.
            Progress(episodeId, "dev-a", "a", 0, 20, at),
            // 45 seconds: a play.
            Progress(episodeId, "dev-b", "b", 0, 45, at),
            // 400 of 600 seconds: a play, engaged (over half).
            Progress(episodeId, "dev-c", "c", 0, 400, at),
            // The same device again in another session, 30 seconds: a second play by the same listener.
            Progress(episodeId, "dev-c", "c2", 100, 130, at.AddMinutes(1)),
            Progress(otherEpisode, "dev-b", "b", 0, 600, at));
        // Signed in, the account is the listener whatever the device: two devices, one listener.
        sent = [.. sent, .. await BatchAsync(listener.Http, DateTimeOffset.UtcNow,
            Progress(episodeId, "phone", "p", 0, 300, at),
            Progress(episodeId, "laptop", "l", 300, 600, at.AddMinutes(2)))];
        await server.SettlePlaybackAsync();

        sent.ShouldAllBe(r => r.Status == "accepted");

        var day = DayOf(at);
        var episode = (await EpisodeFiguresAsync(episodeId, day, day)).Totals;
        episode.Plays.ShouldBe(5);
        episode.UniqueListeners.ShouldBe(3);
        episode.ListenedSeconds.ShouldBe(45 + 400 + 30 + 300 + 300);
        episode.AverageCompletion!.Value.ShouldBe((45 + 400 + 30 + 300 + 300) / Duration / 5, 1e-9);
        // dev-c heard 400 of 600 seconds; the signed-in listener half the episode on the phone: both engaged, dev-b not.
        episode.EngagedListeners.ShouldBe(2);

        var podcast = (await server.Services.GetRequiredService<ListenReport>().ForPodcastAsync(podcastId, day, day, CancellationToken.None)).Totals;
        podcast.Plays.ShouldBe(6);
        podcast.UniqueListeners.ShouldBe(3);
        podcast.EngagedListeners.ShouldBe(3);

        // The owner's reports carry the same figures as their own object; plays never become downloads.
        var summary = await owner.Http.SummaryAsync("podcasts", podcastId.ToString(), day, day);
        summary["listens"]!["totals"]!["plays"]!.GetValue<long>().ShouldBe(6);
        summary["listens"]!["days"]!.AsArray().Single()!["plays"]!.GetValue<long>().ShouldBe(6);
        summary.Downloads().ShouldBe(0);
        var episodeSummary = await owner.Http.SummaryAsync("episodes", episodeId.ToString(), day, day);
        episodeSummary["listens"]!["totals"]!["unique_listeners"]!.GetValue<long>().ShouldBe(3);
        var csv = await owner.Http.GetStringAsync(new Uri($"/api/v1/analytics/podcasts/{podcastId}/listens.csv?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}", UriKind.Relative));
        csv.ShouldBe($"date,plays,unique_listeners,listened_seconds,average_completion,engaged_listeners\r\n{day:yyyy-MM-dd},6,3,{45 + 400 + 30 + 300 + 300 + 600},"
            + $"{((45 + 400 + 30 + 300 + 300) / Duration + 1) / 6:0.####},3\r\n");
        using var stranger = (await server.SignUpAsync()).Http;
        (await stranger.GetAsync(new Uri($"/api/v1/analytics/podcasts/{podcastId}/listens.csv?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}", UriKind.Relative)))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ShortEpisode_MostOfItIsAPlay_AndTheMinimumIsAppliedWhenFiguresAreRead()
    {
        var (owner, podcastId, episodeId, _) = await server.ListenShowAsync();
        var jingle = await EpisodeOfAsync(owner, podcastId);
        await server.ExecuteSqlAsync("UPDATE episodes SET duration_ms = 20000 WHERE id = @jingle", new { jingle });
        using var client = server.Client();
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);

        var sent = await BatchAsync(client, DateTimeOffset.UtcNow,
            // 18 of 20 seconds (90 %): a play, though under the 30-second minimum; 17 seconds is not.
            Progress(jingle, "dev-short-1", "s", 0, 18, at),
            Progress(jingle, "dev-short-2", "s", 0, 17, at),
            Progress(episodeId, "dev-short-1", "s", 0, 45, at));
        await server.SettlePlaybackAsync();

        sent.ShouldAllBe(r => r.Status == "accepted");
        var day = DayOf(at);
        (await EpisodeFiguresAsync(jingle, day, day)).Totals.Plays.ShouldBe(1);
        (await EpisodeFiguresAsync(episodeId, day, day)).Totals.Plays.ShouldBe(1);
        // Sessions keep their seconds, not a verdict: with a 60-second minimum the 45-second listen is no play, at once.
        var stricter = new ListenReport(server.Services.GetRequiredService<Database>(),
            Microsoft.Extensions.Options.Options.Create(new ListenOptions { MinimumListenSeconds = 60 }));
        (await stricter.ForEpisodeAsync(episodeId, day, day, CancellationToken.None)).Totals.Plays.ShouldBe(0);
        (await stricter.ForEpisodeAsync(jingle, day, day, CancellationToken.None)).Totals.Plays.ShouldBe(1);
    }

    [Fact]
    public async Task Rejected_EachWithItsReason_NothingOfThemStored()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        var draft = (await server.ListenShowAsync(published: false)).EpisodeId;
        var premium = (await server.ListenShowAsync(premium: true)).EpisodeId;
        using var client = server.Client();
        var now = DateTimeOffset.UtcNow;
        var response = await client.PostJsonAsync("/api/v1/playback-events/batch", new
        {
            sent_at = Time(now),
            events = new object[]
            {
                Progress(Guid.NewGuid(), "dev-bad", "s", 0, 15, now, "missing"),
                Progress(draft, "dev-bad", "s", 0, 15, now, "draft"),
                Progress(premium, "dev-bad", "s", 0, 15, now, "premium"),
                Progress(episodeId, "dev-bad", "s", 0, 15, now.AddDays(-15), "old"),
                Progress(episodeId, "dev-bad", "s", 0, 15, now.AddHours(1), "future"),
                Progress(episodeId, "dev-bad", "s", 600, 700, now, "beyond"),
                Progress(episodeId, "dev-bad", "s", 20, 10, now, "reversed"),
                new { event_id = "no-device", episode_id = episodeId, session_id = "s", type = "play", position_start = 0, position_end = 0, created_at = Time(now) },
                new { event_id = "bad-uuid", device_id = "dev-bad", episode_id = "not-a-uuid", session_id = "s", type = "play", position_start = 0, position_end = 0, created_at = Time(now) },
                new { event_id = "unknown-field", device_id = "dev-bad", episode_id = episodeId, session_id = "s", type = "play", position_start = 0, position_end = 0, created_at = Time(now), volume = 3 },
                new { event_id = "bad-type", device_id = "dev-bad", episode_id = episodeId, session_id = "s", type = "stop", position_start = 0, position_end = 0, created_at = Time(now) },
                new { event_id = "local-time", device_id = "dev-bad", episode_id = episodeId, session_id = "s", type = "play", position_start = 0, position_end = 0, created_at = "2026-03-09T10:00:00" },
                "not an object",
                Progress(episodeId, "dev-bad", "s", 0, 15, now, "good"),
            },
        });

        response.Status.ShouldBe(HttpStatusCode.OK, response.Body?.ToJsonString());
        var results = response.Body!["results"]!.AsArray().Select(r => (Id: r!["event_id"]?.GetValue<string>(), Status: r["status"]!.GetValue<string>(),
            Reason: r["reason"]?.GetValue<string>())).ToList();
        results.Count.ShouldBe(14);
        results.Take(13).ShouldAllBe(r => r.Status == "rejected");
        results[0].Reason.ShouldBe("unknown episode");
        results[1].Reason.ShouldBe("unknown episode");
        results[2].Reason.ShouldBe("unknown episode");
        results[3].Reason!.ShouldContain("more than 14 days ago");
        results[4].Reason!.ShouldContain("in the future");
        results[5].Reason.ShouldBe("positions are beyond the end of the episode");
        results[6].Reason.ShouldBe("position_end must be at least position_start");
        results[7].Reason.ShouldBe("device_id is required");
        results[8].Reason.ShouldBe("episode_id must be a UUID");
        results[8].Id.ShouldBe("bad-uuid");
        results[9].Reason.ShouldBe("volume is not a known field");
        results[10].Reason!.ShouldStartWith("type must be one of");
        results[11].Reason!.ShouldStartWith("created_at must be an RFC 3339");
        results[12].Reason.ShouldBe("events[12] is not a JSON object");
        results[12].Id.ShouldBeNull();
        results[13].Status.ShouldBe("accepted");
        (await StoredAsync(episodeId)).ShouldBe(1);
        (await StoredAsync(draft)).ShouldBe(0);
        (await StoredAsync(premium)).ShouldBe(0);
    }

    [Fact]
    public async Task Premium_OnlySubscribersAndTheOwner_OthersGetUnknownEpisode()
    {
        var (owner, podcastId, premium, _) = await server.ListenShowAsync(premium: true);
        var subscriber = await server.SignUpAsync("listener");
        var stranger = await server.SignUpAsync("listener");
        (await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/subscribers", new { email = subscriber.Email.ToUpperInvariant() }))
            .Status.ShouldBe(HttpStatusCode.Created);
        var now = DateTimeOffset.UtcNow;

        async Task<string> SendAsync(HttpClient client, string device) =>
            (await client.PostJsonAsync("/api/v1/playback-events", Progress(premium, device, "s", 0, 40, now)))
                .Body!["status"]!.GetValue<string>() + "";

        (await SendAsync(subscriber.Http, "sub")).ShouldBe("accepted");
        (await SendAsync(owner.Http, "own")).ShouldBe("accepted");
        (await SendAsync(stranger.Http, "str")).ShouldBe("rejected");
        using var anonymous = server.Client();
        var reply = await anonymous.PostJsonAsync("/api/v1/playback-events", Progress(premium, "anon", "s", 0, 40, now));
        reply.Body!["reason"]!.GetValue<string>().ShouldBe("unknown episode");
        (await StoredAsync(premium)).ShouldBe(2);
    }

    [Fact]
    public async Task CookieSession_TheAccountIsTheListener_BeaconBodyAccepted()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        var person = await server.SignUpAsync("listener");
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server.BaseAddress };
        (await browser.PostJsonAsync("/api/v1/auth/login?use_cookies=true", new { email = person.Email, password = person.Password }))
            .Status.ShouldBe(HttpStatusCode.OK);
        var now = DateTimeOffset.UtcNow;

        // What navigator.sendBeacon sends: a JSON text body with Content-Type application/json.
        var beacon = await browser.PostRawAsync("/api/v1/playback-events",
            $$"""{"device_id": "browser-1", "episode_id": "{{episodeId}}", "session_id": "page-1", "type": "pause", "position_start": 10, "position_end": 42.5, "created_at": "{{Time(now)}}"}""");

        beacon.Body!["status"]!.GetValue<string>().ShouldBe("accepted", beacon.Body.ToJsonString());
        (await server.CountSqlAsync("SELECT COUNT(*) FROM playback_events WHERE episode_id = @episodeId AND listener_key = @key",
            new { episodeId, key = $"user:{person.Id:D}" })).ShouldBe(1);
    }

    [Fact]
    public async Task InvalidBearerToken_401_NothingStored()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        using var client = server.WithToken("aw_not_a_real_token");
        var now = DateTimeOffset.UtcNow;

        var single = await client.PostJsonAsync("/api/v1/playback-events", Progress(episodeId, "dev-token", "s", 0, 15, now));
        var batch = await client.PostJsonAsync("/api/v1/playback-events/batch", new { events = new[] { Progress(episodeId, "dev-token", "s", 0, 15, now) } });

        single.ShouldBeProblem(HttpStatusCode.Unauthorized);
        batch.ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await StoredAsync(episodeId)).ShouldBe(0);
    }

    [Fact]
    public async Task EpisodeGuid_NamesTheSameEpisodeAsItsId_SameEventIsADuplicate()
    {
        var (_, _, episodeId, guid) = await server.ListenShowAsync();
        using var client = server.Client();
        var now = DateTimeOffset.UtcNow;

        var byGuid = await client.PostJsonAsync("/api/v1/playback-events", new
        {
            device_id = "dev-guid", episode_guid = guid, session_id = "s", sequence = 1, type = "progress",
            position_start = 0, position_end = 15, created_at = Time(now), sent_at = Time(now),
        });
        var byId = await client.PostJsonAsync("/api/v1/playback-events", Progress(episodeId, "dev-guid", "s", 0, 15, now, sequence: 1));
        var both = await client.PostJsonAsync("/api/v1/playback-events", new
        {
            device_id = "dev-guid", episode_id = episodeId, episode_guid = guid, session_id = "s", type = "play",
            position_start = 0, position_end = 0, created_at = Time(now),
        });

        byGuid.Body!["status"]!.GetValue<string>().ShouldBe("accepted", byGuid.Body.ToJsonString());
        byGuid.Body["event_id"].ShouldBeNull();
        byId.Body!["status"]!.GetValue<string>().ShouldBe("duplicate");
        both.Body!["reason"]!.GetValue<string>().ShouldBe("send episode_id or episode_guid, not both");
        (await StoredAsync(episodeId)).ShouldBe(1);
    }

    [Fact]
    public async Task MalformedBodies_400NamingTheField_NothingStored()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        using var client = server.Client();
        var now = DateTimeOffset.UtcNow;
        var tooMany = Enumerable.Range(0, 501).Select(i => Progress(episodeId, "dev-many", "s", i, i + 1, now, $"e{i}")).ToArray();

        var notJson = await client.PostRawAsync("/api/v1/playback-events/batch", "{\"events\": [");
        var noEvents = await client.PostJsonAsync("/api/v1/playback-events/batch", new { sent_at = Time(now) });
        var notArray = await client.PostJsonAsync("/api/v1/playback-events/batch", new { events = "all of them" });
        var over = await client.PostJsonAsync("/api/v1/playback-events/batch", new { sent_at = Time(now), events = tooMany });
        var badSentAt = await client.PostJsonAsync("/api/v1/playback-events/batch",
            new { sent_at = "yesterday", events = new[] { Progress(episodeId, "dev-many", "s", 0, 1, now) } });
        var unknownField = await client.PostJsonAsync("/api/v1/playback-events/batch", new { events = Array.Empty<object>(), device = "x" });
        var singleWrongType = await client.PostRawAsync("/api/v1/playback-events", $"{{\"device_id\": \"d\", \"episode_id\": \"{episodeId}\", \"position_start\": \"zero\"}}");
        var singleBadSentAt = await client.PostJsonAsync("/api/v1/playback-events", new
        {
            device_id = "dev-many", episode_id = episodeId, session_id = "s", type = "play", position_start = 0, position_end = 0,
            created_at = Time(now), sent_at = "now",
        });

        notJson.ShouldBeProblem(HttpStatusCode.BadRequest);
        notJson.ErrorsFor("body").ShouldNotBeEmpty();
        noEvents.ShouldBeProblem(HttpStatusCode.BadRequest);
        noEvents.ErrorsFor("events").ShouldBe(["is required: an array of playback events"]);
        notArray.ErrorsFor("events").ShouldBe(["must be an array of playback events"]);
        over.ShouldBeProblem(HttpStatusCode.BadRequest);
        over.ErrorsFor("events").ShouldBe(["has 501 events; send at most 500 per batch"]);
        badSentAt.ErrorsFor("sent_at").Single().ShouldStartWith("must be an RFC 3339");
        unknownField.ErrorsFor("device").ShouldBe(["is not a known field"]);
        singleWrongType.ShouldBeProblem(HttpStatusCode.BadRequest);
        singleWrongType.ErrorsFor("position_start").ShouldNotBeEmpty();
        singleBadSentAt.Status.ShouldBe(HttpStatusCode.OK);
        singleBadSentAt.Body!["status"]!.GetValue<string>().ShouldBe("rejected");
        singleBadSentAt.Body["reason"]!.GetValue<string>().ShouldStartWith("sent_at must be an RFC 3339");
        (await StoredAsync(episodeId)).ShouldBe(0);

        // Exactly the limit is fine.
        (await BatchAsync(client, now, [.. tooMany.Take(500)])).Count(r => r.Status == "accepted").ShouldBe(500);
    }

    [Fact]
    public async Task ConcurrentIdenticalBatches_InAnyOrder_EachEventAcceptedOnce()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        var now = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, 20)
            .Select(i => Progress(episodeId, "dev-race", "s", i * 15, (i + 1) * 15, now.AddMinutes(-30).AddSeconds(i * 15), sequence: i))
            .ToArray();
        using var client = server.Client();

        // Half the requests carry the events in the opposite order; answers are put back in the original order.
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i => i % 2 == 0
            ? await BatchAsync(client, now, events)
            : [.. (await BatchAsync(client, now, [.. events.Reverse()])).Reverse()]));
        await server.SettlePlaybackAsync();

        for (var i = 0; i < events.Length; i++)
        {
            answers.Count(a => a[i].Status == "accepted").ShouldBe(1);
            answers.Count(a => a[i].Status == "duplicate").ShouldBe(7);
        }

        (await StoredAsync(episodeId)).ShouldBe(20);
        var figures = await EpisodeFiguresAsync(episodeId, DayOf(now.AddMinutes(-30)), DayOf(now));
        figures.Totals.Plays.ShouldBe(1);
        figures.Totals.ListenedSeconds.ShouldBe(300);
    }

    [Fact]
    public async Task Restart_FiguresKept_AndResyncAfterwardsStillDuplicates()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        var now = DateTimeOffset.UtcNow;
        var events = new[] { Progress(episodeId, "dev-restart", "s", 0, 90, now.AddMinutes(-5), "r1") };
        using (var client = server.Client())
        {
            (await BatchAsync(client, now, events)).Single().Status.ShouldBe("accepted");
        }

        await server.SettlePlaybackAsync();
        await server.RestartAsync();
        using var again = server.Client();

        (await BatchAsync(again, now.AddMinutes(1), events)).Single().Status.ShouldBe("duplicate");
        await server.SettlePlaybackAsync();
        var figures = await EpisodeFiguresAsync(episodeId, DayOf(now.AddMinutes(-5)), DayOf(now));
        figures.Totals.Plays.ShouldBe(1);
        figures.Totals.ListenedSeconds.ShouldBe(90);
    }
}

public sealed class SqlitePlaybackEventTests(SqliteServer server) : PlaybackEventTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresPlaybackEventTests(PostgresServer server) : PlaybackEventTests(server), IClassFixture<PostgresServer>;

/// <summary>A server with a low playback-event limit, so it is reached within a test.</summary>
public sealed class LowPlaybackLimitServer : ServerFixture
{
    protected override string Provider => "sqlite";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Analytics:PlaybackRequestsPerMinute"] = "3",
    };
}

public sealed class PlaybackRateLimitTests(LowPlaybackLimitServer server) : IClassFixture<LowPlaybackLimitServer>
{
    [Fact]
    public async Task PlaybackEvents_OverTheLimit_429WithRetryAfter_SingleAndBatchCountedTogether()
    {
        using var client = server.Client();
        var body = new { device_id = "d", episode_id = Guid.NewGuid(), session_id = "s", type = "play", position_start = 0, position_end = 0, created_at = "2026-03-09T10:00:00Z" };
        (await client.PostJsonAsync("/api/v1/playback-events", body)).Status.ShouldBe(HttpStatusCode.OK);
        (await client.PostJsonAsync("/api/v1/playback-events", body)).Status.ShouldBe(HttpStatusCode.OK);
        (await client.PostJsonAsync("/api/v1/playback-events/batch", new { events = new[] { body } })).Status.ShouldBe(HttpStatusCode.OK);

        var limited = await client.PostJsonAsync("/api/v1/playback-events/batch", new { events = new[] { body } });

        limited.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        limited.Headers.GetValues("Retry-After").Single().ShouldNotBeNullOrEmpty();
        (await server.CountSqlAsync("SELECT COUNT(*) FROM playback_events", new { })).ShouldBe(0);
    }
}
