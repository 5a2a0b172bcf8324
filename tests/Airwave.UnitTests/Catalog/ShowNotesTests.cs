using Airwave.Catalog.Text;

namespace Airwave.UnitTests.Catalog;

public sealed class ShowNotesTests
{
    [Fact]
    public void ToHtml_Markdown_RendersFormatting()
    {
        ShowNotes.ToHtml("**Hi** and [site](https://example.com)")
            .ShouldBe("<p><strong>Hi</strong> and <a href=\"https://example.com\">site</a></p>");
    }

    [Fact]
    public void ToHtml_RawHtml_IsEscapedNotPassedThrough()
    {
        var html = ShowNotes.ToHtml("<script>alert(1)</script> <img src=x onerror=alert(1)>");
        html.ShouldNotContain("<script");
        html.ShouldNotContain("<img");
        html.ShouldContain("&lt;script&gt;");
    }

    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JavaScript:alert(1))")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[x](vbscript:msgbox)")]
    [InlineData("<javascript:alert(1)>")]
    public void ToHtml_UnsafeLinkScheme_LinkTargetRemoved(string markdown)
    {
        var html = ShowNotes.ToHtml(markdown).ToLowerInvariant();
        html.ShouldNotContain("javascript:");
        html.ShouldNotContain("data:");
        html.ShouldNotContain("vbscript:");
    }

    [Theory]
    [InlineData("[x](mailto:a@example.com)", "mailto:a@example.com")]
    [InlineData("[x](/episodes/2)", "/episodes/2")]
    [InlineData("[x](#t=1:00)", "#t=1:00")]
    public void ToHtml_SafeLinks_Kept(string markdown, string href) =>
        ShowNotes.ToHtml(markdown).ShouldContain($"href=\"{href}\"");

    [Fact]
    public void Problem_RenderedOverLimit_StatesSizeAndLimit()
    {
        var markdown = new string('a', 3990) + " **b**";
        var problem = ShowNotes.Problem(markdown, ShowNotes.MaxPodcastDescriptionBytes);
        problem.ShouldNotBeNull();
        problem.ShouldContain("the limit is 4000 bytes");
    }

    [Fact]
    public void Problem_MultiByteCharacters_CountedInBytes()
    {
        // 1,400 three-byte characters: 1,400 characters but 4,200 bytes.
        ShowNotes.Problem(new string('€', 1400), ShowNotes.MaxPodcastDescriptionBytes).ShouldNotBeNull();
        ShowNotes.Problem(new string('€', 1300), ShowNotes.MaxPodcastDescriptionBytes).ShouldBeNull();
    }
}
