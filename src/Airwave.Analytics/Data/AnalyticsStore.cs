using System.Data.Common;
using System.Globalization;
using System.Text;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Analytics.Data;

/// <summary>A stored request as the counting reads it, from the delivery log or the imported requests.</summary>
internal sealed class StoredRequest
{
    public string RequestId { get; init; } = "";
    public DateTimeOffset OccurredAt { get; init; }
    public string Method { get; init; } = "";
    public int Status { get; init; }
    public string Path { get; init; } = "";
    public string? ClientIp { get; init; }
    public string? UserAgent { get; init; }
    public string? Referer { get; init; }
    public string? RangeHeader { get; init; }
    public long? FirstByte { get; init; }
    public long BytesServed { get; init; }
}

/// <summary>A request read from a file, to be stored in <c>analytics_imported_requests</c>.</summary>
internal sealed record ImportedRequest(string RequestId, string Source, DateTimeOffset OccurredAt, string Method, string Path, int Status,
    string ClientIp, string? UserAgent, string? Referer, string? RangeHeader, long FirstByte, long BytesServed);

/// <summary>One counted download as stored.</summary>
internal sealed record DownloadRow(string Day, Guid EpisodeId, Guid PodcastId, string Listener, string App, string Device, string Os,
    string Country, string Region, string City);

/// <summary>
/// The analytics tables: imported requests, counted downloads and drops per day, and which days they were computed
/// from. Days are <c>yyyy-MM-dd</c> text in both dialects.
/// </summary>
internal sealed class AnalyticsStore(Database database)
{
    private const int RowsPerStatement = 100;

    /// <summary>Only media files count: not cover renders, not waveforms (JSON), not feeds.</summary>
    public const string MediaPathCondition = "path LIKE '/media/%' AND path NOT LIKE '/media/covers/%' AND path NOT LIKE '%.json'";

