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

    public static async Task CompleteAsync(DbConnection connection, DbTransaction transaction, Guid id, Guid assetId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE uploads SET completed_at = @now, asset_id = @assetId WHERE id = @id",
            new { id, assetId, now }, transaction, cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<UploadRow>> ExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<UploadRow>(new CommandDefinition(
            $"SELECT {Columns} FROM uploads WHERE completed_at IS NULL AND expires_at < @now",
            new { now }, cancellationToken: cancellationToken))];
    }
}
