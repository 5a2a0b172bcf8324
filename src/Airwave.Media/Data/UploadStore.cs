using System.Data.Common;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Media.Data;

internal sealed record UploadRow
{
    public required Guid Id { get; init; }
    public required Guid OwnerId { get; init; }
    public required string SubjectKind { get; init; }
    public required Guid SubjectId { get; init; }
    public required long Length { get; init; }
    public required long UploadOffset { get; init; }
    public required string Metadata { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public Guid? AssetId { get; init; }

    /// <summary>The storage's multipart upload id when the client uploads straight to S3; null for tus.</summary>
    public string? DirectUploadId { get; init; }
}

/// <summary>One PATCH's bytes, stored as an object in the blob store (ADR 0020); <see cref="Length"/> is null until acknowledged.</summary>
internal sealed record UploadChunkRow
{
    public required string ChunkKey { get; init; }
    public required Guid UploadId { get; init; }
    public required long StartOffset { get; init; }
    public long? Length { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

internal sealed class UploadStore(Database database)
{
    private const string Columns =
        "id, owner_id, subject_kind, subject_id, length, upload_offset, metadata, created_at, expires_at, completed_at, asset_id, direct_upload_id";

    public async Task InsertAsync(UploadRow upload, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO uploads ({Columns})
            VALUES (@Id, @OwnerId, @SubjectKind, @SubjectId, @Length, @UploadOffset, @Metadata, @CreatedAt, @ExpiresAt, @CompletedAt, @AssetId,
                @DirectUploadId)
            """, upload, cancellationToken: cancellationToken));
    }

    public async Task<UploadRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<UploadRow>(new CommandDefinition(
            $"SELECT {Columns} FROM uploads WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Moves the acknowledged offset forward, only from the offset the writer started at.</summary>
    public async Task<bool> AdvanceAsync(Guid id, long from, long to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE uploads SET upload_offset = @to WHERE id = @id AND upload_offset = @from AND completed_at IS NULL",
            new { id, from, to }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Marks the upload complete unless something else (another instance finishing the same upload) already did;
    /// false then, and the caller records nothing more.
    /// </summary>
    public static async Task<bool> CompleteAsync(DbConnection connection, DbTransaction transaction, Guid id, Guid assetId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE uploads SET completed_at = @now, asset_id = @assetId WHERE id = @id AND completed_at IS NULL",
            new { id, assetId, now }, transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>Records a chunk object about to be written (not acknowledged: no length yet), so it can always be found to delete.</summary>
    public async Task InsertChunkAsync(string key, Guid uploadId, long startOffset, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO upload_chunks (chunk_key, upload_id, start_offset, length, created_at) VALUES (@key, @uploadId, @startOffset, NULL, @now)",
            new { key, uploadId, startOffset, now }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Acknowledges a stored chunk: in one transaction the offset moves from <paramref name="from"/> to
    /// <paramref name="to"/> (only from there: a concurrent writer that moved it first wins) and the chunk gets its
    /// length. False when the offset had moved or the upload is gone or complete: the chunk is then not part of it.
    /// </summary>
    public async Task<bool> AcknowledgeChunkAsync(string key, Guid uploadId, long from, long to, CancellationToken cancellationToken) =>
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            var advanced = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE uploads SET upload_offset = @to WHERE id = @uploadId AND upload_offset = @from AND completed_at IS NULL",
                new { uploadId, from, to }, transaction, cancellationToken: cancellationToken));
            if (advanced != 1)
            {
                return false;
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE upload_chunks SET length = @length WHERE chunk_key = @key",
                new { key, length = to - from }, transaction, cancellationToken: cancellationToken));
            return true;
        }, cancellationToken);

    /// <summary>Records a chunk that is acknowledged already (a partial file an earlier version kept on disk).</summary>
    public async Task InsertAcknowledgedChunkAsync(string key, Guid uploadId, long length, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO upload_chunks (chunk_key, upload_id, start_offset, length, created_at) VALUES (@key, @uploadId, 0, @length, @now)",
            new { key, uploadId, length, now }, cancellationToken: cancellationToken));
    }

    /// <summary>The upload's chunks, acknowledged or not, in offset order.</summary>
    public async Task<IReadOnlyList<UploadChunkRow>> ChunksAsync(Guid uploadId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<UploadChunkRow>(new CommandDefinition(
            "SELECT chunk_key, upload_id, start_offset, length, created_at FROM upload_chunks WHERE upload_id = @uploadId ORDER BY start_offset, created_at",
            new { uploadId }, cancellationToken: cancellationToken))];
    }

    public async Task DeleteChunkAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM upload_chunks WHERE chunk_key = @key", new { key }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Chunks nobody will join: their upload is gone (terminated, expired, its owner deleted) or complete, and they are
    /// older than <paramref name="before"/> (so a completion still deleting its own chunks is left to finish).
    /// </summary>
    public async Task<IReadOnlyList<UploadChunkRow>> LeftoverChunksAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<UploadChunkRow>(new CommandDefinition(
            """
            SELECT c.chunk_key, c.upload_id, c.start_offset, c.length, c.created_at FROM upload_chunks c
            WHERE c.created_at < @before
              AND NOT EXISTS (SELECT 1 FROM uploads u WHERE u.id = c.upload_id AND u.completed_at IS NULL)
            """, new { before }, cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// Uploads that have every byte but were never marked complete (the instance stopped between acknowledging the
    /// last chunk and completing), whose last chunk is older than <paramref name="before"/>.
    /// </summary>
    public async Task<IReadOnlyList<UploadRow>> StalledAsync(DateTimeOffset now, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<UploadRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM uploads u
            WHERE u.completed_at IS NULL AND u.direct_upload_id IS NULL AND u.upload_offset = u.length AND u.expires_at >= @now
              AND u.created_at < @before
              AND NOT EXISTS (SELECT 1 FROM upload_chunks c WHERE c.upload_id = u.id AND c.created_at >= @before)
            """, new { now, before }, cancellationToken: cancellationToken))];
    }

    public async Task<IReadOnlyList<UploadRow>> ExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<UploadRow>(new CommandDefinition(
            $"SELECT {Columns} FROM uploads WHERE completed_at IS NULL AND expires_at < @now",
            new { now }, cancellationToken: cancellationToken))];
    }
}
