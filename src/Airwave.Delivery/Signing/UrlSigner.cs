using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Airwave.Delivery.Signing;

/// <summary>What checking a URL's signature found.</summary>
internal enum SignatureCheck
{
    /// <summary>Signed with the key, for this path, and not expired.</summary>
    Valid,

    /// <summary>Neither <c>expires</c> nor <c>signature</c> is there.</summary>
    Missing,

    /// <summary>The signature is right but its time has passed.</summary>
    Expired,

    /// <summary>Anything else: one of the two missing, repeated or malformed, or a signature that does not match.</summary>
    Invalid,
}

/// <summary>
/// Signs media URLs so a CDN (or the origin itself) can tell that Airwave handed them out, and until when:
/// <c>{path}?expires={unix seconds}&amp;signature={base64url(HMAC-SHA256(key, path + "\n" + expires))}</c>.
/// The path is signed exactly as requested (content-addressed paths need no escaping) and the expiry exactly as
/// written, so there is one valid signature per path and expiry, and the nginx edge (njs) can compute the same
/// string without parsing anything. Signatures are compared in constant time.
/// </summary>
internal sealed class UrlSigner
{
    public const string ExpiresParameter = "expires";
    public const string SignatureParameter = "signature";

    // base64url of 32 bytes, without padding.
    private const int SignatureLength = 43;
    private readonly byte[] _key;

    public UrlSigner(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _key = Encoding.UTF8.GetBytes(key);
    }

    /// <summary>The path with its expiry and signature as query parameters.</summary>
    public string Sign(string path, DateTimeOffset expires)
    {
        var unix = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{path}?{ExpiresParameter}={unix}&{SignatureParameter}={Signature(path, unix)}";
    }

    public string Signature(string path, string expires)
    {
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{path}\n{expires}"), mac);
        return Base64Url.EncodeToString(mac);
    }

    /// <summary>Checks the signature of a request for <paramref name="path"/> with the query values as received.</summary>
    public SignatureCheck Verify(string path, IReadOnlyList<string?> expires, IReadOnlyList<string?> signature, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(expires);
        ArgumentNullException.ThrowIfNull(signature);
        if (expires.Count == 0 && signature.Count == 0)
        {
            return SignatureCheck.Missing;
        }

        if (expires is not [{ } expiresText] || signature is not [{ } signatureText] || !IsUnixTime(expiresText)
            || signatureText.Length != SignatureLength)
        {
            return SignatureCheck.Invalid;
        }

        var expected = Signature(path, expiresText);
        Span<byte> given = stackalloc byte[SignatureLength];
        Span<byte> wanted = stackalloc byte[SignatureLength];
        // Non-ASCII characters become '?', which never matches a base64url signature.
        Encoding.ASCII.GetBytes(signatureText, given);
        Encoding.ASCII.GetBytes(expected, wanted);
        if (!CryptographicOperations.FixedTimeEquals(given, wanted))
        {
            return SignatureCheck.Invalid;
        }

        return long.Parse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture) < now.ToUnixTimeSeconds()
            ? SignatureCheck.Expired
            : SignatureCheck.Valid;
    }

    /// <summary>Only the digits the signer writes: no sign, no spaces, no leading zeros, and within a long.</summary>
    private static bool IsUnixTime(string text) =>
        text.Length is > 0 and <= 18 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0');
}
