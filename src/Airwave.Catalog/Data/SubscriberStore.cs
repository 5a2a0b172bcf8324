using Airwave.Core.Data;
using Dapper;

namespace Airwave.Catalog.Data;

/// <summary>A premium listener of one podcast: the holder of a private feed URL. The token itself is never stored.</summary>
internal sealed record SubscriberRow
{
    public required Guid Id { get; init; }
    public required Guid PodcastId { get; init; }
    public required string Email { get; init; }
    public string? Name { get; init; }
    public required string TokenHash { get; init; }
    public required string TokenPrefix { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public DateTimeOffset? LastFetchedAt { get; init; }

    /// <summary>Lists sort by creation time, newest first.</summary>
    public Cursor Position => new(CreatedAt, Id);
}

/// <summary>
/// podcast_subscribers: who may fetch a podcast's private feed and its premium audio. A request finds its row by the
/// SHA-256 of the token it carries (unique, indexed); revoking sets <c>revoked_at</c>, after which the hash matches
/// nothing a request asks for. At most one active row per e-mail address and podcast (a partial unique index).
/// </summary>
internal sealed class SubscriberStore(Database database)
{
    private const string Columns = "id, podcast_id, email, name, token_hash, token_prefix, created_at, revoked_at, last_fetched_at";

    /// <summary>Inserts the subscriber; false when the e-mail address already has an active subscription to the podcast.</summary>
    public async Task<bool> TryInsertAsync(SubscriberRow row, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO podcast_subscribers ({Columns})
                VALUES (@Id, @PodcastId, @Email, @Name, @TokenHash, @TokenPrefix, @CreatedAt, @RevokedAt, @LastFetchedAt)
                """, row, cancellationToken: cancellationToken));
            return true;
        }
        catch (Exception e) when (database.Dialect.IsUniqueViolation(e))
        {
            return false;
        }
    }

    public async Task<SubscriberRow?> FindAsync(Guid podcastId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SubscriberRow>(new CommandDefinition(
            $"SELECT {Columns} FROM podcast_subscribers WHERE id = @id AND podcast_id = @podcastId", new { podcastId, id },
            cancellationToken: cancellationToken));
    }

    /// <summary>The active subscriber of <paramref name="podcastId"/> holding <paramref name="tokenHash"/>, or null (unknown or revoked).</summary>
    public async Task<SubscriberRow?> FindActiveAsync(Guid podcastId, string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SubscriberRow>(new CommandDefinition(
            $"SELECT {Columns} FROM podcast_subscribers WHERE token_hash = @tokenHash AND podcast_id = @podcastId AND revoked_at IS NULL",
            new { podcastId, tokenHash }, cancellationToken: cancellationToken));
    }

    /// <summary>Newest first, cursor-paginated (fetches limit + 1 rows).</summary>
    public async Task<IReadOnlyList<SubscriberRow>> ListAsync(Guid podcastId, int limit, Cursor? after, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var position = after is null ? "" : "AND (created_at, id) < (@SortKey, @Id)";
        return [.. await connection.QueryAsync<SubscriberRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM podcast_subscribers
            WHERE podcast_id = @podcastId {position}
            ORDER BY created_at DESC, id DESC
            LIMIT @take
            """, new { podcastId, take = limit + 1, after?.SortKey, after?.Id }, cancellationToken: cancellationToken))];
    }

    /// <summary>Revokes the subscription (the first revocation time is kept); false when there is no such subscriber.</summary>
    public async Task<bool> RevokeAsync(Guid podcastId, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE podcast_subscribers SET revoked_at = COALESCE(revoked_at, @now) WHERE id = @id AND podcast_id = @podcastId",
            new { podcastId, id, now }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Replaces an active subscriber's token; false when there is no such active subscriber.</summary>
    public async Task<bool> RotateAsync(Guid podcastId, Guid id, string tokenHash, string tokenPrefix, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE podcast_subscribers SET token_hash = @tokenHash, token_prefix = @tokenPrefix
            WHERE id = @id AND podcast_id = @podcastId AND revoked_at IS NULL
            """, new { podcastId, id, tokenHash, tokenPrefix }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>True when <paramref name="email"/> (in any letter case) holds an active subscription to the podcast.</summary>
    public async Task<bool> HasActiveAsync(Guid podcastId, string email, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM podcast_subscribers WHERE podcast_id = @podcastId AND lower(email) = lower(@email) AND revoked_at IS NULL",
            new { podcastId, email }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Records a fetch of the private feed, unless one was recorded after <paramref name="unlessAfter"/> (one write a minute at most).</summary>
    public async Task TouchAsync(Guid id, DateTimeOffset now, DateTimeOffset unlessAfter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE podcast_subscribers SET last_fetched_at = @now WHERE id = @id AND (last_fetched_at IS NULL OR last_fetched_at <= @unlessAfter)",
            new { id, now, unlessAfter }, cancellationToken: cancellationToken));
    }
}
