using System.Globalization;
using System.Text.Json.Nodes;
using Airwave.Analytics.Import;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Analytics;

/// <summary>
/// Media served through the edge (Analytics:CountOriginRequests false): the origin's rows are cache fills and never
/// count; the edge's imported log does.
/// </summary>
public abstract class EdgeCountingTests(AnalyticsServer server) : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"airwave-edge-{Guid.NewGuid():N}.log");

    public void Dispose()
    {
        File.Delete(_file);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Only_the_edges_log_counts()
    {
        var episode = await server.EpisodeAsync();
        var day = AnalyticsKit.Today.AddDays(-2);
        var requestId = Guid.NewGuid().ToString("N");
        // The cache fill: the whole file, once, carrying the listener's address and the edge's request id.
        await server.InsertAsync(AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(day, 9), "203.0.113.30", size: episode.Mp3Size,
            requestId: requestId));
        // The listener's own request at the edge only probed two bytes; another listener fetched it all from the cache.
        await File.WriteAllLinesAsync(_file,
        [
            Line(requestId, AnalyticsKit.At(day, 9), episode.Mp3Path, "203.0.113.30", 206, 2, "bytes 0-1/" + episode.Mp3Size, "bytes=0-1"),
            Line(requestId + "-b", AnalyticsKit.At(day, 10), episode.Mp3Path, "203.0.113.31", 200, episode.Mp3Size, "", ""),
        ]);

        var report = await server.Services.GetRequiredService<RequestImporter>().ImportAsync(_file, "nginx", null, null, CancellationToken.None);
        await server.CountAsync();

        report.Imported.ShouldBe(2);
        var summary = await episode.Owner.Http.SummaryAsync("episodes", episode.EpisodeId, day, day);
        summary.Downloads().ShouldBe(1);
    }

    private static string Line(string id, DateTimeOffset at, string path, string ip, int status, long bytes, string contentRange, string range) =>
        new JsonObject
        {
            ["msec"] = (at.ToUnixTimeMilliseconds() / 1000m).ToString("0.000", CultureInfo.InvariantCulture),
            ["request_time"] = "0.000",
            ["request_id"] = id,
            ["method"] = "GET",
            ["path"] = path,
            ["status"] = status.ToString(CultureInfo.InvariantCulture),
            ["client_ip"] = ip,
            ["user_agent"] = AnalyticsKit.AntennaPod,
            ["range"] = range,
            ["content_range"] = contentRange,
            ["bytes_served"] = bytes.ToString(CultureInfo.InvariantCulture),
        }.ToJsonString();
}

public sealed class SqliteEdgeCountingTests(SqliteEdgeAnalyticsServer server) : EdgeCountingTests(server), IClassFixture<SqliteEdgeAnalyticsServer>;

public sealed class PostgresEdgeCountingTests(PostgresEdgeAnalyticsServer server) : EdgeCountingTests(server), IClassFixture<PostgresEdgeAnalyticsServer>;
