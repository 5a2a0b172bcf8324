using System.Data.Common;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Media.Data;

internal sealed record AssetRow
{
    public required Guid Id { get; init; }
    public required string SubjectKind { get; init; }
    public required Guid SubjectId { get; init; }
    public required string Profile { get; init; }
    public string? SourceKey { get; init; }
    public required long SourceSize { get; init; }
    public required string Status { get; init; }
    public string? Error { get; init; }
    public long? DurationMs { get; init; }
    public string? Probe { get; init; }
    public string? Loudness { get; init; }
    public string? Renditions { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Just an asset's renditions (Dapper applies the id type handler to properties, not to tuple items).</summary>
internal sealed record RenditionsRow
{
    public required Guid Id { get; init; }
    public string? Renditions { get; init; }
}

internal sealed class AssetStore(Database database)
{
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";

    private const string Columns =
        "id, subject_kind, subject_id, profile, source_key, source_size, status, error, duration_ms, probe, loudness, renditions, created_at, updated_at";

    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, AssetRow asset, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO media_assets ({Columns})
            VALUES (@Id, @SubjectKind, @SubjectId, @Profile, @SourceKey, @SourceSize, @Status, @Error, @DurationMs, @Probe, @Loudness,
                @Renditions, @CreatedAt, @UpdatedAt)
            """, asset, transaction, cancellationToken: cancellationToken));

    public async Task<AssetRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AssetRow>(new CommandDefinition(
            $"SELECT {Columns} FROM media_assets WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The rendition lists of several assets in one query (null for assets not processed yet).</summary>
    public async Task<IReadOnlyDictionary<Guid, string?>> RenditionsAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return new Dictionary<Guid, string?>();
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RenditionsRow>(new CommandDefinition(
            $"SELECT id, renditions FROM media_assets WHERE {database.Dialect.AnyOf("id", "ids")}",
            new { ids = database.Dialect.IdList(ids) }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Id, r => r.Renditions);
    }

    public static async Task UpdateResultAsync(DbConnection connection, DbTransaction? transaction, AssetRow asset, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE media_assets SET status = @Status, error = @Error, duration_ms = @DurationMs, probe = @Probe, loudness = @Loudness,
                renditions = @Renditions, updated_at = @UpdatedAt
            WHERE id = @Id
            """, asset, transaction, cancellationToken: cancellationToken));
}
