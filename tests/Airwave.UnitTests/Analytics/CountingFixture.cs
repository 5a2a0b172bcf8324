using System.Globalization;
using Airwave.Analytics.Counting;
using Airwave.Analytics.Counting.UserAgents;

namespace Airwave.UnitTests.Analytics;

/// <summary>Builds counting runs from request values, as the CLI would from a log.</summary>
internal static class CountingFixture
{
    public const string Url = "https://media.example.com/ep1.mp3";
    public const string App = "AntennaPod/3.4 okhttp/4.12";

    /// <summary>The example: one hour at 128 kbps (57.6 MB of audio) after a 100,000-byte ID3 tag.</summary>
    public static readonly EpisodeFile HourLong = new("ep1", [Url], 57_700_000, 100_000, 3600);

    private static readonly UserAgentClassifier SharedUserAgents = new();
    private static int _ids;

    public static CountingSettings Settings(CountingWindow window = CountingWindow.Calendar, string secret = "unit-test-secret-0123456789",
        KeyRotation rotation = KeyRotation.Day) => new()
        {
            Window = window,
            UserAgents = SharedUserAgents,
            Keys = new ListenerKeys(System.Text.Encoding.UTF8.GetBytes(secret), rotation),
        };

    public static CountingResult Count(IEnumerable<DownloadRequest> requests, CountingSettings? settings = null, params EpisodeFile[] episodes)
    {
        using var counter = new DownloadCounter(new EpisodeCatalog(episodes.Length == 0 ? [HourLong] : episodes), settings ?? Settings());
        foreach (var request in requests)
        {
            counter.Add(request);
        }

        return counter.Finish();
    }

    public static DateTimeOffset At(string time) => DateTimeOffset.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>A GET; by default the whole file with 200.</summary>
    public static DownloadRequest Get(string time, long start = 0, long? bytes = null, string ip = "203.0.113.5", string? ua = App,
        string? range = null, string url = Url, int status = 0, string method = "GET", string? id = null, string? referer = null,
        long fileSize = 57_700_000) =>
        new(id ?? "req-" + Interlocked.Increment(ref _ids).ToString(CultureInfo.InvariantCulture), At(time), method,
            status != 0 ? status : range is null && start == 0 ? 200 : 206, url, ip, ua, referer, range, start, bytes ?? fileSize - start);

    /// <summary>A 206 answer to <c>Range: bytes=first-last</c>, all of it served.</summary>
    public static DownloadRequest Range(string time, long first, long last, string ip = "203.0.113.5", string? ua = App, string? id = null) =>
        Get(time, first, last - first + 1, ip, ua, $"bytes={first}-{last}", id: id);

    public static long Dropped(this CountingResult result, DropReason reason) => result.Dropped[reason];

    /// <summary>Drops other than the one named are all zero.</summary>
    public static void ShouldOnlyDrop(this CountingResult result, DropReason reason, long count)
    {
        foreach (var (other, value) in result.Dropped)
        {
            value.ShouldBe(other == reason ? count : 0, $"dropped {other}");
        }
    }

    public static void ShouldDropNothing(this CountingResult result)
    {
        foreach (var (reason, value) in result.Dropped)
        {
            value.ShouldBe(0, $"dropped {reason}");
        }
    }
}
