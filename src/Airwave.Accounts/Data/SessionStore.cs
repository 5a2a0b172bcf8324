using Airwave.Core.Data;
using Dapper;

namespace Airwave.Accounts.Data;

internal sealed record SessionRow
{
    public required Guid Id { get; init; }
    public required Guid UserId { get; init; }
    public required string Kind { get; init; }
    public string? AccessTokenHash { get; init; }
    public required DateTimeOffset AccessExpiresAt { get; init; }
    public string? RefreshTokenHash { get; init; }
    public string? PreviousRefreshTokenHash { get; init; }
    public required DateTimeOffset RefreshExpiresAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>The user a presented secret belongs to, when both are still in good standing.</summary>
internal sealed class ActiveIdentity
{
    public required Guid UserId { get; init; }
    public required string Role { get; init; }
    public required string DisplayName { get; init; }
    public required Guid CredentialId { get; init; }
    public required string Scopes { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
}

internal sealed class SessionStore(Database database)
{
    private const string Columns =
        "id, user_id, kind, access_token_hash, access_expires_at, refresh_token_hash, previous_refresh_token_hash, " +
        "refresh_expires_at, created_at, revoked_at";

    public async Task InsertAsync(SessionRow session, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO auth_sessions (id, user_id, kind, access_token_hash, access_expires_at, refresh_token_hash,
                previous_refresh_token_hash, refresh_expires_at, created_at, revoked_at)
            VALUES (@Id, @UserId, @Kind, @AccessTokenHash, @AccessExpiresAt, @RefreshTokenHash,
                @PreviousRefreshTokenHash, @RefreshExpiresAt, @CreatedAt, @RevokedAt)
            """, session, cancellationToken: cancellationToken));
    }

    /// <summary>The signed-in identity behind an access token, if the token is live and the user not disabled.</summary>
    public async Task<ActiveIdentity?> FindByAccessTokenAsync(string accessTokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ActiveIdentity>(new CommandDefinition(
            """
            SELECT u.id AS UserId, u.role, u.display_name AS DisplayName, s.id AS CredentialId, '' AS Scopes, NULL AS LastUsedAt
            FROM auth_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.access_token_hash = @accessTokenHash AND s.revoked_at IS NULL AND s.access_expires_at > @now
              AND u.disabled_at IS NULL
            """, new { accessTokenHash, now }, cancellationToken: cancellationToken));
    }

    /// <summary>A live cookie session, checked on every request so sign-out and disabling take effect at once.</summary>
    public async Task<bool> IsCookieSessionActiveAsync(Guid sessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            SELECT COUNT(*) FROM auth_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = @sessionId AND s.kind = 'cookie' AND s.revoked_at IS NULL AND s.refresh_expires_at > @now
              AND u.disabled_at IS NULL
            """, new { sessionId, now }, cancellationToken: cancellationToken)) > 0;
    }

    public async Task<SessionRow?> FindByRefreshTokenAsync(string refreshTokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(
            $"SELECT {Columns} FROM auth_sessions WHERE refresh_token_hash = @refreshTokenHash OR previous_refresh_token_hash = @refreshTokenHash",
            new { refreshTokenHash }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Swaps in a new token pair, but only if the presented refresh token is still the current one; two clients
    /// racing with the same refresh token cannot both win.
    /// </summary>
    public async Task<bool> RotateAsync(Guid sessionId, string presentedRefreshHash, string accessTokenHash, DateTimeOffset accessExpiresAt,
        string refreshTokenHash, DateTimeOffset refreshExpiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE auth_sessions
            SET access_token_hash = @accessTokenHash, access_expires_at = @accessExpiresAt,
                previous_refresh_token_hash = refresh_token_hash,
                refresh_token_hash = @refreshTokenHash, refresh_expires_at = @refreshExpiresAt
            WHERE id = @sessionId AND refresh_token_hash = @presentedRefreshHash AND revoked_at IS NULL
            """, new { sessionId, presentedRefreshHash, accessTokenHash, accessExpiresAt, refreshTokenHash, refreshExpiresAt },
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Deletes sessions that can no longer be used (expired, or revoked) before <paramref name="before"/>.</summary>
    public async Task<int> DeleteEndedAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM auth_sessions WHERE refresh_expires_at < @before OR revoked_at < @before",
            new { before }, cancellationToken: cancellationToken));
    }

    public async Task RevokeAsync(Guid sessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE auth_sessions SET revoked_at = @now WHERE id = @sessionId AND revoked_at IS NULL",
            new { sessionId, now }, cancellationToken: cancellationToken));
    }
}
