using Airwave.Accounts.Auth;
using Airwave.Accounts.Contracts;
using Airwave.Accounts.Data;

namespace Airwave.Accounts.Features.Users;

/// <summary>Answers <see cref="IUserDirectory"/> from the users table; disabled accounts are not found.</summary>
internal sealed class UserDirectory(UserStore users) : IUserDirectory
{
    public async Task<UserSummary?> FindAsync(Guid userId, CancellationToken cancellationToken) =>
        Summary(await users.FindAsync(userId, cancellationToken));

    public async Task<UserSummary?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        Summary(await users.FindByEmailAsync(Credentials.NormalizeEmail(email), cancellationToken));

    private static UserSummary? Summary(UserRow? user) =>
        user is null || user.DisabledAt is not null ? null : new UserSummary(user.Id, user.Email, user.DisplayName, user.Role);
}