    public static string DayText(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly ParseDay(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Whether a stored path is one the counting reads (the same rule as <see cref="MediaPathCondition"/>).</summary>
    public static bool IsMediaPath(string path) =>
        path.StartsWith("/media/", StringComparison.Ordinal) && !path.StartsWith("/media/covers/", StringComparison.Ordinal)
        && !path.EndsWith(".json", StringComparison.Ordinal);

    private string DayOf(string column) => database.Dialect == SqlDialect.Sqlite
        ? $"substr({column}, 1, 10)"
        : $"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')";

    private static string Sources(bool originRequests, string columns) =>
        (originRequests
            ? $"SELECT {columns} FROM delivery_log WHERE kind = 'origin' AND {MediaPathCondition} AND occurred_at >= @From AND occurred_at < @To UNION ALL "
            : "")
        + $"SELECT {columns} FROM analytics_imported_requests WHERE occurred_at >= @From AND occurred_at < @To";

    /// <summary>Stored requests per UTC day in [from, to).</summary>
    public async Task<Dictionary<DateOnly, long>> CountRequestsPerDayAsync(bool originRequests, DateOnly from, DateOnly to,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var sql = $"SELECT day, count(*) AS requests FROM ({Sources(originRequests, DayOf("occurred_at") + " AS day")}) r GROUP BY day";
        var rows = await connection.QueryAsync<(string Day, long Requests)>(new CommandDefinition(sql, Range(from, to),
            cancellationToken: cancellationToken));
        return rows.ToDictionary(r => ParseDay(r.Day), r => r.Requests);
    }

    /// <summary>The request counts the stored figures were computed from.</summary>
    public async Task<Dictionary<DateOnly, long>> ComputedDaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Day, long Requests)>(new CommandDefinition(
            "SELECT day, requests FROM analytics_days WHERE day >= @From AND day < @To",
            new { From = DayText(from), To = DayText(to) }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => ParseDay(r.Day), r => r.Requests);
    }

    /// <summary>
    /// The stored requests of [from, to) in time order (ties by request id, so every run sees the same order),
    /// streamed: a day of a busy show does not have to fit in memory.
    /// </summary>
    public async IAsyncEnumerable<StoredRequest> ReadRequestsAsync(bool originRequests, DateOnly from, DateOnly to,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var columns = "request_id, occurred_at, method, status, path, client_ip, user_agent, referer, range_header, first_byte, bytes_served";
        var sql = $"SELECT * FROM ({Sources(originRequests, columns)}) r ORDER BY occurred_at, request_id";
        await foreach (var row in connection.QueryUnbufferedAsync<StoredRequest>(sql, Range(from, to)).WithCancellation(cancellationToken))
        {
            yield return row;
        }
    }

    /// <summary>
    /// Replaces one day's downloads and drops. The day's row in <c>analytics_days</c> is written first, so two
    /// processes recomputing the same day take turns (PostgreSQL row lock; SQLite has one writer anyway).
    /// </summary>
    public Task ReplaceDayAsync(DateOnly day, IReadOnlyList<DownloadRow> downloads, IReadOnlyDictionary<string, long> drops,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            var text = DayText(day);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO analytics_days (day, requests, computed_at) VALUES (@Day, -1, @Now)
                ON CONFLICT (day) DO UPDATE SET computed_at = excluded.computed_at
                """, new { Day = text, Now = now }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM analytics_downloads WHERE day = @Day", new { Day = text }, transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM analytics_drops WHERE day = @Day", new { Day = text }, transaction,
                cancellationToken: cancellationToken));
            string[] columns = ["day", "episode_id", "podcast_id", "listener", "app", "device", "os", "country", "region", "city"];
            await InsertRowsAsync(connection, transaction, "analytics_downloads", columns, downloads,
                d => [d.Day, d.EpisodeId, d.PodcastId, d.Listener, d.App, d.Device, d.Os, d.Country, d.Region, d.City], "", cancellationToken);
            await InsertRowsAsync(connection, transaction, "analytics_drops", ["day", "reason", "requests"], [.. drops.Where(d => d.Value > 0)],
                d => [text, d.Key, d.Value], "", cancellationToken);
            return 0;
        }, cancellationToken);

    /// <summary>Records the request counts the figures of these days now reflect (after they and their neighbours were recomputed).</summary>
    public Task MarkComputedAsync(IReadOnlyDictionary<DateOnly, long> requests, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var (day, count) in requests)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO analytics_days (day, requests, computed_at) VALUES (@Day, @Requests, @Now)
                    ON CONFLICT (day) DO UPDATE SET requests = excluded.requests
                    """, new { Day = DayText(day), Requests = count, Now = now }, transaction, cancellationToken: cancellationToken));
            }

            return 0;
        }, cancellationToken);

    /// <summary>Stores imported requests; those whose request id is stored already are left alone. Returns how many were new.</summary>
    public Task<int> InsertImportedAsync(IReadOnlyList<ImportedRequest> requests, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.InTransactionAsync((connection, transaction) =>
            InsertRowsAsync(connection, transaction, "analytics_imported_requests",
                ["request_id", "source", "occurred_at", "method", "path", "status", "client_ip", "user_agent", "referer", "range_header", "first_byte",
                    "bytes_served", "imported_at"],
                requests,
                r => [r.RequestId, r.Source, r.OccurredAt, r.Method, r.Path, r.Status, r.ClientIp, r.UserAgent, r.Referer, r.RangeHeader, r.FirstByte,
                    r.BytesServed, now],
                " ON CONFLICT (request_id) DO NOTHING", cancellationToken), cancellationToken);

    /// <summary>Deletes imported requests from before <paramref name="cutoff"/> (their raw addresses go with them).</summary>
    public async Task<int> DeleteImportedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM analytics_imported_requests WHERE occurred_at < @Cutoff",
            new { Cutoff = cutoff }, cancellationToken: cancellationToken));
    }

    /// <summary>The stored listener secret, made (randomly) the first time it is asked for.</summary>
    public async Task<byte[]> ListenerSecretAsync(Func<byte[]> create, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO analytics_secrets (name, secret, created_at) VALUES ('listener', @Secret, @Now) ON CONFLICT (name) DO NOTHING",
            new { Secret = Convert.ToBase64String(create()), Now = now }, cancellationToken: cancellationToken));
        var secret = await connection.QuerySingleAsync<string>(new CommandDefinition(
            "SELECT secret FROM analytics_secrets WHERE name = 'listener'", cancellationToken: cancellationToken));
        return Convert.FromBase64String(secret);
    }

    private static object Range(DateOnly from, DateOnly to) => new
    {
        From = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
        To = new DateTimeOffset(to.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
    };

    /// <summary>Multi-row INSERTs of a hundred rows each (one round trip per hundred).</summary>
    private static async Task<int> InsertRowsAsync<T>(DbConnection connection, DbTransaction transaction, string table, string[] columns,
        IReadOnlyList<T> rows, Func<T, object?[]> values, string suffix, CancellationToken cancellationToken)
    {
        var inserted = 0;
        for (var start = 0; start < rows.Count; start += RowsPerStatement)
        {
            var count = Math.Min(RowsPerStatement, rows.Count - start);
            var sql = new StringBuilder("INSERT INTO ").Append(table).Append(" (").AppendJoin(", ", columns).Append(") VALUES ");
            var parameters = new DynamicParameters();
            for (var row = 0; row < count; row++)
            {
                var rowValues = values(rows[start + row]);
                sql.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < columns.Length; column++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"p{column}_{row}");
                    sql.Append(column == 0 ? "@" : ", @").Append(name);
                    parameters.Add(name, rowValues[column]);
                }

                sql.Append(')');
            }

            sql.Append(suffix);
            inserted += await connection.ExecuteAsync(new CommandDefinition(sql.ToString(), parameters, transaction, cancellationToken: cancellationToken));
        }

        return inserted;
    }
}
