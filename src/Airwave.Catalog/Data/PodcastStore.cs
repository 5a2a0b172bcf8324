using System.Data.Common;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Catalog.Data;

internal sealed record PodcastRow
{
    public required Guid Id { get; init; }
    public required Guid OwnerId { get; init; }
    public required string Title { get; init; }
    public required string Description { get; init; }
    public required string Author { get; init; }
    public required string OwnerName { get; init; }
    public required string OwnerEmail { get; init; }
    public required string Language { get; init; }
    public required string Category { get; init; }
    public string? Subcategory { get; init; }
    public required bool Explicit { get; init; }
    public required string PodcastType { get; init; }
    public string? WebsiteUrl { get; init; }
    public string? Copyright { get; init; }
    public string? CoverImageKey { get; init; }
    public bool NormalizeLoudness { get; init; } = true;
    public double? LoudnessTargetLufs { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>itunes:new-feed-url: where the show has moved to.</summary>
    public string? NewFeedUrl { get; init; }
    public bool ItunesBlock { get; init; }
    public bool ItunesComplete { get; init; }

    /// <summary>podcast:locked: other platforms may not import the feed.</summary>
    public bool Locked { get; init; }

    // JSON text (see Feeds.FeedJson): lists and small objects of the Podcasting 2.0 namespace.
    public string? Funding { get; init; }
    public string? Persons { get; init; }
    public string? Location { get; init; }
    public string? License { get; init; }
    public string? Txt { get; init; }
    public string? UpdateFrequency { get; init; }

    /// <summary>podcast:guid once assigned (from the feed URL of the first feed built); it never changes afterwards.</summary>
    public Guid? PodcastGuid { get; init; }

    /// <summary>Moves on with every change to what the public feed shows; a stored feed built from an older version is stale.</summary>
    public long FeedVersion { get; init; }

    /// <summary>The show's pages in apps and directories, as JSON (<see cref="Podcasts.AppLinks"/>); null when none.</summary>
    public string? AppLinks { get; init; }

    /// <summary>When an admin took the whole show down (ADR 0018); it is then public nowhere until restored.</summary>
    public DateTimeOffset? TakenDownAt { get; init; }
    public string? TakedownKind { get; init; }
    public string? TakedownReason { get; init; }

    /// <summary>The one rule for a show being public (its SQL twin is <see cref="Visibility.PublicPodcast"/>).</summary>
    public bool IsPublicAt(DateTimeOffset now) => PublishedAt <= now && TakenDownAt is null;

    /// <summary>Where this row sits in a list: own lists sort by creation, public ones by publication.</summary>
    public Cursor Position(bool ownList) => new(ownList ? CreatedAt : PublishedAt ?? CreatedAt, Id);
}

internal sealed class PodcastStore(Database database)
{
    public const string Columns =
        "id, owner_id, title, description, author, owner_name, owner_email, language, category, subcategory, explicit, " +
        "podcast_type, website_url, copyright, cover_image_key, published_at, created_at, updated_at, normalize_loudness, loudness_target_lufs, " +
        "new_feed_url, itunes_block, itunes_complete, locked, funding, persons, location, license, txt, update_frequency, podcast_guid, feed_version, app_links";

    // Read, never written by the creator-facing updates: only a takedown or restore changes them.
    private const string SelectColumns = Columns + ", taken_down_at, takedown_kind, takedown_reason";

    public async Task InsertAsync(PodcastRow podcast, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await InsertAsync(connection, null, podcast, cancellationToken);
    }

