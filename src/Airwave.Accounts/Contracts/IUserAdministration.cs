using Airwave.Accounts.Data;
using Airwave.Accounts.Features.Admin;

namespace Airwave.Accounts.Contracts;

/// <summary>An account as an admin page lists it.</summary>
/// <param name="DisabledAt">When it was disabled; null while it may sign in.</param>
public sealed record AdministeredUser(Guid Id, string Email, string DisplayName, string Role, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt,
    string? DisabledReason);

/// <summary>How a disable or enable ended.</summary>
public enum UserChangeOutcome
{
    Done,

    /// <summary><see cref="UserChangeResult.Errors"/> names each field and why.</summary>
    Invalid,

    NotFound,

    /// <summary>Disabled already, not disabled, or one's own account: <see cref="UserChangeResult.Problem"/> says which.</summary>
    Conflict,
}

public sealed record UserChangeResult(UserChangeOutcome Outcome, IReadOnlyDictionary<string, string> Errors, string? Problem = null);

/// <summary>
/// The accounts part of administration for the admin web pages, with the rules of the admin API
/// (<c>/api/v1/admin/users</c>, ADR 0018): a disable needs a reason, an admin cannot disable themselves, every change is
/// kept with who, when and why. The caller has checked that <c>actorId</c> is an admin.
/// </summary>
public interface IUserAdministration
{
    /// <summary>Accounts whose email or name contains <paramref name="search"/> (all when null), newest first.</summary>
    Task<IReadOnlyList<AdministeredUser>> SearchAsync(string? search, int limit, CancellationToken cancellationToken);

    Task<UserChangeResult> DisableAsync(Guid actorId, Guid userId, string? reason, CancellationToken cancellationToken);

    Task<UserChangeResult> EnableAsync(Guid actorId, Guid userId, string? reason, CancellationToken cancellationToken);
}

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

        if (actorId == userId)
        {
            return new UserChangeResult(UserChangeOutcome.Conflict, errors, "You cannot disable your own account; ask another admin.");
        }

        return await users.DisableAsync(Action(userId, "disable", text, actorId), cancellationToken)
            ? new UserChangeResult(UserChangeOutcome.Done, errors)
            : new UserChangeResult(UserChangeOutcome.Conflict, errors, "The account is disabled already.");
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
            : new UserChangeResult(UserChangeOutcome.Conflict, errors, "The account is not disabled.");
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
