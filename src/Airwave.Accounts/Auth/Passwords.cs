using Microsoft.AspNetCore.Identity;

namespace Airwave.Accounts.Auth;

/// <summary>
/// The framework's PasswordHasher (PBKDF2-HMAC-SHA512, salted, versioned format). Its user argument is unused,
/// so this wrapper keeps callers from having to invent one.
/// </summary>
internal sealed class Passwords
{
    private static readonly object NoUser = new();
    private readonly PasswordHasher<object> _hasher = new();

    public string Hash(string password) => _hasher.HashPassword(NoUser, password);

    public PasswordVerificationResult Verify(string hash, string password) =>
        _hasher.VerifyHashedPassword(NoUser, hash, password);
}
