using Airwave.Accounts.Auth;

namespace Airwave.Accounts.Features.SignIn;

/// <summary><c>POST /api/v1/auth/refresh</c>: a refresh token for a new token pair (the old refresh token stops working).</summary>
internal static class Refresh
{
    internal sealed record Request(string? RefreshToken);

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/auth/refresh", HandleAsync)
            .AllowAnonymous()
            .WithName("RefreshToken")
            .WithSummary("Exchange a refresh token for a new access and refresh token");

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Request request, TokenPairs tokens, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.RefreshToken))
        {
            return Problems.Validation("refresh_token", "is required");
        }

        var (outcome, pair) = await tokens.RefreshAsync(request.RefreshToken.Trim(), cancellationToken);
        return outcome switch
        {
            TokenPairs.RefreshOutcome.Refreshed => TypedResults.Ok(pair!),
            TokenPairs.RefreshOutcome.Reused => Problems.Unauthorized(
                "This refresh token was already used. The session has been signed out; sign in again."),
            _ => Problems.Unauthorized("The refresh token is invalid, expired or revoked."),
        };
    }
}
