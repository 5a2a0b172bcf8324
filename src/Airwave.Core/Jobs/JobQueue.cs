using System.Data.Common;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Core.Jobs;

/// <summary>A claimed job, as a worker sees it.</summary>
public sealed record JobLease
{
    public required Guid Id { get; init; }
    public required string Kind { get; init; }
    public required string SubjectKey { get; init; }
    public required string Payload { get; init; }
    public required int Attempts { get; init; }
    public required int MaxAttempts { get; init; }
}

/// <summary>Where a job stands, for status pages.</summary>
public sealed record JobStatus
{
    public required Guid Id { get; init; }
    public required string Kind { get; init; }
    public required string Status { get; init; }
    public string? Step { get; init; }
    public int? Progress { get; init; }
    public required int Attempts { get; init; }
    public string? LastError { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>
/// Durable jobs in the database: queued → running (claimed with a lease that the worker renews) → succeeded, or
/// back to queued with a delay after a failure, or failed for good after <c>max_attempts</c>. A worker that dies
/// stops renewing its lease; once the lease expires another worker claims the job again. One job per
/// (kind, subject): enqueueing the same subject twice is a no-op, which makes event handlers idempotent.
/// </summary>
public sealed class JobQueue(Database database, TimeProvider clock)
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";

    /// <summary>Adds a job in the caller's transaction; false when one for this subject already exists.</summary>
    public async Task<bool> EnqueueAsync(DbConnection connection, DbTransaction? transaction, string kind, string subjectKey, string payload,
        int maxAttempts, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO jobs (id, kind, subject_key, payload, status, attempts, max_attempts, run_after, created_at, updated_at)
            VALUES (@id, @kind, @subjectKey, @payload, 'queued', 0, @maxAttempts, @now, @now, @now)
            ON CONFLICT (kind, subject_key) DO NOTHING
            """, new { id = Guid.CreateVersion7(now), kind, subjectKey, payload, maxAttempts, now }, transaction,
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Puts a finished (or failed) job back in the queue with fresh attempts, e.g. to reprocess media.</summary>
    public async Task<bool> RequeueAsync(DbConnection connection, DbTransaction? transaction, string kind, string subjectKey, string payload,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET status = 'queued', payload = @payload, attempts = 0, run_after = @now, last_error = NULL,
                step = NULL, progress = NULL, lease_owner = NULL, lease_expires_at = NULL, finished_at = NULL, updated_at = @now
            WHERE kind = @kind AND subject_key = @subjectKey AND status <> 'running'
            """, new { kind, subjectKey, payload, now }, transaction, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Claims the oldest due job of one of <paramref name="kinds"/>, or one whose worker's lease ran out.</summary>
    public async Task<JobLease?> ClaimAsync(IReadOnlyCollection<string> kinds, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<JobLease>(new CommandDefinition(
            $"""
            UPDATE jobs SET status = 'running', lease_owner = @owner, lease_expires_at = @until, attempts = attempts + 1, updated_at = @now
            WHERE id = (
                SELECT id FROM jobs
                WHERE {database.Dialect.AnyOf("kind", "kinds")}
                  AND ((status = 'queued' AND run_after <= @now) OR (status = 'running' AND lease_expires_at < @now))
                ORDER BY run_after, created_at
                LIMIT 1 {database.Dialect.SkipLockedClause})
            RETURNING id, kind, subject_key, payload, attempts, max_attempts
            """, new { kinds = kinds.ToArray(), owner, until = now + lease, now }, cancellationToken: cancellationToken));
    }

    /// <summary>Renews the lease and records progress; false when the lease was lost (another worker has the job).</summary>
    public async Task<bool> HeartbeatAsync(Guid id, string owner, TimeSpan lease, string? step, int? progress, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET lease_expires_at = @until, step = @step, progress = @progress, updated_at = @now
            WHERE id = @id AND lease_owner = @owner AND status = 'running'
            """, new { id, owner, until = now + lease, step, progress, now }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task CompleteAsync(Guid id, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await CompleteAsync(connection, null, id, owner, cancellationToken);
    }

    /// <summary>
    /// Marks the job done inside the caller's transaction, so its result, its events and its completion commit
    /// together: nobody sees the result while the job still looks unfinished.
    /// </summary>
    public async Task CompleteAsync(DbConnection connection, DbTransaction? transaction, Guid id, string owner, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE jobs SET status = 'succeeded', progress = 100, lease_owner = NULL, lease_expires_at = NULL, finished_at = @now, updated_at = @now
            WHERE id = @id AND lease_owner = @owner
            """, new { id, owner, now }, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Records a failure: back to the queue after <paramref name="retryAfter"/>, or failed for good when null.</summary>
    public async Task FailAsync(Guid id, string owner, string error, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            retryAfter is null
                ? """
                  UPDATE jobs SET status = 'failed', last_error = @error, lease_owner = NULL, lease_expires_at = NULL, finished_at = @now, updated_at = @now
                  WHERE id = @id AND lease_owner = @owner
                  """
                : """
                  UPDATE jobs SET status = 'queued', last_error = @error, run_after = @runAfter, lease_owner = NULL, lease_expires_at = NULL, updated_at = @now
                  WHERE id = @id AND lease_owner = @owner
                  """,
            new { id, owner, error, runAfter = now + (retryAfter ?? TimeSpan.Zero), now }, cancellationToken: cancellationToken));
    }

    public async Task<JobStatus?> FindAsync(string kind, string subjectKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<JobStatus>(new CommandDefinition(
            "SELECT id, kind, status, step, progress, attempts, last_error, updated_at FROM jobs WHERE kind = @kind AND subject_key = @subjectKey",
            new { kind, subjectKey }, cancellationToken: cancellationToken));
    }
}
