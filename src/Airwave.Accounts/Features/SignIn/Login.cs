using Airwave.Accounts.Auth;
using Airwave.Accounts.Data;
using Airwave.Accounts.Features.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Airwave.Accounts.Features.SignIn;

/// <summary>
/// <c>POST /api/v1/auth/login</c>: email and password for a bearer token pair, or with <c>use_cookies=true</c>
/// for a browser cookie session (the web studio).
/// </summary>
internal static class Login
{
    internal sealed record Request(string? Email, string? Password);

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/auth/login", HandleAsync)
            .AllowAnonymous()
            .RequireRateLimiting(AccountsModule.AuthRateLimit)
            .WithName("Login")
            .WithSummary("Sign in: bearer access + refresh token, or a cookie with use_cookies=true");

    private static async Task<Results<Ok<TokenResponse>, Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Request request, [FromQuery(Name = "use_cookies")] bool? useCookies, HttpContext http, UserStore users, Passwords passwords, TokenPairs tokens,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors()
            .AddIf(string.IsNullOrWhiteSpace(request.Email), "email", "is required")
            .AddIf(string.IsNullOrEmpty(request.Password), "password", "is required");
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var user = await users.FindByEmailAsync(Credentials.NormalizeEmail(request.Email!), cancellationToken);
        // Verify against a dummy hash for unknown emails so response time does not reveal which emails exist.
        var verdict = passwords.Verify(user?.PasswordHash ?? UnknownUserHash, request.Password!);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            return Problems.Unauthorized("The email address or password is incorrect.");
        }

        if (user.DisabledAt is not null)
        {
            return Problems.Forbidden("This account is disabled.");
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.UpdatePasswordHashAsync(user.Id, passwords.Hash(request.Password!), clock.GetUtcNow(), cancellationToken);
        }

        if (useCookies == true)
        {
            var sessionId = await tokens.StartCookieSessionAsync(user.Id, cancellationToken);
            var principal = Principals.Create(user.Id, user.Role, user.DisplayName, sessionId, AuthMethods.Cookie, Scopes.All,
                CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal,
                new AuthenticationProperties { IsPersistent = true });
            return TypedResults.Ok(UserResponse.From(user));
        }

        return TypedResults.Ok(await tokens.StartAsync(user.Id, cancellationToken));
    }

    private static readonly string UnknownUserHash = new Passwords().Hash(Guid.NewGuid().ToString());
}
