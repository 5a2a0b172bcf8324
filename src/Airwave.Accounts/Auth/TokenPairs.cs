using Airwave.Accounts.Data;
using Microsoft.Extensions.Options;

namespace Airwave.Accounts.Auth;

/// <summary>What a client keeps after signing in: OAuth 2.0 token-response field names.</summary>
internal sealed record TokenResponse(string TokenType, string AccessToken, int ExpiresIn, string RefreshToken, int RefreshExpiresIn);

/// <summary>Starts, rotates and ends sign-in sessions.</summary>
internal sealed class TokenPairs(SessionStore sessions, UserStore users, IOptions<AccountsOptions> options, TimeProvider clock)
{
    private AccountsOptions Options => options.Value;

    public async Task<TokenResponse> StartAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var access = SecretTokens.Create(SecretTokens.AccessPrefix);
        var refresh = SecretTokens.Create(SecretTokens.RefreshPrefix);
        await sessions.InsertAsync(new SessionRow
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Kind = "token",
            AccessTokenHash = SecretTokens.Hash(access),
            AccessExpiresAt = now + Options.AccessTokenLifetime,
            RefreshTokenHash = SecretTokens.Hash(refresh),
            RefreshExpiresAt = now + Options.RefreshTokenLifetime,
            CreatedAt = now,
        }, cancellationToken);
        return Response(access, refresh);
    }

    /// <summary>A cookie session has no bearer secrets; the cookie carries its id and is checked against it.</summary>
    public async Task<Guid> StartCookieSessionAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await sessions.InsertAsync(new SessionRow
        {
            Id = id,
            UserId = userId,
            Kind = "cookie",
            AccessExpiresAt = now + Options.RefreshTokenLifetime,
            RefreshExpiresAt = now + Options.RefreshTokenLifetime,
            CreatedAt = now,
        }, cancellationToken);
        return id;
    }

    public enum RefreshOutcome
    {
        Refreshed,
        Invalid,
        Reused,
    }

    /// <summary>
    /// Exchanges a refresh token for a new pair. A refresh token works once: presenting a spent one means it
    /// leaked or a client misbehaves, so the whole session is signed out.
    /// </summary>
    public async Task<(RefreshOutcome Outcome, TokenResponse? Tokens)> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var presented = SecretTokens.Hash(refreshToken);
        var session = await sessions.FindByRefreshTokenAsync(presented, cancellationToken);
        if (session is null || session.RevokedAt is not null || session.RefreshExpiresAt <= now)
        {
            return (RefreshOutcome.Invalid, null);
        }

        if (session.RefreshTokenHash != presented)
        {
            await sessions.RevokeAsync(session.Id, now, cancellationToken);
            return (RefreshOutcome.Reused, null);
        }

        if ((await users.FindAsync(session.UserId, cancellationToken))?.DisabledAt is not null)
        {
            return (RefreshOutcome.Invalid, null);
        }

        var access = SecretTokens.Create(SecretTokens.AccessPrefix);
        var refresh = SecretTokens.Create(SecretTokens.RefreshPrefix);
        var rotated = await sessions.RotateAsync(session.Id, presented, SecretTokens.Hash(access), now + Options.AccessTokenLifetime,
            SecretTokens.Hash(refresh), now + Options.RefreshTokenLifetime, cancellationToken);
        return rotated ? (RefreshOutcome.Refreshed, Response(access, refresh)) : (RefreshOutcome.Invalid, null);
    }

    private TokenResponse Response(string access, string refresh) =>
        new("Bearer", access, (int)Options.AccessTokenLifetime.TotalSeconds, refresh, (int)Options.RefreshTokenLifetime.TotalSeconds);
}
