namespace Airwave.Accounts.Contracts;

/// <summary>The outcome of an administrative account change; <see cref="Errors"/> names each field at fault.</summary>
public sealed record AccountChangeResult(Guid? UserId, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>Operator actions on accounts, used by the CLI (<c>airwave users …</c>).</summary>
public interface IAccountAdministration
{
    /// <summary>Creates an admin account; admins cannot be created through the public API.</summary>
    Task<AccountChangeResult> CreateAdminAsync(string email, string displayName, string password, CancellationToken cancellationToken);
}
