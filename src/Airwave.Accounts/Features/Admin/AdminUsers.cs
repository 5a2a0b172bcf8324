using Airwave.Accounts.Contracts;
using Airwave.Accounts.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Airwave.Accounts.Features.Admin;

/// <summary>
/// The accounts part of administration (admins only; ADR 0018): <c>GET /api/v1/admin/users</c> lists accounts,
/// <c>POST …/users/{userId}/disable</c> and <c>…/enable</c> change whether one may sign in. Disabling takes effect on
/// the next request: sign-in sessions are revoked, and every bearer, cookie and API token lookup checks
/// <c>disabled_at</c>, so nothing the account holds works any more. Each change is kept (who, when, why) and listed
/// with the account. What the account published stays public: removing content is a takedown, a separate decision.
/// </summary>
internal static class AdminUsers
{
    public const int MaxReasonLength = 1000;
    public const int MaxSearchLength = 200;

    internal sealed record ReasonRequest(string? Reason);

    /// <summary>An account as an admin sees it: who, what role, and whether (and why) it is disabled.</summary>
    internal sealed record AdminUserResponse(Guid Id, string Email, string DisplayName, string Role, DateTimeOffset CreatedAt,
        bool Disabled, DateTimeOffset? DisabledAt, string? DisabledReason, Guid? DisabledBy)
    {
        public static AdminUserResponse From(UserRow user) => new(user.Id, user.Email, user.DisplayName, user.Role, user.CreatedAt,
            user.DisabledAt is not null, user.DisabledAt, user.DisabledReason, user.DisabledBy);
    }

    /// <summary>An account with every administrative change made to it, oldest first.</summary>
    internal sealed record AdminUserDetails(AdminUserResponse User, IReadOnlyList<AccountActionResponse> History);

    internal sealed record AccountActionResponse(Guid Id, string Action, string? Reason, Guid ActorId, DateTimeOffset CreatedAt);

    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapGet("/users", ListAsync)
            .RequireAuthorization(Policies.AdminRead)
            .WithName("AdminListUsers")
            .WithSummary("List accounts (admins): search by email or name, filter by role; cursor-paginated");
        admin.MapGet("/users/{userId:guid}", GetAsync)
            .RequireAuthorization(Policies.AdminRead)
            .WithName("AdminGetUser")
            .WithSummary("An account and its history of administrative changes (admins)");
        admin.MapPost("/users/{userId:guid}/disable", DisableAsync)
            .RequireAuthorization(Policies.AdminWrite)
            .WithName("AdminDisableUser")
            .WithSummary("Disable an account (admins): it cannot sign in, its sessions and tokens stop working at once");
        admin.MapPost("/users/{userId:guid}/enable", EnableAsync)
            .RequireAuthorization(Policies.AdminWrite)
            .WithName("AdminEnableUser")
            .WithSummary("Enable a disabled account (admins); its API tokens work again, sessions need a new sign-in");
    }

    private static async Task<Results<Ok<Page<AdminUserResponse>>, ValidationProblem>> ListAsync(
        int? limit, string? cursor, string? search, string? role, UserStore users, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (take, after) = Cursor.Parse(limit, cursor, errors);
        errors.AddIf(search?.Length > MaxSearchLength, "search", $"must be at most {MaxSearchLength} characters")
            .AddIf(role is not null && role is not (Roles.Creator or Roles.Listener or Roles.Admin), "role", "must be creator, listener or admin");
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var rows = await users.ListAsync(string.IsNullOrWhiteSpace(search) ? null : search.Trim(), role, take, after, cancellationToken);
        return TypedResults.Ok(Cursor.ToPage(rows, take, r => new Cursor(r.CreatedAt, r.Id), AdminUserResponse.From));
    }

    private static async Task<Results<Ok<AdminUserDetails>, ProblemHttpResult>> GetAsync(Guid userId, UserStore users, CancellationToken cancellationToken)
    {
        var user = await users.FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return Problems.NotFound("The user");
        }

        var history = await users.ActionsAsync(userId, cancellationToken);
        return TypedResults.Ok(new AdminUserDetails(AdminUserResponse.From(user),
            [.. history.Select(a => new AccountActionResponse(a.Id, a.Action, a.Reason, a.ActorId, a.CreatedAt))]));
    }

    private static Task<Results<Ok<AdminUserResponse>, ValidationProblem, ProblemHttpResult>> DisableAsync(
        Guid userId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ReasonRequest? request, ClaimsPrincipal admin,
        IUserAdministration administration, UserStore users, CancellationToken cancellationToken) =>
        AnswerAsync(administration.DisableAsync(admin.UserId()!.Value, userId, request?.Reason, cancellationToken), userId, users, cancellationToken);

    private static Task<Results<Ok<AdminUserResponse>, ValidationProblem, ProblemHttpResult>> EnableAsync(
        Guid userId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] ReasonRequest? request, ClaimsPrincipal admin,
        IUserAdministration administration, UserStore users, CancellationToken cancellationToken) =>
        AnswerAsync(administration.EnableAsync(admin.UserId()!.Value, userId, request?.Reason, cancellationToken), userId, users, cancellationToken);

    /// <summary>The HTTP answer to a disable or enable: the account as it is now, or the problem the rules found.</summary>
    private static async Task<Results<Ok<AdminUserResponse>, ValidationProblem, ProblemHttpResult>> AnswerAsync(Task<UserChangeResult> change,
        Guid userId, UserStore users, CancellationToken cancellationToken)
    {
        var result = await change;
        switch (result.Outcome)
        {
            case UserChangeOutcome.Invalid:
                var errors = new FieldErrors();
                foreach (var (field, message) in result.Errors)
                {
                    errors.Add(field, message);
                }

                return errors.ToProblem();
            case UserChangeOutcome.NotFound:
                return Problems.NotFound("The user");
            case UserChangeOutcome.Conflict:
                return Problems.Conflict(result.Problem!, result.ProblemTitle!);
            default:
                return TypedResults.Ok(AdminUserResponse.From((await users.FindAsync(userId, cancellationToken))!));
        }
    }
}
