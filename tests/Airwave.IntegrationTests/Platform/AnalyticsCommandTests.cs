using System.Diagnostics;
using System.Text.Json.Nodes;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Platform;

/// <summary>
/// `airwave analytics count` as an operator runs it: the built executable on files, printing the issue's JSON.
/// </summary>
public sealed class AnalyticsCommandTests : IDisposable
{
    private const string Episodes = """
        [{"id": "ep1", "urls": ["https://media.example.com/ep1.mp3"], "fileSize": 57700000, "headerBytes": 100000, "durationSeconds": 3600},
         {"id": "ep2", "urls": ["https://media.example.com/ep2.mp3", "https://cdn.example.net/ep2.mp3"], "fileSize": 57700000, "headerBytes": 100000, "durationSeconds": 3600}]
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("airwave-analytics-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Request(string id, string time, string url = "https://media.example.com/ep1.mp3", string ip = "203.0.113.5",
        string ua = "AntennaPod/3.4 okhttp/4.12", string method = "GET", int status = 200, string? range = null, long start = 0, long bytes = 57_700_000) =>
        $$"""{"requestId": "{{id}}", "time": "{{time}}", "method": "{{method}}", "status": {{status}}, "url": "{{url}}", "ip": "{{ip}}", "userAgent": "{{ua}}", "referer": null, "range": {{(range is null ? "null" : $"\"{range}\"")}}, "servedStart": {{start}}, "bytesServed": {{bytes}}, "playbackSessionId": null}""";

    /// <summary>Every example of the analytics issue, each as its own listener (address) and episode pair.</summary>
    private static IEnumerable<string> IssueExamples() =>
    [
        // A full GET then the same again 2 h later = 1 (ep1, listener .1).
        Request("a1", "2026-03-09T10:00:00Z", ip: "198.51.100.1"), Request("a2", "2026-03-09T12:00:00Z", ip: "198.51.100.1"),
        // HEAD only = 0.
        Request("b1", "2026-03-09T10:00:00Z", ip: "198.51.100.2", method: "HEAD", bytes: 0),
        // bytes=0-1 then bytes=0- = 1 (ep2).
        Request("c1", "2026-03-09T10:00:00Z", "https://media.example.com/ep2.mp3", "198.51.100.3", status: 206, range: "bytes=0-1", bytes: 2),
        Request("c2", "2026-03-09T10:00:01Z", "https://cdn.example.net/ep2.mp3?utm_source=feed", "198.51.100.3", status: 206, range: "bytes=0-"),
        // A single 512 KiB range of a 1-hour 128 kbps file = 0.
        Request("d1", "2026-03-09T10:00:00Z", ip: "198.51.100.4", status: 206, range: "bytes=0-524287", bytes: 524_288),
        // 0-599999 then 600000-1199999 = 1 (ep1, listener .5).
        Request("e1", "2026-03-09T10:00:00Z", ip: "198.51.100.5", status: 206, range: "bytes=0-599999", bytes: 600_000),
        Request("e2", "2026-03-09T10:01:00Z", ip: "198.51.100.5", status: 206, range: "bytes=600000-1199999", start: 600_000, bytes: 600_000),
        // The same 1,000,000-byte range three times = 0.
        Request("f1", "2026-03-09T10:00:00Z", ip: "198.51.100.6", status: 206, range: "bytes=0-999999", bytes: 1_000_000),
        Request("f2", "2026-03-09T10:01:00Z", ip: "198.51.100.6", status: 206, range: "bytes=0-999999", bytes: 1_000_000),
        Request("f3", "2026-03-09T10:02:00Z", ip: "198.51.100.6", status: 206, range: "bytes=0-999999", bytes: 1_000_000),
        // Googlebot = 0.
        Request("g1", "2026-03-09T10:00:00Z", ip: "66.249.66.1", ua: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"),
        // Two IPv6 addresses in one /64 = 1 (ep1).
        Request("h1", "2026-03-09T10:00:00Z", ip: "2001:db8:7:8::1"), Request("h2", "2026-03-09T10:30:00Z", ip: "2001:db8:7:8:abcd::2"),
    ];

    [Fact]
    public async Task Count_IssueExamples_PrintsTheIssuesJson()
    {
        var (episodes, log) = await FilesAsync(IssueExamples().OrderBy(l => l[35..60], StringComparer.Ordinal));

        var result = await RunAsync("analytics", "count", "--episodes", episodes, "--log", log);

        result.ExitCode.ShouldBe(0, result.Errors);
        result.Errors.ShouldBeEmpty();
        JsonNode.DeepEquals(JsonNode.Parse(result.Output), JsonNode.Parse("""
            {
              "window": "calendar",
              "episodes": {"ep1": {"downloads": 3, "listeners": 3}, "ep2": {"downloads": 1, "listeners": 1}},
              "totals": {"downloads": 4, "listeners": 4},
              "dropped": {"malformed": 0, "late": 0, "method": 1, "status": 0, "probe": 1, "tooFewBytes": 0, "unknownEpisode": 0,
                "emptyUserAgent": 0, "excludedIp": 0, "appleWatch": 0, "bot": 1, "preloadingPlayer": 0, "belowThreshold": 4, "excessiveVolume": 0}
            }
            """)).ShouldBeTrue(result.Output);
    }

    [Theory]
    [InlineData("calendar", 2)]
    [InlineData("first-touch", 1)]
    [InlineData("last-touch", 1)]
    public async Task Count_Window_IsAppliedAndDisclosed(string window, int downloads)
    {
        var (episodes, log) = await FilesAsync([Request("a", "2026-03-09T23:00:00Z"), Request("b", "2026-03-10T01:00:00Z")]);

        var result = await RunAsync("analytics", "count", "--episodes", episodes, "--log", log, "--window", window);

        result.ExitCode.ShouldBe(0, result.Errors);
        var json = JsonNode.Parse(result.Output)!;
        json["window"]!.GetValue<string>().ShouldBe(window);
        json["totals"]!["downloads"]!.GetValue<long>().ShouldBe(downloads);
    }

    [Fact]
    public async Task Count_MalformedLines_ReportedWithLineNumbersSkippedAndCounted()
    {
        var (episodes, log) = await FilesAsync([Request("a", "2026-03-09T10:00:00Z"), "{\"requestId\": \"b\"", "", Request("c", "2026-03-09T11:00:00Z", ip: "not-an-ip")]);

        var result = await RunAsync("analytics", "count", "--episodes", episodes, "--log", log);

        result.ExitCode.ShouldBe(0, result.Errors);
        result.Errors.ShouldContain($"{log}:2: skipped malformed request: not valid JSON");
        result.Errors.ShouldContain($"{log}:4: skipped malformed request: ip is not an IPv4 or IPv6 address");
        var json = JsonNode.Parse(result.Output)!;
        json["dropped"]!["malformed"]!.GetValue<long>().ShouldBe(2);
        json["totals"]!["downloads"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task Count_ReplayedLog_SameDownloads()
    {
        var lines = IssueExamples().OrderBy(l => l[35..60], StringComparer.Ordinal).ToList();
        var (episodes, once) = await FilesAsync(lines);
        var twice = Path.Combine(_directory, "twice.jsonl");
        await File.WriteAllLinesAsync(twice, lines.SelectMany(l => new[] { l, l }));

        var first = await RunAsync("analytics", "count", "--episodes", episodes, "--log", once);
        var second = await RunAsync("analytics", "count", "--episodes", episodes, "--log", twice);

        second.Output.ShouldBe(first.Output);
    }

    [Fact]
    public async Task Count_CloudFrontLog_WithBreakdown()
    {
        var (episodes, _) = await FilesAsync([]);
        var log = Path.Combine(_directory, "cloudfront.log");
        string Line(string id, string ua, string bytes, string start, string end) => string.Join('\t', "2026-03-09", "10:00:00", "FRA56-P1", bytes, "203.0.113.5", "GET",
            "d1.cloudfront.net", "/ep1.mp3", start == "-" ? "200" : "206", "-", ua, "-", "-", "Hit", id, "media.example.com", "https", "200", "0.002", "-",
            "TLSv1.3", "TLS_AES_128_GCM_SHA256", "Hit", "HTTP/2.0", "-", "-", "443", "0.001", "Hit", "audio/mpeg", bytes, start, end);
        await File.WriteAllTextAsync(log, "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end\n"
            + Line("x1", "Overcast/3.0%20(+http://overcast.fm/;%20iOS%20podcast%20app)", "2", "0", "1") + "\n"
            + Line("x2", "Overcast/3.0%20(+http://overcast.fm/;%20iOS%20podcast%20app)", "57700000", "-", "-") + "\n");

        var result = await RunAsync("analytics", "count", "--episodes", episodes, "--log", log, "--log-format", "cloudfront", "--breakdown");

        result.ExitCode.ShouldBe(0, result.Errors);
        var json = JsonNode.Parse(result.Output)!;
        json["totals"]!["downloads"]!.GetValue<long>().ShouldBe(1);
        json["dropped"]!["probe"]!.GetValue<long>().ShouldBe(1);
        json["apps"]!["Overcast"]!.GetValue<long>().ShouldBe(1);
        json["os"]!["iOS"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task Count_Settings_FromConfiguration()
    {
        var (episodes, log) = await FilesAsync([Request("a", "2026-03-09T10:00:00Z", ip: "192.0.2.10"), Request("b", "2026-03-09T10:00:00Z", ip: "203.0.113.5")]);

        var result = await RunAsync(new Dictionary<string, string> { ["AIRWAVE_Analytics__ExcludedIpRanges__0"] = "192.0.2.0/24" },
            "analytics", "count", "--episodes", episodes, "--log", log);

        result.ExitCode.ShouldBe(0, result.Errors);
        JsonNode.Parse(result.Output)!["dropped"]!["excludedIp"]!.GetValue<long>().ShouldBe(1);

        var invalid = await RunAsync(new Dictionary<string, string> { ["AIRWAVE_Analytics__ExcludedIpRanges__0"] = "192.0.2.0/99" },
            "analytics", "count", "--episodes", episodes, "--log", log);
        invalid.ExitCode.ShouldBe(1);
        invalid.Errors.ShouldContain("Analytics:ExcludedIpRanges");
    }

    [Fact]
    public async Task Count_ParseOnly_CountsLinesOnly()
    {
        var (episodes, log) = await FilesAsync([Request("a", "2026-03-09T10:00:00Z"), "oops", Request("b", "2026-03-09T10:00:00Z")]);

        var result = await RunAsync("analytics", "count", "--episodes", episodes, "--log", log, "--parse-only", "--stats");

        result.ExitCode.ShouldBe(0, result.Errors);
        JsonNode.Parse(result.Output)!["malformed"]!.GetValue<long>().ShouldBe(1);
        result.Errors.ShouldContain("stats: 3 lines");
    }

    [Fact]
    public async Task Count_InvalidEpisodesFile_ExitsOneNamingTheFileAndEpisode()
    {
        var episodes = Path.Combine(_directory, "bad-episodes.json");
        await File.WriteAllTextAsync(episodes, """[{"id": "x", "urls": ["https://m.example/x.mp3"], "fileSize": 100, "durationSeconds": 0}]""");
        var (_, log) = await FilesAsync([]);

        var result = await RunAsync("analytics", "count", "--episodes", episodes, "--log", log);

        result.ExitCode.ShouldBe(1);
        result.Errors.ShouldContain("bad-episodes.json: episode 1 ('x'): durationSeconds must be a positive number.");
        result.Output.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("analytics", "count", "--log", "LOG")]
    [InlineData("analytics", "count", "--episodes", "EPISODES")]
    [InlineData("analytics", "count", "--episodes", "EPISODES", "--log", "/nonexistent/requests.jsonl")]
    [InlineData("analytics", "count", "--episodes", "/nonexistent/episodes.json", "--log", "LOG")]
    [InlineData("analytics", "count", "--episodes", "EPISODES", "--log", "LOG", "--window", "weekly")]
    [InlineData("analytics", "count", "--episodes", "EPISODES", "--log", "LOG", "--log-format", "nginx")]
    [InlineData("analytics", "count", "--episodes", "EPISODES", "--log", "LOG", "--frobnicate")]
    public async Task Count_UsageError_ExitsTwo(params string[] arguments)
    {
        var (episodes, log) = await FilesAsync([]);

        var result = await RunAsync([.. arguments.Select(a => a == "EPISODES" ? episodes : a == "LOG" ? log : a)]);

        result.ExitCode.ShouldBe(2, result.Output + result.Errors);
    }

    private async Task<(string Episodes, string Log)> FilesAsync(IEnumerable<string> lines)
    {
        var episodes = Path.Combine(_directory, "episodes.json");
        var log = Path.Combine(_directory, "requests.jsonl");
        await File.WriteAllTextAsync(episodes, Episodes);
        await File.WriteAllLinesAsync(log, lines);
        return (episodes, log);
    }

    private sealed record CliResult(int ExitCode, string Output, string Errors);

    private static Task<CliResult> RunAsync(params string[] arguments) => RunAsync(new Dictionary<string, string>(), arguments);

    private static async Task<CliResult> RunAsync(Dictionary<string, string> environment, params string[] arguments)
    {
        using Process process = ServerProcess.Start(arguments, environment, captureOutput: true);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return new CliResult(process.ExitCode, await output, await errors);
    }
}
