using System.Text;
using Airwave.Analytics.Counting;

namespace Airwave.UnitTests.Analytics;

/// <summary>The JSONL and CloudFront readers: what they make of each line, and what they report as malformed.</summary>
public sealed class LogReaderTests
{
    private sealed record Parsed(long Line, string Id, long Time, string Method, int Status, string Url, string Ip, string UserAgent, string Referer,
        string Range, long ServedStart, long BytesServed);

    private sealed class Collector : IRequestSink
    {
        public List<Parsed> Requests { get; } = [];

        public List<(long Line, string Reason)> Malformed { get; } = [];

        public void Accept(scoped in RequestLine r) => Requests.Add(new Parsed(r.LineNumber, S(r.RequestId), r.Time, S(r.Method), r.Status, S(r.Url), S(r.Ip),
            S(r.UserAgent), S(r.Referer), S(r.Range), r.ServedStart, r.BytesServed));

        void IRequestSink.Malformed(long lineNumber, string reason) => Malformed.Add((lineNumber, reason));

        private static string S(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
    }

    private static (Collector Sink, LogReadSummary Summary) ReadJsonl(string text, bool bom = false)
    {
        var sink = new Collector();
        var bytes = Encoding.UTF8.GetBytes(text);
        using var stream = new MemoryStream(bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);
        return (sink, JsonlRequestReader.Read(stream, sink));
    }

    private const string Line = """{"requestId": "r1", "time": "2026-03-09T10:00:00Z", "method": "GET", "status": 206, "url": "https://m.example.com/a.mp3", "ip": "203.0.113.5", "userAgent": "App/1.0", "referer": null, "range": "bytes=0-524287", "servedStart": 0, "bytesServed": 524288, "playbackSessionId": null}""";

    [Fact]
    public void Jsonl_TheIssuesLine_IsReadField()
    {
        var (sink, summary) = ReadJsonl(Line + "\n");

        summary.ShouldBe(new LogReadSummary(1, 0));
        sink.Requests.Single().ShouldBe(new Parsed(1, "r1", new DateTime(2026, 3, 9, 10, 0, 0, DateTimeKind.Utc).Ticks, "GET", 206, "https://m.example.com/a.mp3",
            "203.0.113.5", "App/1.0", "", "bytes=0-524287", 0, 524288));
    }

    [Fact]
    public void Jsonl_EscapesCrlfBomBlankLinesAndNoFinalNewline()
    {
        var escaped = Line.Replace("\"App/1.0\"", "\"Caf\\u00e9 \\\"Player\\\"/2\"", StringComparison.Ordinal)
            .Replace("https://m.example.com/a.mp3", "https:\\/\\/m.example.com\\/a.mp3", StringComparison.Ordinal);

        var (sink, summary) = ReadJsonl(Line + "\r\n\r\n   \n" + escaped, bom: true);

        summary.ShouldBe(new LogReadSummary(4, 0));
        sink.Requests.Count.ShouldBe(2);
        sink.Requests[1].Line.ShouldBe(4);
        sink.Requests[1].UserAgent.ShouldBe("Café \"Player\"/2");
        sink.Requests[1].Url.ShouldBe("https://m.example.com/a.mp3");
    }

    [Fact]
    public void Jsonl_FieldsInAnyOrder_UnknownFieldsIgnored_OptionalFieldsMissing()
    {
        var (sink, _) = ReadJsonl("""{"bytesServed": 10, "extra": {"nested": [1, 2]}, "ip": "::1", "url": "/a.mp3", "status": 200, "method": "GET", "time": "2026-03-09T12:00:00.5+02:00", "requestId": "x"}""");

        var request = sink.Requests.Single();
        request.Time.ShouldBe(new DateTime(2026, 3, 9, 10, 0, 0, DateTimeKind.Utc).Ticks + TimeSpan.TicksPerSecond / 2);
        request.UserAgent.ShouldBe("");
        request.ServedStart.ShouldBe(0);
    }

