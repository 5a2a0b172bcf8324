using System.Globalization;
using System.Text;
using Airwave.Core.Data;
using Airwave.Delivery.Log;
using Dapper;

namespace Airwave.Delivery.Data;

/// <summary>The <c>delivery_log</c> table: appended in batches, read by analytics, emptied after the retention.</summary>
internal sealed class DeliveryLogStore(Database database)
{
    private static readonly string[] Columns =
    [
        "id", "request_id", "occurred_at", "kind", "method", "path", "status", "episode_id", "blob_key", "rendition", "redirect_target",
        "client_ip", "user_agent", "referer", "range_header", "first_byte", "bytes_served", "content_length", "completed",
        "playback_session_id", "duration_ms",
    ];

    // Rows per INSERT statement: 21 parameters each stays far below SQLite's and PostgreSQL's parameter limits.
    private const int RowsPerStatement = 100;
    private const int DeleteBatch = 5000;

    /// <summary>Inserts the rows in one transaction, a hundred per statement (one round trip each).</summary>
    public Task InsertAsync(IReadOnlyList<DeliveryLogEntry> entries, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, transaction) =>
        {
            for (var start = 0; start < entries.Count; start += RowsPerStatement)
            {
                var count = Math.Min(RowsPerStatement, entries.Count - start);
                var sql = new StringBuilder("INSERT INTO delivery_log (").AppendJoin(", ", Columns).Append(") VALUES ");
                var parameters = new DynamicParameters();
                for (var row = 0; row < count; row++)
                {
                    var values = Values(entries[start + row]);
                    sql.Append(row == 0 ? "(" : ", (");
                    for (var column = 0; column < Columns.Length; column++)
                    {
                        var name = string.Create(CultureInfo.InvariantCulture, $"{Columns[column]}_{row}");
                        sql.Append(column == 0 ? "@" : ", @").Append(name);
                        parameters.Add(name, values[column]);
                    }

                    sql.Append(')');
                }

                await connection.ExecuteAsync(new CommandDefinition(sql.ToString(), parameters, transaction, cancellationToken: cancellationToken));
            }

            return entries.Count;
        }, cancellationToken);

    private static object?[] Values(DeliveryLogEntry e) =>
    [
        e.Id, e.RequestId, e.OccurredAt, e.Kind, e.Method, e.Path, e.Status, e.EpisodeId, e.BlobKey, e.Rendition, e.RedirectTarget,
        e.ClientIp, e.UserAgent, e.Referer, e.RangeHeader, e.FirstByte, e.BytesServed, e.ContentLength, e.Completed,
        e.PlaybackSessionId, e.DurationMs,
    ];

    /// <summary>
    /// Deletes rows of requests before <paramref name="cutoff"/>, a few thousand per statement so a large backlog
    /// never holds the (SQLite) write lock for long. Returns how many went.
    /// </summary>
    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            var deleted = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM delivery_log WHERE id IN (SELECT id FROM delivery_log WHERE occurred_at < @Cutoff LIMIT @Limit)",
                new { Cutoff = cutoff, Limit = DeleteBatch }, cancellationToken: cancellationToken));
            total += deleted;
            if (deleted < DeleteBatch)
            {
                return total;
            }
        }
    }
}
