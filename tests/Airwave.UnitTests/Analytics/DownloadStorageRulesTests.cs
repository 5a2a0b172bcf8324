using System.Text;
using Airwave.Analytics.Counting;
using Airwave.Analytics.Data;
using Airwave.Analytics.Downloads;
using Airwave.Analytics.Features;
using Airwave.Analytics.Import;
using Airwave.Core.Http;
using static Airwave.UnitTests.Analytics.CountingFixture;

namespace Airwave.UnitTests.Analytics;

/// <summary>
/// The pure rules around storing downloads: how drops are dated, which days can still be recomputed, how report ranges
/// and imported paths are read, and the nginx edge's log lines.
/// </summary>
public sealed class DownloadStorageRulesTests
{
    [Fact]
    public void Drops_are_dated_by_the_request_or_by_the_day_pending_bytes_started()
    {
        var drops = new List<(DropReason Reason, DateOnly Day, long Requests)>();
        using var counter = new DownloadCounter(new EpisodeCatalog([HourLong]), Settings(), onDrop: (r, d, n) => drops.Add((r, d, n)));
        counter.Add(Get("2026-03-09T10:00:00Z", method: "HEAD", bytes: 0));
        // Two ranges below the threshold on the 9th and 10th, then nothing: they expire as one drop of two requests,
        // dated the 9th, when the pending bytes started.
        counter.Add(Range("2026-03-09T23:00:00Z", 0, 99_999));
        counter.Add(Range("2026-03-10T01:00:00Z", 100_000, 199_999));
        counter.Add(Get("2026-03-10T02:00:00Z", ua: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"));
        counter.Finish();

        drops.ShouldBe(
        [
            (DropReason.Method, new DateOnly(2026, 3, 9), 1),
            (DropReason.Bot, new DateOnly(2026, 3, 10), 1),
            (DropReason.BelowThreshold, new DateOnly(2026, 3, 9), 2),
        ]);
    }

    [Fact]
    public void Malformed_lines_are_dated_by_the_request_before_them_and_reported_in_line_order()
    {
        // The engine applies a request a little after reading it (to overlap its memory loads); a malformed line read
        // in between must still come after the request before it and be dated by it.
        static string Line(string id, string time, string ip) =>
            $$"""{"requestId": "{{id}}", "time": "{{time}}", "method": "GET", "status": 200, "url": "{{Url}}", "ip": "{{ip}}", "userAgent": "{{App}}", "bytesServed": 57700000}""";
        var log = string.Join('\n',
            Line("a", "2026-03-09T10:00:00Z", "203.0.113.1"),
            "not json",
            Line("b", "2026-03-10T01:00:00Z", "not-an-address"),
            "{\"requestId\": 5}",
            Line("c", "2026-03-10T02:00:00Z", "203.0.113.2"));
        var malformed = new List<long>();
        var drops = new List<(DropReason Reason, DateOnly Day, long Requests)>();
        using var counter = new DownloadCounter(new EpisodeCatalog([HourLong]), Settings(), onMalformed: (line, _) => malformed.Add(line),
            onDrop: (r, d, n) => drops.Add((r, d, n)));

        JsonlRequestReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(log)), counter);
        counter.Finish().Downloads.ShouldBe(2);

        malformed.ShouldBe([2, 3, 4]);
        drops.ShouldBe(
        [
            (DropReason.Malformed, new DateOnly(2026, 3, 9), 1),
            (DropReason.Malformed, new DateOnly(2026, 3, 10), 1),
            (DropReason.Malformed, new DateOnly(2026, 3, 10), 1),
        ]);
    }

