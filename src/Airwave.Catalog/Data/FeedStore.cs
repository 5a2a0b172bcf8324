using System.Data.Common;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Catalog.Data;

/// <summary>The content codings a feed is stored in.</summary>
internal enum FeedEncoding
{
    Identity,
    Gzip,
    Brotli,
}

/// <summary>
/// What a feed request needs to know in one query: whether the podcast is public, its current feed version, and
/// the stored page's version, page count and validators (null columns when nothing is stored for that base URL).
/// </summary>
internal sealed record StoredFeedState
{
    public DateTimeOffset? PublishedAt { get; init; }

    /// <summary>Set when the show is taken down: its feed answers 410 Gone.</summary>
    public DateTimeOffset? TakenDownAt { get; init; }
    public required long FeedVersion { get; init; }
    public long? BuiltVersion { get; init; }
    public int? PageSize { get; init; }
    public int? PageCount { get; init; }
    public string? Etag { get; init; }
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>Stored, and built from the current version with the configured page size.</summary>
    public bool IsFresh(int pageSize) => BuiltVersion >= FeedVersion && PageSize == pageSize;
}

/// <summary>One stored page in one encoding.</summary>
internal sealed record StoredFeedBody
{
    public required string Etag { get; init; }
    public required DateTimeOffset LastModified { get; init; }
    public required byte[] Body { get; init; }
}

/// <summary>A page as the builder last stored it, to tell whether a rebuild changed anything.</summary>
internal sealed record StoredFeedSummary
{
    public required int Page { get; init; }
    public required string ContentHash { get; init; }
    public required long FeedVersion { get; init; }
    public required DateTimeOffset LastModified { get; init; }
}

/// <summary>A built page to store (every encoding precomputed).</summary>
internal sealed record StoredFeedPage
{
    public required int Page { get; init; }
    public required string ContentHash { get; init; }
    public required string Etag { get; init; }
    public required byte[] Body { get; init; }
    public required byte[] BodyGzip { get; init; }
    public required byte[] BodyBrotli { get; init; }
    public required DateTimeOffset LastModified { get; init; }
}

/// <summary>
/// stored_feeds: each podcast's built feed per base URL and page. Writes are guarded by the feed version they were
/// built from, so a slow build of an older version never overwrites a newer one.
/// </summary>
internal sealed class FeedStore(Database database)
{
    /// <summary>
    /// Base URLs kept per podcast when the public base URL is not configured (feeds follow each request's host).
    /// Beyond this the least recently built is dropped, so a stream of made-up Host headers cannot fill the table.
    /// </summary>
    public const int MaxBaseUrls = 4;

    public async Task<StoredFeedState?> StateAsync(Guid podcastId, string baseUrl, int page, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<StoredFeedState>(new CommandDefinition(
            """
            SELECT p.published_at, p.taken_down_at, p.feed_version, f.feed_version AS built_version, f.page_size, f.page_count, n.etag, n.last_modified
            FROM podcasts p
            LEFT JOIN stored_feeds f ON f.podcast_id = p.id AND f.base_url = @baseUrl AND f.page = 1
            LEFT JOIN stored_feeds n ON n.podcast_id = p.id AND n.base_url = @baseUrl AND n.page = @page
            WHERE p.id = @podcastId
            """, new { podcastId, baseUrl, page }, cancellationToken: cancellationToken));
    }

