namespace Airwave.Accounts.Contracts;

/// <summary>The outcome of a browser sign-in: the user, or the field at fault (if any) and the reason to show.</summary>
/// <param name="StatusCode">What the page should answer with when sign-in failed (400, 401 or 403).</param>
public sealed record BrowserSignInResult(UserSummary? User, string? Field, string? Problem, int StatusCode);

/// <summary>
/// Cookie sign-in for the web studio's own forms, with the same checks as <c>POST /api/v1/auth/login?use_cookies=true</c>
/// (the same session cookie, SameSite=Strict). The caller has already checked the form's antiforgery token.
/// </summary>
public interface IBrowserSignIn
{
    /// <summary>Checks the credentials and, when they are right, starts a cookie session on <paramref name="http"/>'s response.</summary>
    Task<BrowserSignInResult> SignInAsync(HttpContext http, string? email, string? password, CancellationToken cancellationToken);

    /// <summary>Ends the signed-in user's cookie session (the session row is revoked, the cookie removed).</summary>
    Task SignOutAsync(HttpContext http, CancellationToken cancellationToken);
}
