using Airwave.Core.Data;
using Dapper;

namespace Airwave.Accounts.Data;

internal sealed record ApiTokenRow
{
    public required Guid Id { get; init; }
    public required Guid UserId { get; init; }
    public required string Name { get; init; }
    public required string TokenHash { get; init; }
    public required string TokenPrefix { get; init; }
    public required string Scopes { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}

internal sealed class ApiTokenStore(Database database)
{
    private const string Columns =
        "id, user_id, name, token_hash, token_prefix, scopes, created_at, expires_at, last_used_at, revoked_at";

    public async Task InsertAsync(ApiTokenRow token, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_tokens (id, user_id, name, token_hash, token_prefix, scopes, created_at, expires_at, last_used_at, revoked_at)
            VALUES (@Id, @UserId, @Name, @TokenHash, @TokenPrefix, @Scopes, @CreatedAt, @ExpiresAt, @LastUsedAt, @RevokedAt)
            """, token, cancellationToken: cancellationToken));
    }

    /// <summary>The user's tokens that are not revoked, newest first (expired ones stay listed, marked by expires_at).</summary>
    public async Task<IReadOnlyList<ApiTokenRow>> ListAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<ApiTokenRow>(new CommandDefinition(
            $"SELECT {Columns} FROM api_tokens WHERE user_id = @userId AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
            new { userId }, cancellationToken: cancellationToken))];
    }

    public async Task<bool> RevokeAsync(Guid userId, Guid tokenId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET revoked_at = @now WHERE id = @tokenId AND user_id = @userId AND revoked_at IS NULL",
            new { userId, tokenId, now }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<ActiveIdentity?> FindActiveAsync(string tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ActiveIdentity>(new CommandDefinition(
            """
            SELECT u.id AS UserId, u.role, u.display_name AS DisplayName, t.id AS CredentialId, t.scopes, t.last_used_at AS LastUsedAt
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.token_hash = @tokenHash AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > @now)
              AND u.disabled_at IS NULL
            """, new { tokenHash, now }, cancellationToken: cancellationToken));
    }

    public async Task TouchAsync(Guid tokenId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_tokens SET last_used_at = @now WHERE id = @tokenId", new { tokenId, now }, cancellationToken: cancellationToken));
    }
}
