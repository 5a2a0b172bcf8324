using Airwave.Core.Text;

namespace Airwave.UnitTests.Core;

public sealed class WebUrlTests
{
    [Theory]
    [InlineData("https://example.com")]
    [InlineData("http://example.com/show?x=1")]
    [InlineData(null)]
    [InlineData("")]
    public void Problem_HttpOrEmpty_None(string? url) => WebUrl.Problem(url).ShouldBeNull();

    [Theory]
    [InlineData("example.com")]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://example.com")]
    [InlineData("/relative")]
    public void Problem_NotAbsoluteHttp_Explains(string url) =>
        WebUrl.Problem(url).ShouldBe("must be an absolute http:// or https:// URL");
}
