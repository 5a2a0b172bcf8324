using System.Data.Common;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Catalog.Data;

internal sealed record EpisodeRow
{
    public required Guid Id { get; init; }
    public required Guid PodcastId { get; init; }
    public required string Guid { get; init; }
    public required string Title { get; init; }
    public required string Description { get; init; }
    public int? SeasonNumber { get; init; }
    public int? EpisodeNumber { get; init; }
    public required string EpisodeType { get; init; }
    public required bool Explicit { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public long? DurationMs { get; init; }
    public long? FileSizeBytes { get; init; }
    public required string ProcessedStatus { get; init; }
    public Guid? MediaAssetId { get; init; }

    /// <summary>The asset the episode delivers: its last successfully processed media (may lag <see cref="MediaAssetId"/>).</summary>
    public Guid? LiveAssetId { get; init; }
    public string? CoverImageKey { get; init; }
    public string? ProcessingError { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Lists sort by publication time, drafts by creation time.</summary>
    public Cursor Position => new(PublishedAt ?? CreatedAt, Id);
}

internal sealed class EpisodeStore(Database database)
{
    private const string Columns =
        "id, podcast_id, guid, title, description, season_number, episode_number, episode_type, explicit, published_at, " +
        "duration_ms, file_size_bytes, processed_status, processing_error, media_asset_id, live_asset_id, cover_image_key, created_at, updated_at";

    /// <summary>Inserts the episode; false when its guid is already used in this podcast.</summary>
    public async Task<bool> TryInsertAsync(EpisodeRow episode, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            await InsertAsync(connection, null, episode, cancellationToken);
            return true;
        }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
        {
            return false;
        }
    }

    /// <summary>Inserts in the caller's transaction (an import creates the show and its episodes together).</summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction? transaction, EpisodeRow episode, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO episodes ({Columns})
            VALUES (@Id, @PodcastId, @Guid, @Title, @Description, @SeasonNumber, @EpisodeNumber, @EpisodeType, @Explicit,
                @PublishedAt, @DurationMs, @FileSizeBytes, @ProcessedStatus, @ProcessingError, @MediaAssetId, @LiveAssetId, @CoverImageKey, @CreatedAt, @UpdatedAt)
            """, episode, transaction, cancellationToken: cancellationToken));

    public async Task<EpisodeRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<EpisodeRow>(new CommandDefinition(
            $"SELECT {Columns} FROM episodes WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Writes the creator-editable fields and the publication time.</summary>
    public async Task UpdateAsync(EpisodeRow episode, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE episodes SET title = @Title, description = @Description, season_number = @SeasonNumber,
                episode_number = @EpisodeNumber, episode_type = @EpisodeType, explicit = @Explicit,
                published_at = @PublishedAt, updated_at = @UpdatedAt
            WHERE id = @Id
            """, episode, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Everything a feed lists: published, not in the future, with delivered audio (a live asset, even while newer
    /// media is processed); newest first.
    /// </summary>
    public async Task<IReadOnlyList<EpisodeRow>> ListLiveAsync(Guid podcastId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<EpisodeRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM episodes
            WHERE podcast_id = @podcastId AND published_at IS NOT NULL AND published_at <= @now AND live_asset_id IS NOT NULL
            ORDER BY published_at DESC, id DESC
            """, new { podcastId, now }, cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// Records what the media pipeline reports. With <paramref name="onlyForAsset"/>, only when the episode still
    /// points at that asset: a report about an older upload must not overwrite a newer one.
    /// </summary>
    public async Task<bool> SetMediaStateAsync(Guid id, Guid? onlyForAsset, string status, string? error, Guid? assetId, long? durationMs,
        long? fileSizeBytes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var guard = onlyForAsset is null ? "" : "AND media_asset_id = @onlyForAsset";
        return await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE episodes SET processed_status = @status, processing_error = @error, media_asset_id = COALESCE(@assetId, media_asset_id),
                duration_ms = COALESCE(@durationMs, duration_ms), file_size_bytes = COALESCE(@fileSizeBytes, file_size_bytes), updated_at = @now
            WHERE id = @id {guard}
            """, new { id, onlyForAsset, status, error, assetId, durationMs, fileSizeBytes, now }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Makes <paramref name="assetId"/> the delivered media, if it is still the episode's newest.</summary>
    public async Task GoLiveAsync(Guid id, Guid assetId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE episodes SET live_asset_id = @assetId, updated_at = @now WHERE id = @id AND media_asset_id = @assetId",
            new { id, assetId, now }, cancellationToken: cancellationToken));
    }

    public async Task SetCoverAsync(Guid id, string coverKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE episodes SET cover_image_key = @coverKey, updated_at = @now WHERE id = @id",
            new { id, coverKey, now }, cancellationToken: cancellationToken));
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM episodes WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Newest first by publication time (drafts by creation time). <paramref name="publishedOnly"/> limits the
    /// list to what the public may see: published and not scheduled in the future.
    /// </summary>
    public async Task<IReadOnlyList<EpisodeRow>> ListAsync(Guid podcastId, bool publishedOnly, DateTimeOffset now, int limit, Cursor? after,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var visibility = publishedOnly ? "AND published_at IS NOT NULL AND published_at <= @now" : "";
        var position = after is null ? "" : "AND (COALESCE(published_at, created_at), id) < (@SortKey, @Id)";
        return [.. await connection.QueryAsync<EpisodeRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM episodes
            WHERE podcast_id = @podcastId {visibility} {position}
            ORDER BY COALESCE(published_at, created_at) DESC, id DESC
            LIMIT @take
            """, new { podcastId, now, take = limit + 1, after?.SortKey, after?.Id }, cancellationToken: cancellationToken))];
    }
}
