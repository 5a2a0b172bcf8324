using Airwave.Catalog.Podcasts;

namespace Airwave.UnitTests.Catalog;

public sealed class LanguageTagTests
{
    [Theory]
    [InlineData("en", "en")]
    [InlineData("EN", "en")]
    [InlineData("en-us", "en-US")]
    [InlineData("en_GB", "en-GB")]
    [InlineData("pt-BR", "pt-BR")]
    [InlineData("zh-hant-tw", "zh-Hant-TW")]
    [InlineData("es-419", "es-419")]
    [InlineData("de-CH-1996", "de-CH-1996")]
    [InlineData("sl-rozaj-biske", "sl-rozaj-biske")]
    [InlineData("zh-yue-HK", "zh-yue-HK")]
    [InlineData("en-US-u-ca-gregory", "en-US-u-ca-gregory")]
    [InlineData("en-x-private", "en-x-private")]
    [InlineData(" fr ", "fr")]
    public void Normalize_WellFormedTag_ReturnsCanonicalCase(string input, string expected) =>
        LanguageTag.Normalize(input).ShouldBe(expected);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("english")]
    [InlineData("e")]
    [InlineData("en-")]
    [InlineData("en--US")]
    [InlineData("en-US-")]
    [InlineData("12")]
    [InlineData("en US")]
    [InlineData("de-1996-1996")]
    [InlineData("en-a")]
    [InlineData("en-a-bbb-a-ccc")]
    [InlineData("en-x")]
    [InlineData("en-USA1")]
    [InlineData("en-ÜS")]
    public void Normalize_MalformedTag_ReturnsNull(string? input) =>
        LanguageTag.Normalize(input).ShouldBeNull();
}
