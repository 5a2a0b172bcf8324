using System.Security.Cryptography;
using System.Text;

namespace Airwave.Core.Identity;

/// <summary>
/// Opaque secrets handed to people (API tokens, private feed URLs): 256 random bits, base64url, behind a kind prefix
/// so a leaked secret is recognisable by secret scanners. Only <see cref="Hash"/> is stored; a slow hash is
/// unnecessary at this entropy, and a plain SHA-256 lets a request find its row by an indexed lookup.
/// </summary>
public static class OpaqueSecrets
{
    public static string Create(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