    /// <summary>Inserts in the caller's transaction (an import creates the show and its episodes together).</summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction? transaction, PodcastRow podcast, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO podcasts ({Columns})
            VALUES (@Id, @OwnerId, @Title, @Description, @Author, @OwnerName, @OwnerEmail, @Language, @Category, @Subcategory,
                @Explicit, @PodcastType, @WebsiteUrl, @Copyright, @CoverImageKey, @PublishedAt, @CreatedAt, @UpdatedAt, @NormalizeLoudness,
                @LoudnessTargetLufs, @NewFeedUrl, @ItunesBlock, @ItunesComplete, @Locked, @Funding, @Persons, @Location, @License, @Txt,
                @UpdateFrequency, @PodcastGuid, @FeedVersion, @AppLinks)
            """, podcast, transaction, cancellationToken: cancellationToken));

    public async Task<PodcastRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<PodcastRow>(new CommandDefinition(
            $"SELECT {SelectColumns} FROM podcasts WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Writes every editable field (not the feed version or podcast:guid); the caller has merged the patch into
    /// <paramref name="podcast"/>. Runs in the caller's transaction, so the change and its events commit together.
    /// With <paramref name="ifUpdatedAt"/>, only while the stored row was last changed then (an <c>If-Match</c> made
    /// atomic): false when someone changed it in between, and nothing is written.
    /// </summary>
    public static async Task<bool> UpdateAsync(DbConnection connection, DbTransaction transaction, PodcastRow podcast, DateTimeOffset? ifUpdatedAt,
        CancellationToken cancellationToken) =>
        await RowUpdates.UpdateByIdAsync(connection, transaction,
            """
            UPDATE podcasts SET title = @Title, description = @Description, author = @Author, owner_name = @OwnerName,
                owner_email = @OwnerEmail, language = @Language, category = @Category, subcategory = @Subcategory,
                explicit = @Explicit, podcast_type = @PodcastType, website_url = @WebsiteUrl, copyright = @Copyright,
                published_at = @PublishedAt, updated_at = @UpdatedAt, normalize_loudness = @NormalizeLoudness,
                loudness_target_lufs = @LoudnessTargetLufs, new_feed_url = @NewFeedUrl, itunes_block = @ItunesBlock,
                itunes_complete = @ItunesComplete, locked = @Locked, funding = @Funding, persons = @Persons, location = @Location,
                license = @License, txt = @Txt, update_frequency = @UpdateFrequency, app_links = @AppLinks
            """, podcast, ifUpdatedAt, cancellationToken);

    public static async Task SetCoverAsync(DbConnection connection, DbTransaction transaction, Guid id, string coverKey, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE podcasts SET cover_image_key = @coverKey, updated_at = @now WHERE id = @id",
            new { id, coverKey, now }, transaction, cancellationToken: cancellationToken));

    public static async Task DeleteAsync(DbConnection connection, DbTransaction transaction, Guid id, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM podcasts WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));

    /// <summary>
    /// Assigns podcast:guid unless the podcast already has one; returns the podcast's guid either way (the first
    /// assignment wins when two feeds are built at once).
    /// </summary>
    public async Task<Guid> AssignGuidAsync(Guid id, Guid guid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE podcasts SET podcast_guid = @guid WHERE id = @id AND podcast_guid IS NULL", new { id, guid }, cancellationToken: cancellationToken));
        return await connection.QuerySingleAsync<Guid>(new CommandDefinition(
            "SELECT podcast_guid FROM podcasts WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// With <paramref name="ownerId"/>: that creator's podcasts in any state, newest created first. Without: public
    /// podcasts, most recently published first. Fetches <paramref name="limit"/> + 1 rows so the caller knows
    /// whether there is a next page; <see cref="PodcastRow.Position"/> gives the matching cursor.
    /// </summary>
    public async Task<IReadOnlyList<PodcastRow>> ListAsync(Guid? ownerId, DateTimeOffset now, int limit, Cursor? after, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var (filter, sortColumn) = ownerId is null
            ? (Visibility.PublicPodcast(""), "published_at")
            : ("owner_id = @ownerId", "created_at");
        var position = after is null ? "" : $"AND ({sortColumn}, id) < (@SortKey, @Id)";
        return [.. await connection.QueryAsync<PodcastRow>(new CommandDefinition(
            $"SELECT {SelectColumns} FROM podcasts WHERE {filter} {position} ORDER BY {sortColumn} DESC, id DESC LIMIT @take",
            new { ownerId, now, take = limit + 1, after?.SortKey, after?.Id }, cancellationToken: cancellationToken))];
    }
}
