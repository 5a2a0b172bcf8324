using Airwave.Accounts.Auth;
using Airwave.Accounts.Contracts;
using Airwave.Accounts.Data;
using Airwave.Accounts.Features.SignIn;
using ApiTokenEndpoints = Airwave.Accounts.Features.ApiTokens.ApiTokens;

namespace Airwave.Accounts.Features.Users;

/// <summary>
/// <see cref="IAccountPages"/>: the web account pages call the API's own handlers (<see cref="RegisterUser"/>,
/// <see cref="ApiTokenEndpoints"/>) with the signed-in user, so a form is held to exactly the API's rules (email,
/// password and display name checks, roles a person may pick, scopes, lifetimes, ownership) and shows the API's reasons
/// under the fields the API names. Only the outcome is translated: a taken email becomes a reason on the email field.
/// </summary>
internal sealed class AccountPages(UserStore users, Passwords passwords, TokenPairs tokens, ApiTokenStore apiTokens, TimeProvider clock)
    : IAccountPages
{
    public async Task<BrowserRegistration> RegisterAsync(HttpContext http, string? email, string? password, string? displayName, string? role,
        CancellationToken cancellationToken)
    {
        var result = await RegisterUser.HandleAsync(new RegisterUser.Request(email, password, displayName, role), users, passwords, clock,
            cancellationToken);
        if (result.Result is not Created<UserResponse> { Value: { } created })
        {
            return new BrowserRegistration(null, result.Result switch
            {
                ProblemHttpResult { StatusCode: StatusCodes.Status409Conflict } => new AccountFormErrors(
                    new Dictionary<string, string> { ["email"] = "is already registered: sign in instead, or use another address" }, null,
                    StatusCodes.Status409Conflict),
                var other => Failed(other),
            });
        }

        // The row just written: the cookie session is started exactly as the login endpoint starts it.
        var user = await users.FindAsync(created.Id, cancellationToken)
            ?? throw new InvalidOperationException($"The account {created.Id} was registered but cannot be read back.");
        await Login.StartCookieSessionAsync(http, user, tokens, cancellationToken);
        return new BrowserRegistration(new UserSummary(user.Id, user.Email, user.DisplayName, user.Role), AccountFormErrors.None);
    }

    public async Task<IReadOnlyList<ApiTokenView>> ListTokensAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var list = await ApiTokenEndpoints.ListAsync(user, apiTokens, cancellationToken);
        return [.. list.Value!.Items.Select(t => new ApiTokenView(t.Id, t.Name, t.TokenPrefix, t.Scopes, t.CreatedAt, t.ExpiresAt, t.LastUsedAt))];
    }

    public async Task<CreatedApiToken> CreateTokenAsync(ClaimsPrincipal user, string? name, IReadOnlyList<string> scopes, int? expiresInDays,
        CancellationToken cancellationToken)
    {
        var result = await ApiTokenEndpoints.CreateAsync(new ApiTokenEndpoints.CreateRequest(name, [.. scopes], expiresInDays), user, apiTokens,
            clock, cancellationToken);
        return result.Result is Created<ApiTokenEndpoints.CreatedToken> { Value: { } token }
            ? new CreatedApiToken(new ApiTokenView(token.Id, token.Name, token.TokenPrefix, token.Scopes, token.CreatedAt, token.ExpiresAt, null),
                token.Token, AccountFormErrors.None)
            : new CreatedApiToken(null, null, Failed(result.Result));
    }

    public async Task<bool> RevokeTokenAsync(ClaimsPrincipal user, Guid tokenId, CancellationToken cancellationToken) =>
        (await ApiTokenEndpoints.RevokeAsync(tokenId, user, apiTokens, clock, cancellationToken)).Result is NoContent;

    private static AccountFormErrors Failed(IResult result) => result switch
    {
        ValidationProblem validation => new AccountFormErrors(
            validation.ProblemDetails.Errors.ToDictionary(e => e.Key, e => string.Join("; ", e.Value)), null, StatusCodes.Status400BadRequest),
        ProblemHttpResult problem => new AccountFormErrors(new Dictionary<string, string>(),
            problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title, problem.StatusCode),
        _ => new AccountFormErrors(new Dictionary<string, string>(), "The change could not be made.", StatusCodes.Status400BadRequest),
    };
}
