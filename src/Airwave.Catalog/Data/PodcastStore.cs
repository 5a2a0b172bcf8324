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

    public bool IsPublicAt(DateTimeOffset now) => PublishedAt <= now;

    /// <summary>Where this row sits in a list: own lists sort by creation, public ones by publication.</summary>
    public Cursor Position(bool ownList) => new(ownList ? CreatedAt : PublishedAt ?? CreatedAt, Id);
}

internal sealed class PodcastStore(Database database)
{
    private const string Columns =
        "id, owner_id, title, description, author, owner_name, owner_email, language, category, subcategory, explicit, " +
        "podcast_type, website_url, copyright, cover_image_key, published_at, created_at, updated_at, normalize_loudness, loudness_target_lufs";

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
                @LoudnessTargetLufs)
            """, podcast, transaction, cancellationToken: cancellationToken));

    public async Task<PodcastRow?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<PodcastRow>(new CommandDefinition(
            $"SELECT {Columns} FROM podcasts WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Writes every editable field; the caller has merged the patch into <paramref name="podcast"/>.</summary>
    public async Task UpdateAsync(PodcastRow podcast, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE podcasts SET title = @Title, description = @Description, author = @Author, owner_name = @OwnerName,
                owner_email = @OwnerEmail, language = @Language, category = @Category, subcategory = @Subcategory,
                explicit = @Explicit, podcast_type = @PodcastType, website_url = @WebsiteUrl, copyright = @Copyright,
                published_at = @PublishedAt, updated_at = @UpdatedAt, normalize_loudness = @NormalizeLoudness,
                loudness_target_lufs = @LoudnessTargetLufs
            WHERE id = @Id
            """, podcast, cancellationToken: cancellationToken));
    }

    public async Task SetCoverAsync(Guid id, string coverKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE podcasts SET cover_image_key = @coverKey, updated_at = @now WHERE id = @id",
            new { id, coverKey, now }, cancellationToken: cancellationToken));
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM podcasts WHERE id = @id", new { id }, cancellationToken: cancellationToken));
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
            ? ("published_at IS NOT NULL AND published_at <= @now", "published_at")
            : ("owner_id = @ownerId", "created_at");
        var position = after is null ? "" : $"AND ({sortColumn}, id) < (@SortKey, @Id)";
        return [.. await connection.QueryAsync<PodcastRow>(new CommandDefinition(
            $"SELECT {Columns} FROM podcasts WHERE {filter} {position} ORDER BY {sortColumn} DESC, id DESC LIMIT @take",
            new { ownerId, now, take = limit + 1, after?.SortKey, after?.Id }, cancellationToken: cancellationToken))];
    }
}
