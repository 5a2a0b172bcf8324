using Airwave.Delivery;

namespace Airwave.UnitTests.Delivery;

public sealed class DeliveryOptionsTests
{
    private const string Key = "0123456789abcdefghijABCDEFGHIJ+/=_-.~";

    [Fact]
    public void Validate_Defaults_Fine() => new DeliveryOptions().Validate().ShouldBeEmpty();

    [Fact]
    public void Validate_RequiredWithoutKey_NamesTheKey() =>
        new DeliveryOptions { RequireSignedUrls = true }.Validate().ShouldHaveSingleItem().ShouldContain("Delivery:SigningKey is required");

    [Theory]
    [InlineData("short-key")]
    [InlineData("0123456789abcdefghij0123456789 with space")]
    [InlineData("0123456789abcdefghij0123456789\"quote")]
    [InlineData("0123456789abcdefghij0123456789$dollar")]
    public void Validate_BadKey_DescribedButNotEchoed(string key)
    {
        var problem = new DeliveryOptions { SigningKey = key }.Validate().ShouldHaveSingleItem();

        problem.ShouldContain("Delivery:SigningKey must be at least 32 characters");
        problem.ShouldNotContain(key);
    }

    [Fact]
    public void ToString_LeavesTheKeyOut()
    {
        var options = new DeliveryOptions { SigningKey = Key, RequireSignedUrls = true };

        options.Validate().ShouldBeEmpty();
        options.ToString().ShouldNotContain(Key);
        options.ToString().ShouldContain("required");
    }

    [Theory]
    [InlineData("00:00:30")]
    [InlineData("7.00:00:01")]
    public void Validate_LifetimeOutOfRange_Named(string lifetime) =>
        new DeliveryOptions { SignedUrlLifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture) }
            .Validate().ShouldHaveSingleItem().ShouldContain("Delivery:SignedUrlLifetime");

    [Theory]
    [InlineData("cdn.example.com")]
    [InlineData("ftp://cdn.example.com")]
    [InlineData("https://cdn.example.com/?x=1")]
    [InlineData("https://user:pw@cdn.example.com")]
    public void Validate_BadCdnBaseUrl_Named(string url) =>
        new DeliveryOptions { CdnBaseUrl = url }.Validate().ShouldHaveSingleItem().ShouldContain("Delivery:CdnBaseUrl");

    [Fact]
    public void CdnBase_TrailingSlash_Trimmed() => new DeliveryOptions { CdnBaseUrl = " https://cdn.example.com/ " }.CdnBase.ShouldBe("https://cdn.example.com");

    [Fact]
    public void Validate_LogSettings_Named()
    {
        var problems = new DeliveryOptions
        {
            LogRetention = TimeSpan.FromMinutes(5),
            LogBatchSize = 0,
            LogFlushInterval = TimeSpan.Zero,
        }.Validate().ToList();

        problems.Count.ShouldBe(3);
        problems.ShouldContain(p => p.Contains("Delivery:LogRetention", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("Delivery:LogBatchSize", StringComparison.Ordinal));
        problems.ShouldContain(p => p.Contains("Delivery:LogFlushInterval", StringComparison.Ordinal));
    }
}
