using System.Globalization;
using Airwave.Analytics.Counting;
using static Airwave.UnitTests.Analytics.CountingFixture;

namespace Airwave.UnitTests.Analytics;

/// <summary>
/// The sweep closes states and days either from its lists, one lookup each, or in one pass over a whole table: the two
/// ways must count the same and forget the same states at the same time (ADR 0027).
/// </summary>
public sealed class CountingSweepTests
{
    private static readonly EpisodeFile[] Episodes =
    [
        new("long", ["https://media.example.com/long.mp3"], 57_700_000, 100_000, 3600),
        new("short", ["https://media.example.com/short.mp3"], 900_000, 20_000, 55),
        new("mid", ["https://media.example.com/mid.mp3"], 14_500_000, 40_000, 900),
    ];

    [Theory]
    [InlineData(CountingWindow.Calendar)]
    [InlineData(CountingWindow.FirstTouch)]
    [InlineData(CountingWindow.LastTouch)]
    public void ListsAndWholePasses_CountTheSame_AndForgetTheSameStates(CountingWindow window)
    {
        var requests = Traffic(seed: 11, listeners: 1_500, requests: 40_000);
        var lists = Run(requests, window, wholePassShare: 0);
        var passes = Run(requests, window, wholePassShare: int.MaxValue);
        var chosen = Run(requests, window, wholePassShare: 16);

        passes.Result.ShouldBeEquivalentTo(lists.Result);
        chosen.Result.ShouldBeEquivalentTo(lists.Result);
        passes.Held.ShouldBe(lists.Held);
        chosen.Held.ShouldBe(lists.Held);
        passes.Downloads.Order(StringComparer.Ordinal).ShouldBe(lists.Downloads.Order(StringComparer.Ordinal));
        chosen.Downloads.Order(StringComparer.Ordinal).ShouldBe(lists.Downloads.Order(StringComparer.Ordinal));

        // The traffic exercises what the sweep decides: downloads, pending bytes that expire, days of many listeners.
        lists.Result.Downloads.ShouldBeGreaterThan(5_000);
        lists.Result.Dropped[DropReason.BelowThreshold].ShouldBeGreaterThan(500);
        lists.Result.Dropped[DropReason.Late].ShouldBeGreaterThan(0);
        lists.Held.Max(h => h.Pairs).ShouldBeGreaterThan(1_000);
    }

    /// <summary>Counts the requests; notes the states held after each hour of the log and every counted download.</summary>
    private static Outcome Run(List<DownloadRequest> requests, CountingWindow window, int wholePassShare)
    {
        var downloads = new List<string>();
        using var counter = new DownloadCounter(new EpisodeCatalog(Episodes), Settings(window), onDownload: d =>
            downloads.Add(string.Create(CultureInfo.InvariantCulture, $"{d.EpisodeId} {d.Day} {d.Listener} {d.App}")))
        {
            WholePassShare = wholePassShare,
        };
        var held = new List<(int Pairs, int Listeners)>();
        var hour = requests[0].Time.UtcTicks / TimeSpan.TicksPerHour;
        foreach (var request in requests)
        {
            if (request.Time.UtcTicks / TimeSpan.TicksPerHour > hour)
            {
                hour = request.Time.UtcTicks / TimeSpan.TicksPerHour;
                held.Add((counter.ActivePairs, counter.ActiveListeners));
            }

            counter.Add(request);
        }

        return new Outcome(counter.Finish(), held, downloads);
    }

    /// <summary>
    /// Four days of a small host's traffic, in log order with some lines a little late (and a few too late): whole
    /// files, ranges that add up or do not, probes and HEADs, listeners on several days and across midnight.
    /// </summary>
    private static List<DownloadRequest> Traffic(int seed, int listeners, int requests)
    {
        var random = new Random(seed);
        var start = At("2026-03-09T00:00:00Z");
        var span = TimeSpan.FromDays(4).Ticks;
        var log = new List<(long Order, DownloadRequest Request)>();
        for (var i = 0; i < requests; i++)
        {
            var order = (long)(random.NextDouble() * span);
            var lateness = random.Next(20) switch
            {
                0 => TimeSpan.FromMinutes(random.Next(1, 50)),
                1 when random.Next(10) == 0 => TimeSpan.FromHours(3),
                _ => TimeSpan.Zero,
            };
            var time = (start + TimeSpan.FromTicks(order) - lateness).ToString("O", CultureInfo.InvariantCulture);
            var episode = Episodes[random.Next(Episodes.Length)];
            var listener = random.Next(listeners);
            var ip = $"198.{51 + (listener / 60_000)}.{listener / 250 % 240}.{listener % 250}";
            var ua = (listener % 7) switch
            {
                0 => "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",
                1 => "Spotify/8.9.0 iOS/17.4 (iPhone15,2)",
                _ => App,
            };
            var url = episode.Urls[0];
            var id = "r" + i.ToString(CultureInfo.InvariantCulture);
            var request = random.Next(10) switch
            {
                0 => Get(time, ip: ip, ua: ua, url: url, id: id, range: "bytes=0-1", start: 0, bytes: 2, fileSize: episode.FileSize),
                1 => Get(time, ip: ip, ua: ua, url: url, id: id, method: "HEAD", bytes: 0, fileSize: episode.FileSize),
                2 or 3 or 4 => Get(time, ip: ip, ua: ua, url: url, id: id, fileSize: episode.FileSize),
                _ => Partial(random, time, ip, ua, episode, id),
            };
            log.Add((order, request));
        }

        // Just after the last midnight, listeners of the day before come back; then the log jumps three days ahead, so
        // one sweep closes two days at once.
        var ordered = log.OrderBy(e => e.Order).Select(e => e.Request).ToList();
        for (var i = 0; i < 200; i++)
        {
            var listener = random.Next(listeners);
            ordered.Add(Get($"2026-03-13T00:{10 + (i / 10):D2}:00Z", ip: $"198.51.{listener / 250 % 240}.{listener % 250}",
                url: Episodes[i % 2].Urls[0], fileSize: Episodes[i % 2].FileSize, id: "after-midnight-" + i.ToString(CultureInfo.InvariantCulture)));
        }

        ordered.Add(Get("2026-03-16T12:00:00Z", ip: "192.0.2.1"));
        return ordered;
    }

    private static DownloadRequest Partial(Random random, string time, string ip, string ua, EpisodeFile episode, string id)
    {
        var first = random.NextInt64(episode.FileSize - 1);
        var length = Math.Min(episode.FileSize - first, random.NextInt64(1, episode.FileSize / 3));
        return Get(time, start: first, bytes: length, ip: ip, ua: ua, range: $"bytes={first}-{first + length - 1}", url: episode.Urls[0], id: id,
            fileSize: episode.FileSize);
    }

    private sealed record Outcome(CountingResult Result, List<(int Pairs, int Listeners)> Held, List<string> Downloads);
}
