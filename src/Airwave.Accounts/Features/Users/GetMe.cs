using Airwave.Accounts.Data;

namespace Airwave.Accounts.Features.Users;

/// <summary><c>GET /api/v1/users/me</c>: the signed-in user.</summary>
internal static class GetMe
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/users/me", HandleAsync)
            .RequireAuthorization(Policies.Read)
            .WithName("GetMe")
            .WithSummary("The signed-in user");

    private static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> HandleAsync(
        ClaimsPrincipal principal, UserStore users, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(principal.UserId()!.Value, cancellationToken);
        return user is null ? Problems.NotFound("The user") : TypedResults.Ok(UserResponse.From(user));
    }
}
