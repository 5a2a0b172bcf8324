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

    // JSON text (see Feeds.FeedJson): the episode's Podcasting 2.0 lists.
    public string? Transcripts { get; init; }
    public string? Soundbites { get; init; }
    public string? Persons { get; init; }

    /// <summary>An external Podcasting 2.0 JSON chapters file; without it, chapters embedded in the media are served.</summary>
    public string? ChaptersUrl { get; init; }

    /// <summary>How many chapters the live media carries (set when it goes live).</summary>
    public int MediaChapters { get; init; }

    /// <summary>
    /// JSON text: the chapters the creator wrote (<see cref="Feeds.Chapter"/>). When set they replace the media's embedded
    /// chapters in chapters.json, the feed and the public page; NULL leaves the embedded ones.
    /// </summary>
    public string? Chapters { get; init; }

    /// <summary>
    /// For premium listeners only: left out of the public feed and public lists, not announced, its audio served only
    /// with a subscriber's token (see <c>podcast_subscribers</c>) or to the owner.
    /// </summary>
    public bool Premium { get; init; }

    /// <summary>When <c>EpisodeWentLive</c> was raised for the current publication; null while not (yet) announced.</summary>
    public DateTimeOffset? AnnouncedAt { get; init; }

    /// <summary>When an admin took the episode down (ADR 0018); it is then out nowhere until restored.</summary>
    public DateTimeOffset? TakenDownAt { get; init; }
    public string? TakedownKind { get; init; }
    public string? TakedownReason { get; init; }

    /// <summary>
    /// The one rule for an episode being out (its show aside; SQL twin <see cref="Visibility.OutEpisode"/>): published,
    /// its time come, not taken down.
    /// </summary>
    public bool IsOutAt(DateTimeOffset now) => PublishedAt <= now && TakenDownAt is null;

    /// <summary>Lists sort by publication time, drafts by creation time.</summary>
    public Cursor Position => new(PublishedAt ?? CreatedAt, Id);
}

/// <summary>
/// An episode in a feed, as far as a rebuild needs to know before writing anything: which one, where it sorts, and
/// what its written item depends on (<c>updated_at</c> moves with every change of the row).
/// </summary>
internal sealed record FeedEntry
{
    public required Guid Id { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public required DateTimeOffset PublishedAt { get; init; }
    public required Guid LiveAssetId { get; init; }
    public required int MediaChapters { get; init; }
    public int? SeasonNumber { get; init; }
    public int? EpisodeNumber { get; init; }
}

/// <summary>An episode whose publication time has passed but whose going live was not announced yet.</summary>
internal sealed record DueAnnouncement
{
    public required Guid Id { get; init; }
    public required Guid PodcastId { get; init; }
    public required DateTimeOffset PublishedAt { get; init; }
}

internal sealed class EpisodeStore(Database database)
{
    public const string Columns =
        "id, podcast_id, guid, title, description, season_number, episode_number, episode_type, explicit, published_at, " +
        "duration_ms, file_size_bytes, processed_status, processing_error, media_asset_id, live_asset_id, cover_image_key, created_at, updated_at, " +
        "transcripts, soundbites, persons, chapters_url, media_chapters, announced_at, premium, chapters";

