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

/// <param name="Problem">For a conflict: what is wrong, in a sentence; <paramref name="ProblemTitle"/> names it in a few words.</param>
public sealed record UserChangeResult(UserChangeOutcome Outcome, IReadOnlyDictionary<string, string> Errors, string? Problem = null,
    string? ProblemTitle = null);

/// <summary>
/// The accounts part of administration, used by the admin API (<c>/api/v1/admin/users</c>, ADR 0018) and the admin
/// web pages alike: a disable needs a reason, an admin cannot disable themselves, every change is kept with who, when
/// and why. The caller has checked that <c>actorId</c> is an admin.
/// </summary>
public interface IUserAdministration
{
    /// <summary>Accounts whose email or name contains <paramref name="search"/> (all when null), newest first.</summary>
    Task<IReadOnlyList<AdministeredUser>> SearchAsync(string? search, int limit, CancellationToken cancellationToken);

    Task<UserChangeResult> DisableAsync(Guid actorId, Guid userId, string? reason, CancellationToken cancellationToken);

    Task<UserChangeResult> EnableAsync(Guid actorId, Guid userId, string? reason, CancellationToken cancellationToken);
}
