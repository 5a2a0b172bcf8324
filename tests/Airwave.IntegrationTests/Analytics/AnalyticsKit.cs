using System.Globalization;
using System.Text.Json.Nodes;
using Airwave.Analytics.Downloads;
using Airwave.Analytics.Listens.Contracts;
using Airwave.Core.Events;
using Airwave.Delivery.Data;
using Airwave.Delivery.Log;
using Airwave.IntegrationTests.Delivery;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Analytics;

/// <summary>
/// The server as the analytics tests need it: a fixed listener secret, a geography database written by MaxMind's
/// writer (203.0.113.0/24 is Munich, 2001:db8:5::/48 Wellington), and counting passes only when a test asks for one
/// (the background pass runs once at start, then daily).
/// </summary>
public abstract class AnalyticsServer : ServerFixture
{
    public const string ListenerSecret = "analytics-tests-listener-secret";

    private static readonly Lazy<string> Geo = new(() => GeoTestDatabase.Write(
    [
        new GeoNetwork("203.0.113.0/24", "DE", "Bavaria", "Munich"),
        new GeoNetwork("2001:db8:5::/48", "NZ", "Wellington", "Wellington"),
    ]));

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Analytics:ListenerSecret"] = ListenerSecret,
        ["Analytics:CountingInterval"] = "1.00:00:00",
        ["Analytics:GeoDatabase"] = GeoDatabase,
        ["Analytics:CountOriginRequests"] = CountOriginRequests ? "true" : "false",
    };

    /// <summary>False for a server whose media go out through an edge whose logs are imported.</summary>
    protected virtual bool CountOriginRequests => true;

    public static string GeoDatabase => Geo.Value;
}

public sealed class SqliteAnalyticsServer : AnalyticsServer
{
    protected override string Provider => "sqlite";
}

public sealed class PostgresAnalyticsServer : AnalyticsServer
{
    protected override string Provider => "postgres";
}

public sealed class SqliteEdgeAnalyticsServer : AnalyticsServer
{
    protected override string Provider => "sqlite";

    protected override bool CountOriginRequests => false;
}

public sealed class PostgresEdgeAnalyticsServer : AnalyticsServer
{
    protected override string Provider => "postgres";

    protected override bool CountOriginRequests => false;
}

/// <summary>An episode with processed audio, and its MP3 as the counting sees it.</summary>
public sealed record CountedEpisode(TestUser Owner, string PodcastId, string EpisodeId, string Mp3Path, long Mp3Size);

internal static class AnalyticsKit
{
    public const string AntennaPod = "AntennaPod/3.4.0 (Linux;Android 14) ExoPlayer";
    public const string Googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    public static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public static DateTimeOffset At(DateOnly day, int hour, int minute = 0) =>
        new(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);

    public static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static async Task<CountedEpisode> EpisodeAsync(this ServerFixture server)
    {
        var (owner, podcastId, episodeId, status) = await server.PublishedEpisodeAsync();
        var mp3 = status["renditions"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "mp3")!;
        return new CountedEpisode(owner, podcastId, episodeId, "/" + mp3["key"]!.GetValue<string>(), mp3["size_bytes"]!.GetValue<long>());
    }

    /// <summary>An origin row of the delivery log, written the way the server's writer writes them.</summary>
    public static DeliveryLogEntry Origin(string path, DateTimeOffset at, string ip, string? userAgent = AntennaPod, long? bytes = null,
        long size = 0, string method = "GET", int status = 200, string? range = null, long firstByte = 0, string? requestId = null) =>
        new(Guid.CreateVersion7(), requestId ?? Guid.NewGuid().ToString("N"), at, "origin", method, path, status, null, path.TrimStart('/'), null,
            null, ip, userAgent, null, range, firstByte, bytes ?? size, bytes ?? size, true, null, 3);

    public static Task InsertAsync(this ServerFixture server, params DeliveryLogEntry[] rows) =>
        server.Services.GetRequiredService<DeliveryLogStore>().InsertAsync(rows, CancellationToken.None);

    public static Task<CountingPass> CountAsync(this ServerFixture server) =>
        server.Services.GetRequiredService<DownloadCounting>().RunOnceAsync(CancellationToken.None);

    public static async Task<JsonNode> SummaryAsync(this HttpClient client, string kind, string id, DateOnly from, DateOnly to)
    {
        var response = await client.GetJsonAsync($"/api/v1/analytics/{kind}/{id}/summary?from={Text(from)}&to={Text(to)}");
        response.Status.ShouldBe(System.Net.HttpStatusCode.OK, response.Body?.ToJsonString());
        return response.Body!;
    }

    public static long Downloads(this JsonNode summary) => summary["downloads"]!["total"]!.GetValue<long>();

    /// <summary>How long the episodes of <see cref="ListenShowAsync"/> are, in seconds (10 minutes).</summary>
    public const double EpisodeSeconds = 600;

    /// <summary>A time as the player sends it in playback events (UTC, milliseconds, Z).</summary>
    public static string EventTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A published show with one 10-minute episode, published unless told otherwise; states set in the database (no
    /// media processing needed: playback events only need an episode with a duration).
    /// </summary>
    public static async Task<(TestUser Owner, Guid PodcastId, Guid EpisodeId, string Guid)> ListenShowAsync(this ServerFixture server,
        bool premium = false, bool published = true)
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync("Listen Show"))["id"]!.GetValue<string>();
        var episode = await owner.CreateEpisodeAsync(podcastId);
        var past = DateTimeOffset.UtcNow.AddDays(-30);
        await server.ExecuteSqlAsync("UPDATE podcasts SET published_at = @past WHERE id = @id", new { past, id = Guid.Parse(podcastId) });
        await server.ExecuteSqlAsync("UPDATE episodes SET published_at = @at, duration_ms = @ms, premium = @premium WHERE id = @id",
            new { at = published ? past : (DateTimeOffset?)null, ms = (long)(EpisodeSeconds * 1000), premium, id = Guid.Parse(episode["id"]!.GetValue<string>()) });
        return (owner, Guid.Parse(podcastId), Guid.Parse(episode["id"]!.GetValue<string>()), episode["guid"]!.GetValue<string>());
    }

    /// <summary>Waits until every playback outbox event is handled (the relay runs in the server); fails if one died.</summary>
    public static async Task SettlePlaybackAsync(this ServerFixture server)
    {
        var type = EventRegistry.NameOf(typeof(PlaybackEventsRecorded));
        var relay = server.Services.GetRequiredService<OutboxRelay>();
        for (var i = 0; i < 300; i++)
        {
            (await server.CountSqlAsync("SELECT COUNT(*) FROM outbox_events WHERE type = @type AND dead_at IS NOT NULL", new { type })).ShouldBe(0);
            if (await server.CountSqlAsync("SELECT COUNT(*) FROM outbox_events WHERE type = @type AND dispatched_at IS NULL", new { type }) == 0)
            {
                return;
            }

            await relay.DeliverDueAsync(CancellationToken.None);
            await Task.Delay(100);
        }

        throw new TimeoutException("Playback events were not handled.");
    }
}
