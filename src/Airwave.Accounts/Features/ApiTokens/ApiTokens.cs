using Airwave.Accounts.Auth;
using Airwave.Accounts.Data;

namespace Airwave.Accounts.Features.ApiTokens;

/// <summary>
/// Personal API tokens for integrations: <c>POST/GET /api/v1/users/me/tokens</c>, <c>DELETE …/{tokenId}</c>.
/// The secret is shown once, at creation. Only a signed-in person (not another token) may create tokens,
/// so a leaked read-only token can never mint a write token.
/// </summary>
internal static class ApiTokens
{
    public const int MaxNameLength = 100;
    public const int MaxLifetimeDays = 3650;

    internal sealed record CreateRequest(string? Name, string[]? Scopes, int? ExpiresInDays);

    internal sealed record TokenSummary(Guid Id, string Name, string TokenPrefix, string[] Scopes,
        DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);

    internal sealed record CreatedToken(Guid Id, string Name, string Token, string TokenPrefix, string[] Scopes,
        DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

    internal sealed record TokenList(IReadOnlyList<TokenSummary> Items);

    public static void Map(IEndpointRouteBuilder api)
    {
        var tokens = api.MapGroup("/users/me/tokens").WithTags("Accounts");
        tokens.MapPost("", CreateAsync).RequireAuthorization(Policies.Write)
            .WithName("CreateApiToken").WithSummary("Create a personal API token (the secret is shown once)");
        tokens.MapGet("", ListAsync).RequireAuthorization(Policies.Read)
            .WithName("ListApiTokens").WithSummary("List personal API tokens (without secrets)");
        tokens.MapDelete("/{tokenId:guid}", RevokeAsync).RequireAuthorization(Policies.Write)
            .WithName("RevokeApiToken").WithSummary("Revoke a personal API token");
    }

    internal static async Task<Results<Created<CreatedToken>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateRequest request, ClaimsPrincipal user, ApiTokenStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (user.AuthMethod() == AuthMethods.PersonalToken)
        {
            return Problems.Forbidden("API tokens can only be created from a signed-in session, not with another API token.");
        }

        var errors = new FieldErrors()
            .AddIf(string.IsNullOrWhiteSpace(request.Name), "name", "is required")
            .AddIf(request.Name?.Trim().Length > MaxNameLength, "name", $"must be at most {MaxNameLength} characters")
            .AddIf(request.Scopes is null || request.Scopes.Length == 0, "scopes", "must list at least one of: read, write, analytics")
            .AddIf(request.ExpiresInDays is < 1 or > MaxLifetimeDays, "expires_in_days", $"must be between 1 and {MaxLifetimeDays}");
        foreach (var scope in (request.Scopes ?? []).Where(s => !Scopes.All.Contains(s)).Distinct())
        {
            errors.Add("scopes", $"'{scope}' is not a scope; use read, write or analytics");
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var secret = SecretTokens.Create(SecretTokens.PersonalPrefix);
        var scopes = Scopes.All.Where(request.Scopes!.Contains).ToArray();
        var row = new ApiTokenRow
        {
            Id = Guid.CreateVersion7(now),
            UserId = user.UserId()!.Value,
            Name = request.Name!.Trim(),
            TokenHash = SecretTokens.Hash(secret),
            TokenPrefix = SecretTokens.DisplayPrefix(secret),
            Scopes = string.Join(',', scopes),
            CreatedAt = now,
            ExpiresAt = request.ExpiresInDays is { } days ? now.AddDays(days) : null,
        };
        await store.InsertAsync(row, cancellationToken);
        return TypedResults.Created("/api/v1/users/me/tokens",
            new CreatedToken(row.Id, row.Name, secret, row.TokenPrefix, scopes, row.CreatedAt, row.ExpiresAt));
    }

    internal static async Task<Ok<TokenList>> ListAsync(ClaimsPrincipal user, ApiTokenStore store, CancellationToken cancellationToken)
    {
        var rows = await store.ListAsync(user.UserId()!.Value, cancellationToken);
        return TypedResults.Ok(new TokenList([.. rows.Select(r => new TokenSummary(
            r.Id, r.Name, r.TokenPrefix, r.Scopes.Split(','), r.CreatedAt, r.ExpiresAt, r.LastUsedAt))]));
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        Guid tokenId, ClaimsPrincipal user, ApiTokenStore store, TimeProvider clock, CancellationToken cancellationToken) =>
        await store.RevokeAsync(user.UserId()!.Value, tokenId, clock.GetUtcNow(), cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("The API token");
}
