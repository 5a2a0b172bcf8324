using System.Globalization;
using System.Text.Json.Nodes;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Analytics;

/// <summary>
/// `airwave analytics import --format nginx|cloudfront|jsonl FILE...` as an operator runs it, the built executable on
/// the test server's database: media requests stored and counted, a second import changes nothing, malformed lines
/// are reported and skipped, feeds and requests too old to count are left out.
/// </summary>
public abstract class RequestImportTests(AnalyticsServer server) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("airwave-analytics-import-").FullName;

    public void Dispose()
    {
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Nginx_edge_log_imported_twice_counts_once()
    {
        var episode = await server.EpisodeAsync();
        var day = AnalyticsKit.Today.AddDays(-2);
        var prefix = Guid.NewGuid().ToString("N");
        var lines = new[]
        {
            Nginx(prefix + "-1", AnalyticsKit.At(day, 9), "GET", episode.Mp3Path + "?expires=1&signature=x", 200, "203.0.113.90", AnalyticsKit.AntennaPod,
                episode.Mp3Size, null),
            Nginx(prefix + "-2", AnalyticsKit.At(day, 9, 5), "GET", episode.Mp3Path, 206, "2001:db8:5::7", "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",
                episode.Mp3Size - 10, $"bytes 10-{episode.Mp3Size - 1}/{episode.Mp3Size}"),
            Nginx(prefix + "-3", AnalyticsKit.At(day, 9, 6), "GET", episode.Mp3Path, 206, "2001:db8:5::7", "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)",
                10, $"bytes 0-9/{episode.Mp3Size}"),
            Nginx(prefix + "-4", AnalyticsKit.At(day, 10), "GET", "/rss/some-show", 200, "203.0.113.91", AnalyticsKit.AntennaPod, 5000, null),
            Nginx(prefix + "-5", AnalyticsKit.At(AnalyticsKit.Today.AddDays(-30), 10), "GET", episode.Mp3Path, 200, "203.0.113.92", AnalyticsKit.AntennaPod,
                episode.Mp3Size, null),
            "this is not json",
            "{\"request_id\": \"" + prefix + "-6\"}",
            "",
        };
        var file = Path.Combine(_directory, "access.json.log");
        await File.WriteAllLinesAsync(file, lines);

        var first = await RunAsync("nginx", file);

        first.ExitCode.ShouldBe(0, first.Errors);
        first.Output.ShouldContain("8 lines, 3 requests imported, 0 already imported, 1 not media, 1 too old to count, 2 malformed");
        first.Errors.ShouldContain("access.json.log:6: skipped malformed request: not a JSON object");
        first.Errors.ShouldContain("access.json.log:7: skipped malformed request: msec is not a number of seconds");
        first.Output.ShouldContain("Counting: recomputed");
        var summary = await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, day, day);
        summary.Downloads().ShouldBe(2);
        summary["downloads"]!["countries"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ShouldBe(["DE", "NZ"], ignoreOrder: true);

        var again = await RunAsync("nginx", file);

        again.ExitCode.ShouldBe(0, again.Errors);
        again.Output.ShouldContain("8 lines, 0 requests imported, 3 already imported");
        again.Output.ShouldContain("Counting: no day changed.");
        (await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, day, day)).ToJsonString().ShouldBe(summary.ToJsonString());
    }

    [Fact]
    public async Task CloudFront_and_jsonl_logs_are_imported_and_counted()
    {
        var episode = await server.EpisodeAsync();
        var day = AnalyticsKit.Today.AddDays(-3);
        var prefix = Guid.NewGuid().ToString("N");
        var cloudFront = Path.Combine(_directory, "E123.2026-03-09-10.abcd");
        await File.WriteAllTextAsync(cloudFront,
            "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) "
            + "cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for "
            + "ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte "
            + "x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end\n"
            + CloudFront(prefix + "-cf1", AnalyticsKit.At(day, 8), "203.0.113.95", episode.Mp3Path, episode.Mp3Size) + "\n"
            + CloudFront(prefix + "-cf2", AnalyticsKit.At(day, 8, 30), "203.0.113.96", episode.Mp3Path, episode.Mp3Size) + "\n"
            + "2026-03-09\tbroken\n");
        var jsonl = Path.Combine(_directory, "requests.jsonl");
        await File.WriteAllTextAsync(jsonl,
            $$"""{"requestId": "{{prefix}}-j1", "time": "{{AnalyticsKit.At(day, 12):yyyy-MM-ddTHH:mm:ssZ}}", "method": "GET", "status": 200, "url": "https://cdn.example.com{{episode.Mp3Path}}?utm_source=x", "ip": "203.0.113.97", "userAgent": "AntennaPod/3.4", "referer": null, "range": null, "servedStart": 0, "bytesServed": {{episode.Mp3Size}}, "playbackSessionId": null}"""
            + "\n{\"requestId\": 5}\n");

        var fromCloudFront = await RunAsync("cloudfront", cloudFront);
        var fromJsonl = await RunAsync("jsonl", jsonl);

        fromCloudFront.ExitCode.ShouldBe(0, fromCloudFront.Errors);
        fromCloudFront.Output.ShouldContain("2 requests imported, 0 already imported, 0 not media, 0 too old to count, 1 malformed");
        fromJsonl.ExitCode.ShouldBe(0, fromJsonl.Errors);
        fromJsonl.Output.ShouldContain("1 requests imported, 0 already imported, 0 not media, 0 too old to count, 1 malformed");
        (await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, day, day)).Downloads().ShouldBe(3);
    }

    [Fact]
    public async Task A_missing_file_or_format_is_a_usage_error()
    {
        (await RunAsync("nginx", Path.Combine(_directory, "missing.log"))).ExitCode.ShouldBe(2);
        (await RunAsync("apache", Path.Combine(_directory, "missing.log"))).ExitCode.ShouldBe(2);
    }

    private static string Nginx(string id, DateTimeOffset at, string method, string path, int status, string ip, string userAgent, long bytes,
        string? contentRange) =>
        new JsonObject
        {
            ["time"] = at.AddSeconds(2).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            ["msec"] = (at.AddSeconds(2).ToUnixTimeMilliseconds() / 1000m).ToString("0.000", CultureInfo.InvariantCulture),
            ["request_id"] = id,
            ["method"] = method,
            ["path"] = path,
            ["status"] = status.ToString(CultureInfo.InvariantCulture),
            ["episode_id"] = "",
            ["blob_key"] = "",
            ["client_ip"] = ip,
            ["user_agent"] = userAgent,
            ["referer"] = "",
            ["range"] = contentRange is null ? "" : "bytes=" + contentRange[6..contentRange.IndexOf('/', StringComparison.Ordinal)],
            ["content_range"] = contentRange ?? "",
            ["bytes_served"] = bytes.ToString(CultureInfo.InvariantCulture),
            ["content_length"] = bytes.ToString(CultureInfo.InvariantCulture),
            ["completed"] = "OK",
            ["playback_session_id"] = "",
            ["cache"] = "HIT",
            ["request_time"] = "2.000",
        }.ToJsonString();

    private static string CloudFront(string id, DateTimeOffset at, string ip, string path, long size) =>
        string.Join('\t', at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), at.ToString("HH:mm:ss", CultureInfo.InvariantCulture), "FRA56-P1",
            (size + 400).ToString(CultureInfo.InvariantCulture), ip, "GET", "d111111abcdef8.cloudfront.net", path, "200", "-", "AntennaPod/3.4", "-", "-",
            "Miss", id, "media.example.com", "https", "200", "0.002", "-", "TLSv1.3", "TLS_AES_128_GCM_SHA256", "Miss", "HTTP/2.0", "-", "-", "443",
            "0.001", "Miss", "audio/mpeg", size.ToString(CultureInfo.InvariantCulture), "-", "-");

    private async Task<(int ExitCode, string Output, string Errors)> RunAsync(string format, string file)
    {
        using var process = ServerProcess.Start(["analytics", "import", "--format", format, file, "--data-dir", server.DataDirectory],
            new Dictionary<string, string>
            {
                ["AIRWAVE_Database__Provider"] = server.Database.Provider,
                ["AIRWAVE_Database__ConnectionString"] = server.Database.ConnectionString,
                ["AIRWAVE_Analytics__ListenerSecret"] = AnalyticsServer.ListenerSecret,
                ["AIRWAVE_Analytics__GeoDatabase"] = AnalyticsServer.GeoDatabase,
            }, captureOutput: true);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output, await errors);
    }
}

public sealed class SqliteRequestImportTests(SqliteAnalyticsServer server) : RequestImportTests(server), IClassFixture<SqliteAnalyticsServer>;

public sealed class PostgresRequestImportTests(PostgresAnalyticsServer server) : RequestImportTests(server), IClassFixture<PostgresAnalyticsServer>;
