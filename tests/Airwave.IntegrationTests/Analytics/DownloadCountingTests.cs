using System.Net;
using Airwave.Analytics.Downloads;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Analytics;

/// <summary>
/// Counting into the database: origin rows of the delivery log become downloads and drops per day; replays change
/// nothing; late rows recompute their day and its neighbours; a restart or a pass cut short loses and doubles nothing.
/// </summary>
public abstract class DownloadCountingTests(AnalyticsServer server)
{
    [Fact]
    public async Task Origin_requests_become_downloads_per_day_with_app_device_and_place()
    {
        var episode = await server.EpisodeAsync();
        var day = AnalyticsKit.Today.AddDays(-3);
        await server.InsertAsync(
            // Listener A: the whole file, then again two hours later: one download (calendar day).
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 8), "203.0.113.5", size: episode.Mp3Size),
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 10), "203.0.113.5", size: episode.Mp3Size),
            // Listener B, IPv6 (two addresses of one /64 are one listener), the next day.
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day.AddDays(1), 9), "2001:db8:5:1::10", size: episode.Mp3Size),
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day.AddDays(1), 9, 30), "2001:db8:5:1::99", size: episode.Mp3Size),
            // Never downloads: HEAD, a bot, a two-byte probe, half the file.
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 11), "198.51.100.1", method: "HEAD", bytes: 0),
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 12), "198.51.100.2", userAgent: AnalyticsKit.Googlebot, size: episode.Mp3Size),
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 13), "198.51.100.3", status: 206, range: "bytes=0-1", bytes: 2),
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 14), "198.51.100.4", status: 206, range: "bytes=0-99", bytes: episode.Mp3Size / 2));

        var pass = await server.CountAsync();

        pass.Recomputed.ShouldContain(day);
        pass.Recomputed.ShouldContain(day.AddDays(1));
        var summary = await episode.Owner.Http.SummaryAsync("podcasts", episode.PodcastId, day.AddDays(-1), day.AddDays(2));
        summary["window"]!["type"]!.GetValue<string>().ShouldBe("calendar");
        var downloads = summary["downloads"]!;
        downloads["total"]!.GetValue<long>().ShouldBe(2);
        downloads["unique_listeners"]!.GetValue<long>().ShouldBe(2);
        downloads["per_day"]!.AsArray().Select(d => (d!["date"]!.GetValue<string>(), d["downloads"]!.GetValue<long>())).ShouldBe(
        [
            (AnalyticsKit.Text(day.AddDays(-1)), 0L), (AnalyticsKit.Text(day), 1L), (AnalyticsKit.Text(day.AddDays(1)), 1L),
            (AnalyticsKit.Text(day.AddDays(2)), 0L),
        ]);
        var top = downloads["top_episodes"]!.AsArray().ShouldHaveSingleItem()!;
        top["episode_id"]!.GetValue<string>().ShouldBe(episode.EpisodeId);
        top["downloads"]!.GetValue<long>().ShouldBe(2);
        top["title"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        Names(downloads["countries"]!).ShouldBe([("DE", 1L), ("NZ", 1L)]);
        Names(downloads["apps"]!).ShouldBe([("AntennaPod", 2L)]);
        Names(downloads["devices"]!).ShouldHaveSingleItem().Item2.ShouldBe(2);
        summary["downloads"]!.AsObject().ContainsKey("plays").ShouldBeFalse(); // listens are a separate object, never mixed in

        // The stored download carries the place and the identity, never the address.
        (await server.CountSqlAsync("SELECT count(*) FROM analytics_downloads WHERE episode_id = @Id AND region = 'Bavaria' AND city = 'Munich'",
            new { Id = Guid.Parse(episode.EpisodeId) })).ShouldBe(1);
        (await server.CountSqlAsync("SELECT count(*) FROM analytics_downloads WHERE listener LIKE '%203.0.113%' OR listener LIKE '%2001:db8%'",
            new { })).ShouldBe(0);
        (await server.CountSqlAsync("SELECT count(*) FROM analytics_downloads WHERE episode_id = @Id AND length(listener) = 32",
            new { Id = Guid.Parse(episode.EpisodeId) })).ShouldBe(2);

        var episodeSummary = await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, day, day);
        episodeSummary.Downloads().ShouldBe(1);
        episodeSummary["podcast_id"]!.GetValue<string>().ShouldBe(episode.PodcastId);
    }

    [Fact]
    public async Task Drops_are_stored_per_day_and_reason()
    {
        var episode = await server.EpisodeAsync();
        var day = AnalyticsKit.Today.AddDays(-5);
        var before = await DropsAsync(day);
        await server.InsertAsync(
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 11), "198.51.100.1", method: "HEAD", bytes: 0),
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 12), "198.51.100.2", userAgent: AnalyticsKit.Googlebot, size: episode.Mp3Size),
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 13), "198.51.100.3", status: 206, range: "bytes=0-1", bytes: 2),
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 14), "198.51.100.4", status: 206, range: "bytes=0-99", bytes: episode.Mp3Size / 2),
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 15), "198.51.100.5", userAgent: "", size: episode.Mp3Size),
            AnalyticsKit.Origin("/media/" + new string('0', 64) + ".mp3", AnalyticsKit.At(day, 16), "198.51.100.6", size: 1000));

        await server.CountAsync();

        var after = await DropsAsync(day);
        Delta(before, after, "method").ShouldBe(1);
        Delta(before, after, "bot").ShouldBe(1);
        Delta(before, after, "probe").ShouldBe(1);
        Delta(before, after, "belowThreshold").ShouldBe(1);
        Delta(before, after, "emptyUserAgent").ShouldBe(1);
        Delta(before, after, "unknownEpisode").ShouldBe(1);
    }

    [Fact]
    public async Task Replaying_the_same_requests_changes_nothing()
    {
        var episode = await server.EpisodeAsync();
        var day = AnalyticsKit.Today.AddDays(-2);
        var rows = Enumerable.Range(0, 5).Select(i => AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 9 + i), $"203.0.113.{20 + i}",
            size: episode.Mp3Size)).ToArray();
        await server.InsertAsync(rows);
        await server.CountAsync();
        var first = await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, day, day);

        // The same requests (same request ids) logged again, e.g. a log shipped twice.
        await server.InsertAsync([.. rows.Select(r => r with { Id = Guid.CreateVersion7() })]);
        var pass = await server.CountAsync();

        pass.Recomputed.ShouldContain(day); // the day was looked at again...
        var second = await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, day, day);
        second.Downloads().ShouldBe(5); // ...and nothing changed
        second.ToJsonString().ShouldBe(first.ToJsonString());
    }

    [Fact]
    public async Task Late_requests_recompute_their_day_and_its_neighbours_and_bytes_carry_across_midnight()
    {
        var episode = await server.EpisodeAsync();
        var day = AnalyticsKit.Today.AddDays(-4);
        var half = episode.Mp3Size / 2;
        // The first half just before midnight: pending, not yet a download.
        await server.InsertAsync(AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 23, 50), "203.0.113.40", status: 206,
            range: $"bytes=0-{half - 1}", bytes: half));
        await server.CountAsync();
        (await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, day, day.AddDays(1))).Downloads().ShouldBe(0);

        // The rest arrives late, after midnight: the pending bytes carry over and make one download on the next day.
        await server.InsertAsync(AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day.AddDays(1), 0, 10), "203.0.113.40", status: 206,
            range: $"bytes={half}-", firstByte: half, bytes: episode.Mp3Size - half));
        var pass = await server.CountAsync();

        pass.Recomputed.ShouldBe([day, day.AddDays(1), day.AddDays(2)], ignoreOrder: true);
        var summary = await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, day, day.AddDays(1));
        summary["downloads"]!["per_day"]!.AsArray().Select(d => d!["downloads"]!.GetValue<long>()).ShouldBe([0L, 1L]);
        (await server.CountAsync()).Recomputed.ShouldBeEmpty(); // nothing new, nothing recomputed
    }

    [Fact]
    public async Task A_pass_cut_short_or_a_restart_loses_and_doubles_nothing()
    {
        var episode = await server.EpisodeAsync();
        var day = AnalyticsKit.Today.AddDays(-1);
        await server.InsertAsync([.. Enumerable.Range(0, 3).Select(i =>
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 6 + i), $"203.0.113.{60 + i}", size: episode.Mp3Size))]);
        await server.CountAsync();

        // As if the process died after replacing the days but before recording what they were computed from.
        await server.ExecuteSqlAsync("DELETE FROM analytics_days", new { });
        await server.RestartAsync();
        await server.InsertAsync(AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 12), "203.0.113.70", size: episode.Mp3Size));
        var pass = await server.CountAsync();

        pass.Recomputed.ShouldContain(day);
        var owner = await LogInAgainAsync(episode.Owner);
        (await owner.SummaryAsync("episodes", episode.EpisodeId, day, day)).Downloads().ShouldBe(4);
        (await server.CountSqlAsync("SELECT count(*) FROM analytics_downloads WHERE episode_id = @Id", new { Id = Guid.Parse(episode.EpisodeId) }))
            .ShouldBe(4);
    }

    [Fact]
    public async Task Two_processes_counting_the_same_days_at_once_count_each_download_once()
    {
        var episode = await server.EpisodeAsync();
        var day = AnalyticsKit.Today.AddDays(-5);
        await server.InsertAsync([.. Enumerable.Range(0, 20).Select(i =>
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, i), $"203.0.113.{100 + i}", size: episode.Mp3Size))]);
        // A second counting service, as a second analytics process would run it: its own gate, the same database.
        var other = ActivatorUtilities.CreateInstance<DownloadCounting>(server.Services);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await other.RunOnceAsync(CancellationToken.None);
            await server.CountAsync();
        })));

        (await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, day, day)).Downloads().ShouldBe(20);
        (await server.CountSqlAsync("SELECT count(*) FROM analytics_downloads WHERE episode_id = @Id", new { Id = Guid.Parse(episode.EpisodeId) }))
            .ShouldBe(20);
        other.Dispose();
    }

    [Fact]
    public async Task A_day_whose_previous_day_is_past_the_retention_is_final()
    {
        var episode = await server.EpisodeAsync();
        var firstComplete = DownloadCounting.FirstCompleteDay(DateTimeOffset.UtcNow, TimeSpan.FromDays(7)); // 6 days ago
        await server.InsertAsync(AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(firstComplete, 12), "203.0.113.150", size: episode.Mp3Size));

        var pass = await server.CountAsync();

        pass.Recomputed.ShouldNotContain(firstComplete); // the day before it is partly deleted already
        pass.Recomputed.ShouldContain(firstComplete.AddDays(1)); // its neighbour still moves
        (await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, firstComplete, firstComplete)).Downloads().ShouldBe(0);
    }

    [Fact]
    public async Task A_day_that_lost_requests_to_a_retention_keeps_its_figures()
    {
        var episode = await server.EpisodeAsync();
        var day = AnalyticsKit.Today.AddDays(-2);
        var rows = Enumerable.Range(0, 3).Select(i =>
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 1, i), $"203.0.113.{170 + i}", size: episode.Mp3Size)).ToArray();
        await server.InsertAsync(rows);
        await server.CountAsync();

        // A shorter Delivery:LogRetention than Analytics:RequestRetention deleted some of the day's rows.
        await server.ExecuteSqlAsync("DELETE FROM delivery_log WHERE id = @Id", new { rows[0].Id });
        var pass = await server.CountAsync();

        pass.Recomputed.ShouldNotContain(day);
        (await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, day, day)).Downloads().ShouldBe(3);
    }

    [Fact]
    public async Task Without_a_configured_secret_every_process_derives_the_same_identities_from_the_stored_one()
    {
        // Two processes (or one before and after a restart) with no Analytics:ListenerSecret.
        var unset = Microsoft.Extensions.Options.Options.Create(new Airwave.Analytics.AnalyticsOptions());
        var first = await ActivatorUtilities.CreateInstance<AnalyticsEngineSettings>(server.Services, unset).GetAsync(CancellationToken.None);
        var second = await ActivatorUtilities.CreateInstance<AnalyticsEngineSettings>(server.Services, unset).GetAsync(CancellationToken.None);

        var digest = new byte[32];
        var address = (UInt128)0xFFFF_CB00_7105UL; // ::ffff:203.0.113.5
        first.Keys.Identity(740_000, address, digest).ShouldBe(second.Keys.Identity(740_000, address, digest));
        (await server.CountSqlAsync("SELECT count(*) FROM analytics_secrets", new { })).ShouldBe(1);
    }

    [Fact]
    public async Task A_real_download_through_the_origin_is_counted()
    {
        var episode = await server.EpisodeAsync();
        using var client = server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/episodes/{episode.EpisodeId}/audio");
        request.Headers.UserAgent.ParseAdd("Overcast/3.0 (+http://overcast.fm/; iOS podcast app)");
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).Length.ShouldBe((int)episode.Mp3Size);
        await Delivery.DeliveryKit.LogRowsAsync(server, "path = @Path", new { episode.Mp3Path.Length, Path = episode.Mp3Path });

        await server.CountAsync();

        var summary = await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, AnalyticsKit.Today, AnalyticsKit.Today);
        summary.Downloads().ShouldBe(1);
        Names(summary["downloads"]!["countries"]!).ShouldBe([("unknown", 1L)]); // loopback is nowhere
    }

    private async Task<HttpClient> LogInAgainAsync(TestUser user)
    {
        using var client = server.Client();
        var login = await client.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = user.Password });
        return server.WithToken(login.Body!["access_token"]!.GetValue<string>());
    }

    private async Task<Dictionary<string, long>> DropsAsync(DateOnly day)
    {
        var drops = new Dictionary<string, long>();
        foreach (var reason in new[] { "method", "bot", "probe", "belowThreshold", "emptyUserAgent", "unknownEpisode" })
        {
            drops[reason] = await server.CountSqlAsync("SELECT coalesce(sum(requests), 0) FROM analytics_drops WHERE day = @Day AND reason = @Reason",
                new { Day = AnalyticsKit.Text(day), Reason = reason });
        }

        return drops;
    }

    private static long Delta(Dictionary<string, long> before, Dictionary<string, long> after, string reason) => after[reason] - before[reason];

    private static List<(string, long)> Names(System.Text.Json.Nodes.JsonNode list) =>
        [.. list.AsArray().Select(n => (n!["name"]!.GetValue<string>(), n["downloads"]!.GetValue<long>()))];
}

public sealed class SqliteDownloadCountingTests(SqliteAnalyticsServer server) : DownloadCountingTests(server), IClassFixture<SqliteAnalyticsServer>;

public sealed class PostgresDownloadCountingTests(PostgresAnalyticsServer server) : DownloadCountingTests(server), IClassFixture<PostgresAnalyticsServer>;
