namespace Airwave.Accounts.Contracts;

/// <summary>Who a user is, as other modules may see it.</summary>
public sealed record UserSummary(Guid Id, string Email, string DisplayName, string Role);

/// <summary>
/// Looks up accounts for other modules: an import checks the importing creator's email against a locked feed's
/// owner, and the CLI acts for a creator named by email.
/// </summary>
public interface IUserDirectory
{
    /// <summary>The active account with this id, or null.</summary>
    Task<UserSummary?> FindAsync(Guid userId, CancellationToken cancellationToken);

    /// <summary>The active account with this email (in any letter case), or null.</summary>
    Task<UserSummary?> FindByEmailAsync(string email, CancellationToken cancellationToken);
}
