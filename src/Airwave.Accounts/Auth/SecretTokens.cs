namespace Airwave.Accounts.Auth;

/// <summary>
/// Opaque bearer secrets: 256 random bits behind a kind prefix (so leaked tokens are recognisable by secret
/// scanners and by the validator). Only the SHA-256 hash is stored; a slow hash is unnecessary at this entropy.
/// </summary>
internal static class SecretTokens
{
    public const string AccessPrefix = "aw_at_";
    public const string RefreshPrefix = "aw_rt_";
    public const string PersonalPrefix = "aw_pat_";

    public static string Create(string prefix) => OpaqueSecrets.Create(prefix);

    public static string Hash(string token) => OpaqueSecrets.Hash(token);

    /// <summary>The part shown in token lists so a person can tell tokens apart.</summary>
    public static string DisplayPrefix(string token) => token[..(PersonalPrefix.Length + 6)];
}
