namespace Airwave.Accounts.Contracts;

/// <summary>
/// The outcome of a registration or token change made from a web form: reasons by the API's field names (one line per
/// field), or a reason that concerns no single field, and the status the page should answer with.
/// </summary>
public sealed record AccountFormErrors(IReadOnlyDictionary<string, string> Errors, string? Problem, int StatusCode)
{
    public static AccountFormErrors None { get; } = new(new Dictionary<string, string>(), null, StatusCodes.Status200OK);
}

/// <summary>A personal API token as its owner sees it in a list (never its secret).</summary>
/// <param name="TokenPrefix">The secret's first characters, so its owner can tell which token a script uses.</param>
public sealed record ApiTokenView(Guid Id, string Name, string TokenPrefix, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);

/// <summary>A registration from the web form: the new account (signed in), or why not.</summary>
public sealed record BrowserRegistration(UserSummary? User, AccountFormErrors Outcome);

/// <summary>A token created from the web form: the token and its secret (to be shown once, then forgotten), or why not.</summary>
public sealed record CreatedApiToken(ApiTokenView? Token, string? Secret, AccountFormErrors Outcome);

/// <summary>
/// What the web account pages do (register, list, create and revoke personal API tokens), run through the JSON API's own
/// handlers (<c>POST /api/v1/users/register</c>, <c>/api/v1/users/me/tokens</c>) so the forms are held to exactly the
/// API's rules and answer with its reasons (docs/adr/0019). The caller has checked the form's antiforgery token.
/// </summary>
public interface IAccountPages
{
    /// <summary>Registers an account as the API does and, when it was made, starts its cookie session on <paramref name="http"/>.</summary>
    Task<BrowserRegistration> RegisterAsync(HttpContext http, string? email, string? password, string? displayName, string? role,
        CancellationToken cancellationToken);

    /// <summary>The signed-in user's tokens that are not revoked, newest first.</summary>
    Task<IReadOnlyList<ApiTokenView>> ListTokensAsync(ClaimsPrincipal user, CancellationToken cancellationToken);

    Task<CreatedApiToken> CreateTokenAsync(ClaimsPrincipal user, string? name, IReadOnlyList<string> scopes, int? expiresInDays,
        CancellationToken cancellationToken);

    /// <summary>False when the user has no such token that is still active (another user's token id included).</summary>
    Task<bool> RevokeTokenAsync(ClaimsPrincipal user, Guid tokenId, CancellationToken cancellationToken);
}
