using System.Web;
using Airwave.Delivery.Signing;

namespace Airwave.UnitTests.Delivery;

public sealed class UrlSignerTests
{
    private const string Key = "test-signing-key-0123456789abcdefghij";
    private static readonly string Path = $"/media/{new string('a', 64)}.mp3";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
    private readonly UrlSigner _signer = new(Key);

    [Fact]
    public void Signature_KnownAnswer_MatchesOpensslHmac()
    {
        // printf '/media/aaa…a.mp3\n1700000000' | openssl dgst -sha256 -hmac KEY -binary | base64 | tr '+/' '-_' | tr -d '='
        _signer.Signature(Path, "1700000000").ShouldBe("bywV-XNSQ7qbdJc7ZR_109Lef6Nv6HH11OapfXLc0RA");
    }

    [Fact]
    public void Sign_ThenVerify_Valid()
    {
        var (path, expires, signature) = Split(_signer.Sign(Path, Now.AddHours(1)));

        path.ShouldBe(Path);
        expires.ShouldBe("1700003600");
        signature.Length.ShouldBe(43);
        _signer.Verify(path, [expires], [signature], Now).ShouldBe(SignatureCheck.Valid);
    }

    [Fact]
    public void Verify_AtTheExpirySecond_ValidThenExpired()
    {
        var (path, expires, signature) = Split(_signer.Sign(Path, Now));

        _signer.Verify(path, [expires], [signature], Now).ShouldBe(SignatureCheck.Valid);
        _signer.Verify(path, [expires], [signature], Now.AddSeconds(1)).ShouldBe(SignatureCheck.Expired);
        _signer.Verify(path, [expires], [signature], Now.AddDays(30)).ShouldBe(SignatureCheck.Expired);
    }

    [Theory]
    [InlineData("/media/bbbb.mp3")]
    [InlineData("/media/AAAA.mp3")]
    [InlineData("/media/aaaa.m4a")]
    [InlineData("/media/aaaa.mp3/")]
    [InlineData("/MEDIA/aaaa.mp3")]
    [InlineData("//media/aaaa.mp3")]
    public void Verify_OtherPath_Invalid(string other)
    {
        var signed = new UrlSigner(Key);
        var (_, expires, signature) = Split(signed.Sign("/media/aaaa.mp3", Now.AddHours(1)));

        signed.Verify(other, [expires], [signature], Now).ShouldBe(SignatureCheck.Invalid);
    }

    [Theory]
    [InlineData("1700003601")]
    [InlineData("1700003599")]
    [InlineData("01700003600")]
    [InlineData("+1700003600")]
    [InlineData(" 1700003600")]
    [InlineData("1700003600 ")]
    [InlineData("1700003600.0")]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData("99999999999999999999999")]
    [InlineData("１７００００３６００")]
    public void Verify_TamperedExpiry_Invalid(string expires)
    {
        var (path, _, signature) = Split(_signer.Sign(Path, Now.AddHours(1)));

        _signer.Verify(path, [expires], [signature], Now).ShouldBe(SignatureCheck.Invalid);
    }

    [Fact]
    public void Verify_ExpiryPushedLater_InvalidNotValid()
    {
        // An expired URL cannot be revived by moving its expiry: the signature covers it.
        var (path, _, signature) = Split(_signer.Sign(Path, Now.AddSeconds(-10)));

        _signer.Verify(path, ["4102444800"], [signature], Now).ShouldBe(SignatureCheck.Invalid);
    }

    [Fact]
    public void Verify_WrongKey_Invalid()
    {
        var (path, expires, signature) = Split(new UrlSigner("another-signing-key-0123456789abcdefgh").Sign(Path, Now.AddHours(1)));

        _signer.Verify(path, [expires], [signature], Now).ShouldBe(SignatureCheck.Invalid);
    }

    [Fact]
    public void Verify_NothingGiven_Missing() => _signer.Verify(Path, [], [], Now).ShouldBe(SignatureCheck.Missing);

    [Fact]
    public void Verify_OnlyOneOfTheTwo_Invalid()
    {
        var (path, expires, signature) = Split(_signer.Sign(Path, Now.AddHours(1)));

        _signer.Verify(path, [expires], [], Now).ShouldBe(SignatureCheck.Invalid);
        _signer.Verify(path, [], [signature], Now).ShouldBe(SignatureCheck.Invalid);
    }

    [Fact]
    public void Verify_RepeatedParameters_Invalid()
    {
        var (path, expires, signature) = Split(_signer.Sign(Path, Now.AddHours(1)));

        _signer.Verify(path, [expires, expires], [signature], Now).ShouldBe(SignatureCheck.Invalid);
        _signer.Verify(path, [expires], [signature, signature], Now).ShouldBe(SignatureCheck.Invalid);
    }

    [Fact]
    public void Verify_SignatureInOtherEncodings_Invalid()
    {
        var (path, expires, signature) = Split(_signer.Sign(Path, Now.AddHours(1)));
        var bytes = Convert.FromBase64String(signature.Replace('-', '+').Replace('_', '/') + "=");
        var standard = Convert.ToBase64String(bytes);

        // Padded, standard base64, hex, upper-cased, cut short, one character changed, non-ASCII look-alikes.
        string[] variants =
        [
            signature + "=", standard, standard.TrimEnd('='), Convert.ToHexString(bytes), signature.ToUpperInvariant(), signature[..42],
            signature[..42] + (signature[42] == 'A' ? 'B' : 'A'), "ѕ" + signature[1..], new string(' ', 43), signature + "A",
        ];
        foreach (var variant in variants.Where(v => v != signature))
        {
            _signer.Verify(path, [expires], [variant], Now).ShouldBe(SignatureCheck.Invalid, variant);
        }

        _signer.Verify(path, [expires], [null], Now).ShouldBe(SignatureCheck.Invalid);
    }

    [Fact]
    public void Sign_QueryNeedsNoEscaping()
    {
        // base64url and digits only, so the URL is the same before and after URL-encoding.
        var signed = _signer.Sign(Path, Now.AddHours(1));
        var query = signed[(signed.IndexOf('?', StringComparison.Ordinal) + 1)..];

        foreach (var pair in query.Split('&'))
        {
            var value = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
            Uri.EscapeDataString(value).ShouldBe(value);
        }
    }

    private static (string Path, string Expires, string Signature) Split(string signedUrl)
    {
        var question = signedUrl.IndexOf('?', StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(signedUrl[(question + 1)..]);
        return (signedUrl[..question], query[UrlSigner.ExpiresParameter]!, query[UrlSigner.SignatureParameter]!);
    }
}
