using System.Data.Common;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Catalog.Data;

internal sealed record ImportRow
{
    public required Guid Id { get; init; }
    public required Guid OwnerId { get; init; }
    public required Guid PodcastId { get; init; }
    public required string FeedUrl { get; init; }
    public required int ItemsInFeed { get; init; }
    public required int ItemsNew { get; init; }

    /// <summary>JSON array of strings: what was skipped or changed, and why.</summary>
    public required string Warnings { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>One new episode's downloads: its audio (and artwork), and how far they got.</summary>
internal sealed record ImportItemRow
{
    public required Guid ImportId { get; init; }
    public required Guid EpisodeId { get; init; }
    public required int Position { get; init; }
    public required string AudioUrl { get; init; }
    public string? ImageUrl { get; init; }
    public required string State { get; init; }
    public long? BytesTotal { get; init; }
    public long BytesDone { get; init; }
    public string? Error { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>Where an import stands: its items by download state, and its episodes by processing state.</summary>
internal sealed record ImportProgress
{
    public long Pending { get; init; }
    public long Downloading { get; init; }
    public long Stored { get; init; }
    public long DownloadFailed { get; init; }
    public long Processed { get; init; }
    public long ProcessingFailed { get; init; }
    public long BytesDone { get; init; }

    /// <summary>
    /// Every new episode of the import is processed or failed, and nothing is left to download. A download that
    /// failed for good fails its episode too, so processed + failed episodes cover every item once done.
    /// </summary>
    public bool IsFinished(int itemsNew) => Pending + Downloading == 0 && Processed + ProcessingFailed >= itemsNew;
}

internal static class ImportItemStates
{
    public const string Pending = "pending";
    public const string Downloading = "downloading";
    public const string Stored = "stored";
    public const string Failed = "failed";
}

internal sealed class ImportStore(Database database)
{
    private const string ItemColumns = "import_id, episode_id, position, audio_url, image_url, state, bytes_total, bytes_done, error, updated_at";

    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, ImportRow import, IEnumerable<ImportItemRow> items,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO podcast_imports (id, owner_id, podcast_id, feed_url, items_in_feed, items_new, warnings, created_at)
            VALUES (@Id, @OwnerId, @PodcastId, @FeedUrl, @ItemsInFeed, @ItemsNew, @Warnings, @CreatedAt)
            """, import, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO podcast_import_items ({ItemColumns})
            VALUES (@ImportId, @EpisodeId, @Position, @AudioUrl, @ImageUrl, @State, @BytesTotal, @BytesDone, @Error, @UpdatedAt)
            """, items, transaction, cancellationToken: cancellationToken));
    }

    public async Task<ImportRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ImportRow>(new CommandDefinition(
            "SELECT * FROM podcast_imports WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The podcast an earlier import of <paramref name="feedUrl"/> by this creator made, if it still exists.</summary>
    public async Task<Guid?> FindImportedPodcastAsync(Guid ownerId, string feedUrl, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<Guid?>(new CommandDefinition(
            """
            SELECT podcast_id FROM podcast_imports WHERE owner_id = @ownerId AND feed_url = @feedUrl
            ORDER BY created_at DESC LIMIT 1
            """, new { ownerId, feedUrl }, cancellationToken: cancellationToken));
    }

    public async Task<HashSet<string>> EpisodeGuidsAsync(Guid podcastId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var guids = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT guid FROM episodes WHERE podcast_id = @podcastId", new { podcastId }, cancellationToken: cancellationToken));
        return guids.ToHashSet(StringComparer.Ordinal);
    }

    public async Task<ImportItemRow?> FindItemAsync(Guid importId, Guid episodeId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ImportItemRow>(new CommandDefinition(
            $"SELECT {ItemColumns} FROM podcast_import_items WHERE import_id = @importId AND episode_id = @episodeId",
            new { importId, episodeId }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<ImportItemRow>> ListItemsAsync(Guid importId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ImportItemRow>(new CommandDefinition(
            $"SELECT {ItemColumns} FROM podcast_import_items WHERE import_id = @importId ORDER BY position",
            new { importId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task SetItemStateAsync(Guid importId, Guid episodeId, string state, long? bytesTotal, long bytesDone, string? error,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE podcast_import_items SET state = @state, bytes_total = @bytesTotal, bytes_done = @bytesDone, error = @error, updated_at = @now
            WHERE import_id = @importId AND episode_id = @episodeId
            """, new { importId, episodeId, state, bytesTotal, bytesDone, error, now }, cancellationToken: cancellationToken));
    }

    public async Task<ImportProgress> ProgressAsync(Guid importId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<ImportProgress>(new CommandDefinition(
            """
            SELECT
                CAST(COALESCE(SUM(CASE WHEN i.state = 'pending' THEN 1 ELSE 0 END), 0) AS BIGINT) AS pending,
                CAST(COALESCE(SUM(CASE WHEN i.state = 'downloading' THEN 1 ELSE 0 END), 0) AS BIGINT) AS downloading,
                CAST(COALESCE(SUM(CASE WHEN i.state = 'stored' THEN 1 ELSE 0 END), 0) AS BIGINT) AS stored,
                CAST(COALESCE(SUM(CASE WHEN i.state = 'failed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS download_failed,
                CAST(COALESCE(SUM(CASE WHEN e.processed_status = 'ready' THEN 1 ELSE 0 END), 0) AS BIGINT) AS processed,
                CAST(COALESCE(SUM(CASE WHEN e.processed_status = 'failed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS processing_failed,
                CAST(COALESCE(SUM(i.bytes_done), 0) AS BIGINT) AS bytes_done
            FROM podcast_import_items i JOIN episodes e ON e.id = i.episode_id
            WHERE i.import_id = @importId
            """, new { importId }, cancellationToken: cancellationToken));
    }
}
