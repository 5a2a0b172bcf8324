using System.Data.Common;
using Airwave.Core.Data;
using Airwave.Notifications.Contracts;
using Dapper;

namespace Airwave.Notifications.Data;

internal sealed record ReceiptRow
{
    public required Guid Id { get; init; }
    public required Guid EpisodeId { get; init; }
    public required Guid PodcastId { get; init; }
    public required Guid EventId { get; init; }
    public required string Kind { get; init; }
    public required string TargetUrl { get; init; }
    public string? FeedUrl { get; init; }
    public required string State { get; init; }
    public required int Attempts { get; init; }
    public int? LastStatus { get; init; }
    public string? LastError { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    public PublishReceipt ToContract() =>
        new(Id, Kind, TargetUrl, FeedUrl, State, Attempts, LastStatus, LastError, CreatedAt, LastAttemptAt, CompletedAt);
}

/// <summary>
/// The <c>publish_receipts</c> table. Every change to a receipt's state is conditional on the state it expects, so
/// a late or repeated write (a job rerun after a crash, a retry racing a send) cannot undo a newer one.
/// </summary>
internal sealed class ReceiptStore(Database database)
{
    private const string Columns =
        "id, episode_id, podcast_id, event_id, kind, target_url, feed_url, state, attempts, last_status, last_error, created_at, last_attempt_at, completed_at";

    /// <summary>Inserts the receipt in the caller's transaction; false when the event already has one for this target.</summary>
    public static async Task<bool> TryInsertAsync(DbConnection connection, DbTransaction transaction, ReceiptRow receipt, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO publish_receipts ({Columns})
            VALUES (@Id, @EpisodeId, @PodcastId, @EventId, @Kind, @TargetUrl, @FeedUrl, @State, @Attempts, @LastStatus, @LastError, @CreatedAt,
                @LastAttemptAt, @CompletedAt)
            ON CONFLICT (event_id, kind, target_url) DO NOTHING
            """, receipt, transaction, cancellationToken: cancellationToken)) == 1;

    public async Task<ReceiptRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ReceiptRow>(new CommandDefinition(
            $"SELECT {Columns} FROM publish_receipts WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Newest announcement first; within one, hubs before pings, then by target.</summary>
    public async Task<IReadOnlyList<ReceiptRow>> ListAsync(Guid episodeId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<ReceiptRow>(new CommandDefinition(
            $"SELECT {Columns} FROM publish_receipts WHERE episode_id = @episodeId ORDER BY created_at DESC, event_id DESC, kind DESC, target_url",
            new { episodeId }, cancellationToken: cancellationToken))];
    }

    /// <summary>Records an attempt that did not succeed; the receipt stays pending (its job decides whether it is retried).</summary>
    public Task RecordFailedAttemptAsync(Guid id, int attempts, int? status, string error, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            UPDATE publish_receipts SET attempts = @attempts, last_status = @status, last_error = @error, last_attempt_at = @now
            WHERE id = @id AND state = 'pending'
            """, new { id, attempts, status, error, now }, cancellationToken);

    public Task SucceedAsync(Guid id, int attempts, int status, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            UPDATE publish_receipts SET state = 'succeeded', attempts = @attempts, last_status = @status, last_error = NULL,
                last_attempt_at = @now, completed_at = @now
            WHERE id = @id AND state = 'pending'
            """, new { id, attempts, status, now }, cancellationToken);

    /// <summary>Fails the receipt for good; the last attempt's status stays, <paramref name="reason"/> becomes its error.</summary>
    public Task FailAsync(Guid id, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE publish_receipts SET state = 'failed', last_error = @reason, completed_at = @now WHERE id = @id AND state = 'pending'",
            new { id, reason, now }, cancellationToken);

    /// <summary>
    /// Puts an episode's failed and skipped receipts back to pending with a fresh series of attempts, in the caller's
    /// transaction; returns them.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> ResetForRetryAsync(DbConnection connection, DbTransaction transaction, Guid episodeId, string feedUrl,
        CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<Guid>(new CommandDefinition(
            """
            UPDATE publish_receipts SET state = 'pending', feed_url = @feedUrl, attempts = 0, last_status = NULL, last_error = NULL,
                last_attempt_at = NULL, completed_at = NULL
            WHERE episode_id = @episodeId AND state IN ('failed', 'skipped')
            RETURNING id
            """, new { episodeId, feedUrl }, transaction, cancellationToken: cancellationToken))];

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }
}
