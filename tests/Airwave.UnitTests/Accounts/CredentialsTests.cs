using Airwave.Accounts.Auth;

namespace Airwave.UnitTests.Accounts;

public sealed class CredentialsTests
{
    [Theory]
    [InlineData("short1!")]
    [InlineData("password123")]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("abababababab")]
    [InlineData("ann@example.com-secret")]
    public void PasswordProblem_WeakPassword_StatesTheRules(string password) =>
        Credentials.PasswordProblem(password, "ann@example.com").ShouldBe(Credentials.PasswordRule);

    [Fact]
    public void PasswordProblem_TooLong_StatesTheRules() =>
        Credentials.PasswordProblem(new string('x', 64) + new string('y', 65), "a@example.com").ShouldBe(Credentials.PasswordRule);

    [Fact]
    public void PasswordProblem_Missing_IsRequired() =>
        Credentials.PasswordProblem("", "a@example.com").ShouldBe("is required");

    [Theory]
    [InlineData("correct horse battery")]
    [InlineData("Tr0ub4dor&3xyz")]
    public void PasswordProblem_GoodPassword_None(string password) =>
        Credentials.PasswordProblem(password, "ann@example.com").ShouldBeNull();

    [Theory]
    [InlineData("ann@example.com")]
    [InlineData("ann.lee+podcasts@mail.example.co.uk")]
    public void EmailProblem_ValidAddress_None(string email) => Credentials.EmailProblem(email).ShouldBeNull();

    [Theory]
    [InlineData("ann")]
    [InlineData("ann@")]
    [InlineData("@example.com")]
    [InlineData("ann@example")]
    [InlineData("Ann <ann@example.com>")]
    [InlineData("ann@exa mple.com")]
    [InlineData("ann@example.com.")]
    public void EmailProblem_InvalidAddress_Explains(string email) =>
        Credentials.EmailProblem(email).ShouldBe("must be an email address such as name@example.com");

    [Fact]
    public void NormalizeEmail_DifferentCase_SameKey() =>
        Credentials.NormalizeEmail(" Ann@Example.COM ").ShouldBe(Credentials.NormalizeEmail("ann@example.com"));
}