    [Theory]
    [InlineData("not json", "not valid JSON at byte 2")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("""{"requestId": "r", "time": "2026-03-09T10:00:00Z", "method": "GET", "status": 200, "url": "/a", "ip": "1.2.3.4"}""", "bytesServed is missing")]
    [InlineData("""{"requestId": "r", "time": "yesterday", "method": "GET", "status": 200, "url": "/a", "ip": "1.2.3.4", "bytesServed": 1}""", "time is not an RFC 3339 timestamp")]
    [InlineData("""{"requestId": "r", "time": "2026-03-09T10:00:00Z", "method": "GET", "status": "200", "url": "/a", "ip": "1.2.3.4", "bytesServed": 1}""", "status must be an integer")]
    [InlineData("""{"requestId": "r", "time": "2026-03-09T10:00:00Z", "method": "GET", "status": 200, "url": "/a", "ip": "1.2.3.4", "bytesServed": -5}""", "bytesServed must be a non-negative integer")]
    [InlineData("""{"requestId": "r", "requestId": "s", "time": "2026-03-09T10:00:00Z", "method": "GET", "status": 200, "url": "/a", "ip": "1.2.3.4", "bytesServed": 1}""", "the field requestId appears twice")]
    [InlineData("""{"requestId": null, "time": "2026-03-09T10:00:00Z", "method": "GET", "status": 200, "url": "/a", "ip": "1.2.3.4", "bytesServed": 1}""", "requestId must not be null")]
    [InlineData("""{"requestId": "r", "time": "2026-03-09T10:00:00Z", "method": "GET", "status": 200, "url": "/a", "ip": "1.2.3.4", "bytesServed": 1} {}""", "not valid JSON")]
    [InlineData("""{"requestId": "r", "time": "2026-03-09T10:00:00Z", "method": "GET", "status": 200""", "not valid JSON")]
    public void Jsonl_MalformedLine_ReportedWithItsNumberAndSkipped(string bad, string reason)
    {
        var (sink, summary) = ReadJsonl(Line + "\n" + bad + "\n" + Line.Replace("r1", "r2", StringComparison.Ordinal) + "\n");

        summary.ShouldBe(new LogReadSummary(3, 1));
        sink.Requests.Select(r => r.Id).ShouldBe(["r1", "r2"]);
        sink.Malformed.Single().Line.ShouldBe(2);
        sink.Malformed.Single().Reason.ShouldStartWith(reason);
    }

    [Fact]
    public void Jsonl_LinesAcrossBufferBoundaries_AreAllRead()
    {
        var text = string.Join("\n", Enumerable.Range(0, 30_000).Select(i => Line.Replace("\"r1\"", $"\"r{i}\"", StringComparison.Ordinal)));

        var (sink, summary) = ReadJsonl(text);

        summary.Lines.ShouldBe(30_000);
        sink.Requests.Select(r => r.Id).ShouldBe(Enumerable.Range(0, 30_000).Select(i => $"r{i}"));
    }

    [Fact]
    public void Jsonl_LineLongerThanTheLimit_ReportedOnceAndSkipped()
    {
        var huge = "{\"userAgent\": \"" + new string('a', LogLines.MaxLineBytes + 10) + "\"}";

        var (sink, summary) = ReadJsonl(Line + "\n" + huge + "\n" + Line + "\n");

        summary.ShouldBe(new LogReadSummary(3, 1));
        sink.Malformed.Single().ShouldBe((2, $"the line is longer than {LogLines.MaxLineBytes} bytes"));
        sink.Requests.Count.ShouldBe(2);
    }

    private const string CloudFrontHeader = "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end\n";

    private static string CloudFrontLine(string bytes, string ip, string method, string stem, string status, string userAgent, string query, string id,
        string contentLength, string rangeStart, string rangeEnd, string host = "media.example.com", string referer = "-") =>
        string.Join('\t', "2026-03-09", "10:00:00", "FRA56-P1", bytes, ip, method, "d111111abcdef8.cloudfront.net", stem, status, referer, userAgent, query, "-",
            "Hit", id, host, "https", "200", "0.002", "-", "TLSv1.3", "TLS_AES_128_GCM_SHA256", "Hit", "HTTP/2.0", "-", "-", "443", "0.001", "Hit",
            "audio/mpeg", contentLength, rangeStart, rangeEnd);

    private static (Collector Sink, LogReadSummary Summary) ReadCloudFront(string text)
    {
        var sink = new Collector();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return (sink, CloudFrontLogReader.Read(stream, sink));
    }