    // Read, never written by the creator-facing updates: only a takedown or restore changes them.
    private const string SelectColumns = Columns + ", taken_down_at, takedown_kind, takedown_reason";

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
                @PublishedAt, @DurationMs, @FileSizeBytes, @ProcessedStatus, @ProcessingError, @MediaAssetId, @LiveAssetId, @CoverImageKey, @CreatedAt,
                @UpdatedAt, @Transcripts, @Soundbites, @Persons, @ChaptersUrl, @MediaChapters, @AnnouncedAt, @Premium, @Chapters)
            """, episode, transaction, cancellationToken: cancellationToken));

    public async Task<EpisodeRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<EpisodeRow>(new CommandDefinition(
            $"SELECT {SelectColumns} FROM episodes WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Writes the creator-editable fields and the publication time, in the caller's transaction. Whether the
    /// publication was announced is kept apart (<see cref="TryAnnounceAsync"/>, <see cref="ClearAnnouncementAsync"/>).
    /// With <paramref name="ifUpdatedAt"/>, only while the stored row was last changed then (an <c>If-Match</c> made
    /// atomic): false when someone changed it in between, and nothing is written.
    /// </summary>
    public static async Task<bool> UpdateAsync(DbConnection connection, DbTransaction transaction, EpisodeRow episode, DateTimeOffset? ifUpdatedAt,
        CancellationToken cancellationToken) =>
        await RowUpdates.UpdateByIdAsync(connection, transaction,
            """
            UPDATE episodes SET title = @Title, description = @Description, season_number = @SeasonNumber,
                episode_number = @EpisodeNumber, episode_type = @EpisodeType, explicit = @Explicit,
                published_at = @PublishedAt, updated_at = @UpdatedAt, transcripts = @Transcripts, soundbites = @Soundbites,
                persons = @Persons, chapters_url = @ChaptersUrl, premium = @Premium, chapters = @Chapters
            """, episode, ifUpdatedAt, cancellationToken);

    /// <summary>
    /// Marks the episode's going live as announced, if it is out (published, its time passed, its media live) and
    /// was not announced yet. True for exactly one caller per publication, however many processes try at once.
    /// </summary>
    public static async Task<bool> TryAnnounceAsync(DbConnection connection, DbTransaction transaction, Guid id, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE episodes SET announced_at = @now
            WHERE id = @id AND announced_at IS NULL AND {Visibility.OutEpisode("")} AND live_asset_id IS NOT NULL
            """, new { id, now }, transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>Unpublished or rescheduled: its next going live is announced again.</summary>
    public static async Task ClearAnnouncementAsync(DbConnection connection, DbTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE episodes SET announced_at = NULL WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Published episodes of public podcasts whose time has come and whose going live was not announced, oldest
    /// first. The partial index on unannounced episodes keeps this cheap however large the catalogue grows.
    /// </summary>
    public async Task<IReadOnlyList<DueAnnouncement>> DueAnnouncementsAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<DueAnnouncement>(new CommandDefinition(
            $"""
            SELECT e.id, e.podcast_id, e.published_at FROM episodes e JOIN podcasts p ON p.id = e.podcast_id
            WHERE e.announced_at IS NULL AND {Visibility.OutEpisode("e.")} AND e.live_asset_id IS NOT NULL
              AND {Visibility.PublicPodcast("p.")}
            ORDER BY e.published_at, e.id
            LIMIT @limit
            """, new { now, limit }, cancellationToken: cancellationToken))];
    }

    /// <summary>The earliest publication time still ahead of <paramref name="now"/>, if any episode is scheduled.</summary>
    public async Task<DateTimeOffset?> NextScheduledAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<DateTimeOffset?>(new CommandDefinition(
            """
            SELECT published_at FROM episodes WHERE announced_at IS NULL AND published_at IS NOT NULL AND published_at > @now
            ORDER BY published_at LIMIT 1
            """,
            new { now }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Everything a private feed lists: published, not in the future, with delivered audio (a live asset, even while
    /// newer media is processed), premium episodes included; newest first.
    /// </summary>
    public async Task<IReadOnlyList<EpisodeRow>> ListLiveAsync(Guid podcastId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<EpisodeRow>(new CommandDefinition(
            $"""
            SELECT {SelectColumns} FROM episodes
            WHERE podcast_id = @podcastId AND {Visibility.OutEpisode("")} AND live_asset_id IS NOT NULL
            ORDER BY published_at DESC, id DESC
            """, new { podcastId, now }, cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// What the public feed lists (see <see cref="ListLiveAsync"/>, premium episodes left out), without the text: a
    /// rebuild reads whole rows only for the episodes it has not written before.
    /// </summary>
    public async Task<IReadOnlyList<FeedEntry>> ListFeedEntriesAsync(Guid podcastId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<FeedEntry>(new CommandDefinition(
            $"""
            SELECT id, updated_at, published_at, live_asset_id, media_chapters, season_number, episode_number FROM episodes
            WHERE podcast_id = @podcastId AND {Visibility.OutEpisode("")} AND live_asset_id IS NOT NULL AND NOT premium
            ORDER BY published_at DESC, id DESC
            """, new { podcastId, now }, cancellationToken: cancellationToken))];
    }

    /// <summary>Every episode carrying this RSS guid: unique within a podcast, but two podcasts may share one (imports).</summary>
    public async Task<IReadOnlyList<EpisodeRow>> FindByGuidAsync(string guid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<EpisodeRow>(new CommandDefinition(
            $"SELECT {SelectColumns} FROM episodes WHERE guid = @guid LIMIT 10", new { guid }, cancellationToken: cancellationToken))];
    }

    /// <summary>Whole rows of the given episodes (in no particular order).</summary>
    public async Task<IReadOnlyList<EpisodeRow>> FindManyAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = new List<EpisodeRow>(ids.Count);
        foreach (var chunk in ids.Chunk(500))
        {
            rows.AddRange(await connection.QueryAsync<EpisodeRow>(new CommandDefinition(
                $"SELECT {SelectColumns} FROM episodes WHERE {database.Dialect.AnyOf("id", "ids")}",
                new { ids = database.Dialect.IdList(chunk) }, cancellationToken: cancellationToken)));
        }

        return rows;
    }

    /// <summary>
    /// Records what the media pipeline reports. With <paramref name="onlyForAsset"/>, only when the episode still
    /// points at that asset: a report about an older upload must not overwrite a newer one.
    /// </summary>
    public async Task<bool> SetMediaStateAsync(Guid id, Guid? onlyForAsset, string status, string? error, Guid? assetId, long? durationMs,
        long? fileSizeBytes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await SetMediaStateAsync(connection, null, id, onlyForAsset, status, error, assetId, durationMs, fileSizeBytes, now, cancellationToken);
    }

    public static async Task<bool> SetMediaStateAsync(DbConnection connection, DbTransaction? transaction, Guid id, Guid? onlyForAsset, string status,
        string? error, Guid? assetId, long? durationMs, long? fileSizeBytes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var guard = onlyForAsset is null ? "" : "AND media_asset_id = @onlyForAsset";
        return await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE episodes SET processed_status = @status, processing_error = @error, media_asset_id = COALESCE(@assetId, media_asset_id),
                duration_ms = COALESCE(@durationMs, duration_ms), file_size_bytes = COALESCE(@fileSizeBytes, file_size_bytes), updated_at = @now
            WHERE id = @id {guard}
            """, new { id, onlyForAsset, status, error, assetId, durationMs, fileSizeBytes, now }, transaction,
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// Makes <paramref name="assetId"/> the delivered media, if it is still the episode's newest; records how many
    /// chapters it carries. False when the episode has moved on to newer media.
    /// </summary>
    public static async Task<bool> GoLiveAsync(DbConnection connection, DbTransaction transaction, Guid id, Guid assetId, int chapters,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE episodes SET live_asset_id = @assetId, media_chapters = @chapters, updated_at = @now
            WHERE id = @id AND media_asset_id = @assetId
            """, new { id, assetId, chapters, now }, transaction, cancellationToken: cancellationToken)) == 1;

    public static async Task SetCoverAsync(DbConnection connection, DbTransaction transaction, Guid id, string coverKey, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE episodes SET cover_image_key = @coverKey, updated_at = @now WHERE id = @id",
            new { id, coverKey, now }, transaction, cancellationToken: cancellationToken));

    public static async Task DeleteAsync(DbConnection connection, DbTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM episodes WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Newest first by publication time (drafts by creation time). <paramref name="publishedOnly"/> limits the
    /// list to what the public may see: published, not scheduled in the future, not premium.
    /// </summary>
    public async Task<IReadOnlyList<EpisodeRow>> ListAsync(Guid podcastId, bool publishedOnly, DateTimeOffset now, int limit, Cursor? after,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var visibility = publishedOnly ? $"AND {Visibility.OutEpisode("")} AND NOT premium" : "";
        var position = after is null ? "" : "AND (COALESCE(published_at, created_at), id) < (@SortKey, @Id)";
        return [.. await connection.QueryAsync<EpisodeRow>(new CommandDefinition(
            $"""
            SELECT {SelectColumns} FROM episodes
            WHERE podcast_id = @podcastId {visibility} {position}
            ORDER BY COALESCE(published_at, created_at) DESC, id DESC
            LIMIT @take
            """, new { podcastId, now, take = limit + 1, after?.SortKey, after?.Id }, cancellationToken: cancellationToken))];
    }

    /// <summary>Every media asset the podcast's episodes point at (live or newest), for withholding a whole show's files.</summary>
    public async Task<IReadOnlyList<Guid>> AssetIdsAsync(Guid podcastId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EpisodeRow>(new CommandDefinition(
            $"SELECT {SelectColumns} FROM episodes WHERE podcast_id = @podcastId", new { podcastId }, cancellationToken: cancellationToken));
        return [.. rows.SelectMany(r => new[] { r.LiveAssetId, r.MediaAssetId }).OfType<Guid>().Distinct()];
    }
}