    [Theory]
    [InlineData("2026-03-10T12:00:00Z", "2026-03-04")] // 7 days back is 2026-03-03 12:00: the 3rd is partly deleted
    [InlineData("2026-03-10T00:00:00Z", "2026-03-03")] // exactly midnight: the 3rd is whole
    public void The_first_complete_day_is_the_first_whose_requests_are_all_kept(string now, string expected) =>
        DownloadCounting.FirstCompleteDay(At(now), TimeSpan.FromDays(7)).ShouldBe(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("https://cdn.example.com/media/abc.mp3?expires=1&signature=x", "/media/abc.mp3")]
    [InlineData("/media/abc.mp3?_=1#t=10", "/media/abc.mp3")]
    [InlineData("http://host", "/")]
    [InlineData("/media/abc.mp3", "/media/abc.mp3")]
    public void Imported_urls_are_kept_as_paths(string url, string path) => RequestImporter.PathOf(url).ShouldBe(path);

    [Theory]
    [InlineData("/media/abc.mp3", true)]
    [InlineData("/media/abc.m4a", true)]
    [InlineData("/media/abc.peaks.json", false)]
    [InlineData("/media/covers/set/1400.jpg", false)]
    [InlineData("/rss/show", false)]
    public void Only_media_files_are_counted(string path, bool media) => AnalyticsStore.IsMediaPath(path).ShouldBe(media);

    [Theory]
    [InlineData("2026-03-01", "2026-03-31", null, null)]
    [InlineData("2026-03-01", "2026-03-01", null, null)]
    [InlineData("2025-01-01", "2026-01-01", null, null)] // 366 days of a common year and a day
    [InlineData("2024-01-01", "2024-12-31", null, null)] // 366 days, leap year
    [InlineData("2025-01-01", "2026-01-02", "to", "the range may cover at most 366 days; it covers 367.")]
    [InlineData("2026-03-02", "2026-03-01", "from", "must not be after to.")]
    [InlineData("2026-02-30", "2026-03-01", "from", "'2026-02-30' is not a date in the form YYYY-MM-DD.")]
    [InlineData(null, "2026-03-01", "from", "is required (a UTC date, YYYY-MM-DD).")]
    public void Report_ranges(string? from, string? to, string? field, string? reason)
    {
        var errors = new FieldErrors();
        ReportRequest.ParseRange(from, to, errors);
        if (field is null)
        {
            errors.Any.ShouldBeFalse();
        }
        else
        {
            errors.ToDictionary()[field].ShouldBe([reason!]);
        }
    }

    [Fact]
    public void Nginx_edge_lines_become_requests_timed_at_arrival()
    {
        var sink = new Sink();
        var line = """{"time":"2026-03-09T10:00:02+00:00","msec":"1773050402.500","request_id":"abc","method":"GET","path":"/media/x.mp3","status":"206","episode_id":"","blob_key":"","client_ip":"203.0.113.5","user_agent":"AntennaPod/3.4","referer":"","range":"bytes=100-","content_range":"bytes 100-4999/5000","bytes_served":"4900","content_length":"4900","completed":"OK","playback_session_id":"","cache":"HIT","request_time":"2.500"}""";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(line + "\n\nnot json\n{\"request_id\":\"x\",\"msec\":\"1\",\"status\":\"abc\"}\n"));

        var summary = NginxJsonLogReader.Read(stream, sink);

        summary.Lines.ShouldBe(4);
        summary.Malformed.ShouldBe(2);
        var request = sink.Requests.ShouldHaveSingleItem();
        request.ShouldBe(new ImportedRequest("abc", "nginx", At("2026-03-09T10:00:00Z"), "GET", "/media/x.mp3", 206, "203.0.113.5", "AntennaPod/3.4",
            null, "bytes=100-", 100, 4900));
        sink.Malformed.Select(m => m.Line).ShouldBe([3L, 4L]);
        sink.Malformed[1].Reason.ShouldBe("status is not a number");
    }

    private sealed class Sink : IImportSink
    {
        public List<ImportedRequest> Requests { get; } = [];

        public List<(long Line, string Reason)> Malformed { get; } = [];

        public void Add(ImportedRequest request) => Requests.Add(request);

        void IImportSink.Malformed(long lineNumber, string reason) => Malformed.Add((lineNumber, reason));
    }
}