    [Fact]
    public void CloudFront_StandardLog_BecomesTheSameRequests()
    {
        var log = CloudFrontHeader
            + CloudFrontLine("57700420", "203.0.113.5", "GET", "/ep1.mp3", "200", "Podcasts/1710.17%20CFNetwork/1399%20Darwin/22.1.0", "utm_source=x", "id-1",
                "57700000", "-", "-") + "\n"
            + CloudFrontLine("350", "2001:db8::7", "GET", "/ep1.mp3", "206", "AppleCoreMedia/1.0.0.21A329%20(iPhone;%20U;%20CPU%20OS%2017_0)", "-", "id-2",
                "2", "0", "1", host: "-") + "\n"
            + CloudFrontLine("300000", "203.0.113.5", "GET", "/ep1.mp3", "206", "Overcast/3.0", "-", "id-3", "1000000", "1000000", "1999999",
                referer: "https://overcast.fm/") + "\n";

        var (sink, summary) = ReadCloudFront(log);

        summary.ShouldBe(new LogReadSummary(3, 0));
        var (whole, probe, aborted) = (sink.Requests[0], sink.Requests[1], sink.Requests[2]);
        whole.ShouldBe(new Parsed(3, "id-1", new DateTime(2026, 3, 9, 10, 0, 0, DateTimeKind.Utc).Ticks, "GET", 200,
            "https://media.example.com/ep1.mp3?utm_source=x", "203.0.113.5", "Podcasts/1710.17 CFNetwork/1399 Darwin/22.1.0", "", "", 0, 57_700_000));
        probe.Url.ShouldBe("https://d111111abcdef8.cloudfront.net/ep1.mp3");
        probe.Range.ShouldBe("bytes=0-1");
        probe.BytesServed.ShouldBe(2);
        probe.UserAgent.ShouldBe("AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0)");
        aborted.ServedStart.ShouldBe(1_000_000);
        aborted.BytesServed.ShouldBe(300_000);
        aborted.Referer.ShouldBe("https://overcast.fm/");
    }

    [Fact]
    public void CloudFront_LinesBeforeFieldsAndWrongColumnCounts_AreMalformed()
    {
        var line = CloudFrontLine("100", "203.0.113.5", "GET", "/a.mp3", "200", "App", "-", "id", "100", "-", "-");

        var (sink, summary) = ReadCloudFront(line + "\n" + CloudFrontHeader + line + "\n" + "2026-03-09\t10:00:00\n" + line.Replace("10:00:00", "25:00:00", StringComparison.Ordinal) + "\n");

        summary.ShouldBe(new LogReadSummary(4, 3));
        sink.Requests.Count.ShouldBe(1);
        sink.Malformed.Select(m => m.Line).ShouldBe([1, 5, 6]);
        sink.Malformed[0].Reason.ShouldContain("#Fields");
        sink.Malformed[1].Reason.ShouldContain("tab-separated fields");
        sink.Malformed[2].Reason.ShouldContain("date and time");
    }

    [Fact]
    public void CloudFront_CountsLikeTheDeliveryLog()
    {
        var log = CloudFrontHeader
            + CloudFrontLine("2", "203.0.113.5", "GET", "/ep1.mp3", "206", "AntennaPod/3.4", "-", "a", "2", "0", "1") + "\n"
            + CloudFrontLine("57700420", "203.0.113.5", "GET", "/ep1.mp3", "200", "AntennaPod/3.4", "-", "b", "57700000", "-", "-") + "\n"
            + CloudFrontLine("57700420", "203.0.113.9", "GET", "/ep1.mp3", "200", "Mozilla/5.0%20(compatible;%20Googlebot/2.1;%20+http://www.google.com/bot.html)", "-", "c", "57700000", "-", "-") + "\n";
        using var counter = new DownloadCounter(new EpisodeCatalog([CountingFixture.HourLong with { Urls = ["https://media.example.com/ep1.mp3"] }]),
            CountingFixture.Settings());
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(log));

        CloudFrontLogReader.Read(stream, counter);
        var result = counter.Finish();

        result.Downloads.ShouldBe(1);
        result.Dropped[DropReason.Probe].ShouldBe(1);
        result.Dropped[DropReason.Bot].ShouldBe(1);
    }
}
