using Airwave.Accounts.Auth;
using Airwave.Accounts.Contracts;
using Airwave.Accounts.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Airwave.Accounts.Features.SignIn;

/// <summary><see cref="IBrowserSignIn"/>: the studio's sign-in and sign-out forms, with the login endpoint's checks.</summary>
internal sealed class BrowserSignIn(UserStore users, Passwords passwords, TokenPairs tokens, SessionStore sessions, TimeProvider clock)
    : IBrowserSignIn
{
    public async Task<BrowserSignInResult> SignInAsync(HttpContext http, string? email, string? password, CancellationToken cancellationToken)
    {
        var (user, problem) = await Login.VerifyAsync(email, password, users, passwords, clock, cancellationToken);
        if (problem is not null)
        {
            return new BrowserSignInResult(null, problem.Field, problem.Reason, problem.Status);
        }

        await Login.StartCookieSessionAsync(http, user!, tokens, cancellationToken);
        return new BrowserSignInResult(new UserSummary(user!.Id, user.Email, user.DisplayName, user.Role), null, null, StatusCodes.Status200OK);
    }

    public async Task SignOutAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.User.AuthMethod() == AuthMethods.Cookie && http.User.CredentialId() is { } sessionId)
        {
            await sessions.RevokeAsync(sessionId, clock.GetUtcNow(), cancellationToken);
        }

        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
