using Airwave.Core.Http.RateLimits;
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
            .RequireSharedRateLimit(AccountsModule.AuthRateLimit)
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

        var (user, problem) = await VerifyAsync(request.Email, request.Password, users, passwords, clock, cancellationToken);
        if (problem is not null)
        {
            return problem.Status == StatusCodes.Status403Forbidden ? Problems.Forbidden(problem.Reason) : Problems.Unauthorized(problem.Reason);
        }

        if (useCookies == true)
        {
            await StartCookieSessionAsync(http, user!, tokens, cancellationToken);
            return TypedResults.Ok(UserResponse.From(user!));
        }

        return TypedResults.Ok(await tokens.StartAsync(user!.Id, cancellationToken));
    }

    /// <summary>Why sign-in failed: the field at fault (when one is missing), the reason, the status to answer with.</summary>
    internal sealed record SignInProblem(string? Field, string Reason, int Status);

    /// <summary>
    /// The account for these credentials, or why not. The API and the studio's sign-in form share it, so both give the
    /// same answers, rehash old password hashes alike and take the same time for unknown emails.
    /// </summary>
    internal static async Task<(UserRow? User, SignInProblem? Problem)> VerifyAsync(string? email, string? password, UserStore users,
        Passwords passwords, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return (null, new SignInProblem("email", "is required", StatusCodes.Status400BadRequest));
        }

        if (string.IsNullOrEmpty(password))
        {
            return (null, new SignInProblem("password", "is required", StatusCodes.Status400BadRequest));
        }

        var user = await users.FindByEmailAsync(Credentials.NormalizeEmail(email), cancellationToken);
        // Verify against a dummy hash for unknown emails so response time does not reveal which emails exist.
        var verdict = passwords.Verify(user?.PasswordHash ?? UnknownUserHash, password);
        if (user is null || verdict == PasswordVerificationResult.Failed)
        {
            return (null, new SignInProblem(null, "The email address or password is incorrect.", StatusCodes.Status401Unauthorized));
        }

        if (user.DisabledAt is not null)
        {
            return (null, new SignInProblem(null, "This account is disabled.", StatusCodes.Status403Forbidden));
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await users.UpdatePasswordHashAsync(user.Id, passwords.Hash(password), clock.GetUtcNow(), cancellationToken);
        }

        return (user, null);
    }

    /// <summary>Starts a cookie session for <paramref name="user"/> and sets the session cookie on the response.</summary>
    internal static async Task StartCookieSessionAsync(HttpContext http, UserRow user, TokenPairs tokens, CancellationToken cancellationToken)
    {
        var sessionId = await tokens.StartCookieSessionAsync(user.Id, cancellationToken);
        var principal = Principals.Create(user.Id, user.Role, user.DisplayName, sessionId, AuthMethods.Cookie, Scopes.All,
            CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties { IsPersistent = true });
    }

    private static readonly string UnknownUserHash = new Passwords().Hash(Guid.NewGuid().ToString());
}
