using Airwave.Accounts.Contracts;
using Airwave.Accounts.Data;

namespace Airwave.Accounts.Features.Admin;

/// <summary>The rules of disabling and enabling accounts, in one place for the admin API and the admin pages.</summary>
internal sealed class UserAdministration(UserStore users, TimeProvider clock) : IUserAdministration
{
    public async Task<IReadOnlyList<AdministeredUser>> SearchAsync(string? search, int limit, CancellationToken cancellationToken)
    {
        var rows = await users.ListAsync(string.IsNullOrWhiteSpace(search) ? null : search.Trim(), null, limit, null, cancellationToken);
        return [.. rows.Select(u => new AdministeredUser(u.Id, u.Email, u.DisplayName, u.Role, u.CreatedAt, u.DisabledAt, u.DisabledReason))];
    }

    public async Task<UserChangeResult> DisableAsync(Guid actorId, Guid userId, string? reason, CancellationToken cancellationToken)
    {
        var (text, errors) = Reason(reason, required: true);
        if (errors.Count > 0)
        {
            return new UserChangeResult(UserChangeOutcome.Invalid, errors);
        }

        if (await users.FindAsync(userId, cancellationToken) is null)
        {
            return new UserChangeResult(UserChangeOutcome.NotFound, errors);
        }

        // An admin locking themselves out could leave a server with no admin able to undo it.
        if (actorId == userId)
        {
            return new UserChangeResult(UserChangeOutcome.Conflict, errors, "You cannot disable your own account; ask another admin.",
                "Cannot disable yourself");
        }

        return await users.DisableAsync(Action(userId, "disable", text, actorId), cancellationToken)
            ? new UserChangeResult(UserChangeOutcome.Done, errors)
            : new UserChangeResult(UserChangeOutcome.Conflict, errors, "The account is disabled already; enable it first to disable it with another reason.", "Already disabled");
    }

    public async Task<UserChangeResult> EnableAsync(Guid actorId, Guid userId, string? reason, CancellationToken cancellationToken)
    {
        var (text, errors) = Reason(reason, required: false);
        if (errors.Count > 0)
        {
            return new UserChangeResult(UserChangeOutcome.Invalid, errors);
        }

        if (await users.FindAsync(userId, cancellationToken) is null)
        {
            return new UserChangeResult(UserChangeOutcome.NotFound, errors);
        }

        return await users.EnableAsync(Action(userId, "enable", text, actorId), cancellationToken)
            ? new UserChangeResult(UserChangeOutcome.Done, errors)
            : new UserChangeResult(UserChangeOutcome.Conflict, errors, "The account is not disabled.", "Not disabled");
    }

    private static (string? Reason, Dictionary<string, string> Errors) Reason(string? text, bool required)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var reason = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (required && reason is null)
        {
            errors["reason"] = "is required: say why, it is kept with the account";
        }
        else if (reason?.Length > AdminUsers.MaxReasonLength)
        {
            errors["reason"] = $"must be at most {AdminUsers.MaxReasonLength} characters";
        }

        return (reason, errors);
    }

    private AccountActionRow Action(Guid userId, string action, string? reason, Guid actorId)
    {
        var now = clock.GetUtcNow();
        return new AccountActionRow
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Action = action,
            Reason = reason,
            ActorId = actorId,
            CreatedAt = now,
        };
    }
}
