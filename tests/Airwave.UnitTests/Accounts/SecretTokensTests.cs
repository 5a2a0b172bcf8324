using Airwave.Accounts.Auth;

namespace Airwave.UnitTests.Accounts;

public sealed class SecretTokensTests
{
    [Fact]
    public void Create_TwoTokens_DifferAndCarryPrefix()
    {
        var a = SecretTokens.Create(SecretTokens.PersonalPrefix);
        var b = SecretTokens.Create(SecretTokens.PersonalPrefix);
        a.ShouldNotBe(b);
        a.ShouldStartWith("aw_pat_");
        // 32 random bytes in unpadded base64url: 43 characters.
        a.Length.ShouldBe("aw_pat_".Length + 43);
        a.ShouldNotContain("+");
        a.ShouldNotContain("/");
    }

    [Fact]
    public void Hash_SameToken_SameHash_NotTheTokenItself()
    {
        var token = SecretTokens.Create(SecretTokens.AccessPrefix);
        SecretTokens.Hash(token).ShouldBe(SecretTokens.Hash(token));
        SecretTokens.Hash(token).ShouldNotContain(token[6..]);
        SecretTokens.Hash(token).Length.ShouldBe(64);
    }
}
