using Airwave.Accounts.Auth;
using Airwave.Accounts.Contracts;
using Airwave.Accounts.Data;

namespace Airwave.Accounts.Features.Users;

internal sealed class AccountAdministration(UserStore users, Passwords passwords, TimeProvider clock) : IAccountAdministration
{
    public async Task<AccountChangeResult> CreateAdminAsync(string email, string displayName, string password, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (Credentials.EmailProblem(email) is { } emailProblem)
        {
            errors.Add("email", emailProblem);
        }

        if (Credentials.PasswordProblem(password, email) is { } passwordProblem)
        {
            errors.Add("password", passwordProblem);
        }

        if (Credentials.DisplayNameProblem(displayName) is { } nameProblem)
        {
            errors.Add("display_name", nameProblem);
        }

        if (errors.Any)
        {
            return new AccountChangeResult(null, errors.ToDictionary().AsReadOnly());
        }

        var now = clock.GetUtcNow();
        var user = new UserRow
        {
            Id = Guid.CreateVersion7(now),
            Email = email.Trim(),
            EmailNormalized = Credentials.NormalizeEmail(email),
            DisplayName = displayName.Trim(),
            PasswordHash = passwords.Hash(password),
            Role = Roles.Admin,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await users.TryInsertAsync(user, cancellationToken))
        {
            return new AccountChangeResult(null, new Dictionary<string, string[]>
            {
                ["email"] = ["an account with this email address already exists"],
            });
        }

        return new AccountChangeResult(user.Id, new Dictionary<string, string[]>());
    }
}