    public async Task<StoredFeedBody?> BodyAsync(Guid podcastId, string baseUrl, int page, FeedEncoding encoding, CancellationToken cancellationToken)
    {
        var column = encoding switch
        {
            FeedEncoding.Gzip => "body_gzip",
            FeedEncoding.Brotli => "body_brotli",
            _ => "body",
        };
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<StoredFeedBody>(new CommandDefinition(
            $"SELECT etag, last_modified, {column} AS body FROM stored_feeds WHERE podcast_id = @podcastId AND base_url = @baseUrl AND page = @page",
            new { podcastId, baseUrl, page }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<StoredFeedSummary>> SummariesAsync(Guid podcastId, string baseUrl, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<StoredFeedSummary>(new CommandDefinition(
            "SELECT page, content_hash, feed_version, last_modified FROM stored_feeds WHERE podcast_id = @podcastId AND base_url = @baseUrl",
            new { podcastId, baseUrl }, cancellationToken: cancellationToken))];
    }

    /// <summary>The base URLs a podcast's feed is stored for (what a rebuild outside any request rebuilds).</summary>
    public async Task<IReadOnlyList<string>> BaseUrlsAsync(Guid podcastId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT base_url FROM stored_feeds WHERE podcast_id = @podcastId AND page = 1", new { podcastId }, cancellationToken: cancellationToken))];
    }

    /// <summary>
    /// Stores a build of <paramref name="version"/>: <paramref name="changed"/> pages are written whole, the others
    /// (same content as stored) only move to the new version, pages beyond <paramref name="pageCount"/> go. Nothing
    /// is written over rows of a newer version. <paramref name="now"/> is the built time of the changed pages.
    /// </summary>
    public async Task SaveAsync(Guid podcastId, string baseUrl, long version, int pageSize, int pageCount, IReadOnlyList<StoredFeedPage> changed,
        DateTimeOffset now, bool limitBaseUrls, CancellationToken cancellationToken)
    {
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var page in changed)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO stored_feeds (podcast_id, base_url, page, page_count, page_size, feed_version, content_hash, etag, body, body_gzip,
                        body_brotli, last_modified, built_at)
                    VALUES (@podcastId, @baseUrl, @Page, @pageCount, @pageSize, @version, @ContentHash, @Etag, @Body, @BodyGzip, @BodyBrotli,
                        @LastModified, @now)
                    ON CONFLICT (podcast_id, base_url, page) DO UPDATE SET page_count = excluded.page_count, page_size = excluded.page_size,
                        feed_version = excluded.feed_version, content_hash = excluded.content_hash, etag = excluded.etag, body = excluded.body,
                        body_gzip = excluded.body_gzip, body_brotli = excluded.body_brotli, last_modified = excluded.last_modified,
                        built_at = excluded.built_at
                    WHERE stored_feeds.feed_version <= excluded.feed_version
                    """,
                    new
                    {
                        podcastId, baseUrl, page.Page, pageCount, pageSize, version, page.ContentHash, page.Etag, page.Body, page.BodyGzip,
                        page.BodyBrotli, page.LastModified, now,
                    }, transaction, cancellationToken: cancellationToken));
            }

            // Unchanged pages keep their bytes, ETag, Last-Modified and built time: only the version they answer for moves.
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE stored_feeds SET feed_version = @version, page_size = @pageSize
                WHERE podcast_id = @podcastId AND base_url = @baseUrl AND feed_version < @version AND page <= @pageCount
                """, new { podcastId, baseUrl, version, pageSize, pageCount }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM stored_feeds WHERE podcast_id = @podcastId AND base_url = @baseUrl AND page > @pageCount AND feed_version <= @version",
                new { podcastId, baseUrl, pageCount, version }, transaction, cancellationToken: cancellationToken));
            if (limitBaseUrls)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    DELETE FROM stored_feeds WHERE podcast_id = @podcastId AND base_url NOT IN (
                        SELECT base_url FROM stored_feeds WHERE podcast_id = @podcastId AND page = 1
                        ORDER BY (base_url = @baseUrl) DESC, built_at DESC LIMIT @keep)
                    """, new { podcastId, baseUrl, keep = MaxBaseUrls }, transaction, cancellationToken: cancellationToken));
            }

            return 0;
        }, cancellationToken);
    }

    /// <summary>In the caller's transaction: the podcast's feed is gone (unpublished) the moment the change commits.</summary>
    public static async Task DeleteAllAsync(DbConnection connection, DbTransaction transaction, Guid podcastId,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM stored_feeds WHERE podcast_id = @podcastId", new { podcastId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Removes a podcast's stored feeds: all of them, or those for other base URLs than <paramref name="keepBaseUrl"/>.</summary>
    public async Task DeleteAsync(Guid podcastId, string? keepBaseUrl, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            keepBaseUrl is null
                ? "DELETE FROM stored_feeds WHERE podcast_id = @podcastId"
                : "DELETE FROM stored_feeds WHERE podcast_id = @podcastId AND base_url <> @keepBaseUrl",
            new { podcastId, keepBaseUrl }, cancellationToken: cancellationToken));
    }
}
