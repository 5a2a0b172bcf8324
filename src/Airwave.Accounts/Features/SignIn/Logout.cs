using Airwave.Accounts.Auth;
using Airwave.Accounts.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Airwave.Accounts.Features.SignIn;

/// <summary><c>POST /api/v1/auth/logout</c>: ends the caller's session; its access and refresh tokens stop working at once.</summary>
internal static class Logout
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/auth/logout", HandleAsync)
            .RequireAuthorization(Policies.Read)
            .WithName("Logout")
            .WithSummary("Sign out the current session (bearer or cookie)");

    private static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(
        ClaimsPrincipal user, HttpContext http, SessionStore sessions, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (user.AuthMethod() == AuthMethods.PersonalToken)
        {
            return TypedResults.Problem(statusCode: 400, title: "Not a session",
                detail: "Personal API tokens are not sessions; revoke them with DELETE /api/v1/users/me/tokens/{tokenId}.");
        }

        await sessions.RevokeAsync(user.CredentialId()!.Value, clock.GetUtcNow(), cancellationToken);
        if (user.AuthMethod() == AuthMethods.Cookie)
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }

        return TypedResults.NoContent();
    }
}
