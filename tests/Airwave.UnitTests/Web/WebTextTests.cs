using System.Text.Json;
using Airwave.Catalog.Contracts;
using Airwave.Catalog.Podcasts;
using Airwave.Core.Http;
using Airwave.Web.Features;
using Airwave.Web.Seo;

namespace Airwave.UnitTests.Web;

public sealed class WebTextTests
{
    [Theory]
    [InlineData("Short and sweet.", 160, "Short and sweet.")]
    [InlineData("  padded  ", 160, "padded")]
    [InlineData("one two three four five", 12, "one two…")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghi…")]
    [InlineData("Ends at a comma, then more words", 17, "Ends at a comma…")]
    public void Shorten_LongText_CutAtAWordWithEllipsis(string text, int length, string expected)
    {
        var shortened = Texts.Shorten(text, length);

        shortened.ShouldBe(expected);
        shortened.Length.ShouldBeLessThanOrEqualTo(length);
    }

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(5.9, "0:05")]
    [InlineData(65, "1:05")]
    [InlineData(3723, "1:02:03")]
    [InlineData(-3, "0:00")]
    public void Clock_Seconds_AsPlayersShowThem(double seconds, string expected) => Texts.Clock(seconds).ShouldBe(expected);

    [Theory]
    [InlineData(40_000, "40 s")]
    [InlineData(2_520_000, "42 min")]
    [InlineData(3_900_000, "1 h 5 min")]
    public void Length_Milliseconds_AsPeopleSayIt(long milliseconds, string expected) => Texts.Length(milliseconds).ShouldBe(expected);

    [Theory]
    [InlineData(4_000, "PT4S")]
    [InlineData(3_723_400, "PT1H2M3S")]
    [InlineData(1_499, "PT1S")]
    public void IsoDuration_Milliseconds_Iso8601(long milliseconds, string expected) => StructuredData.IsoDuration(milliseconds).ShouldBe(expected);

    [Fact]
    public void Series_CreatorTextWithScriptEnd_EscapedInsideTheJsonAndRoundTrips()
    {
        var podcast = new PublicPodcast(Guid.NewGuid(), "</script><script>alert(1)</script>", "", "A & B <i>", "Ann", "en", "Technology",
            null, false, null, null, null, "/rss/x", [], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var json = StructuredData.Series(podcast, "https://x.example/podcasts/1", "https://x.example/rss/1", null);

        json.ShouldNotContain("<");
        json.ShouldNotContain(">");
        json.ShouldNotContain("&");
        using var parsed = JsonDocument.Parse(json);
        parsed.RootElement.GetProperty("name").GetString().ShouldBe(podcast.Title);
        parsed.RootElement.GetProperty("description").GetString().ShouldBe("A & B <i>");
        parsed.RootElement.TryGetProperty("image", out _).ShouldBeFalse();
    }

    [Fact]
    public void EmbedCode_TitleWithQuotesAndTags_AttributeEncoded()
    {
        var code = EpisodePageEndpoint.EmbedCode("https://x.example/embed/episodes/1", "\"><script>alert(1)</script>");

        code.ShouldStartWith("<iframe src=\"https://x.example/embed/episodes/1\" title=\"&quot;&gt;&lt;script&gt;");
        code.ShouldNotContain("<script>");
        code.ShouldEndWith("></iframe>");
    }

    [Fact]
    public void SubscribeLinks_CreatorLinksFirst_GenericLinkOfTheSameAppLeftOut()
    {
        var links = PodcastPageEndpoint.SubscribeLinks("https://pod.example/rss/1",
            [new PublicAppLink("Spotify", "https://open.spotify.com/show/1"), new PublicAppLink("Overcast", "https://overcast.fm/itunes1")]);

        links.Select(l => l.Name).ShouldBe(["Spotify", "Overcast", "RSS feed", "Apple Podcasts", "Pocket Casts", "AntennaPod"]);
        links.Single(l => l.Name == "Apple Podcasts").Url.ShouldBe("podcast://pod.example/rss/1");
        links.Single(l => l.Name == "Pocket Casts").Url.ShouldBe("pktc://subscribe/pod.example/rss/1");
        links.Single(l => l.Name == "AntennaPod").Url.ShouldBe("https://antennapod.org/deeplink/subscribe?url=https%3A%2F%2Fpod.example%2Frss%2F1");
    }

    [Fact]
    public void AppLinks_BadAndBlankValues_NamedErrorsAndBlanksUnset()
    {
        var errors = new FieldErrors();

        var links = new AppLinks(" https://podcasts.apple.com/x ", "ftp://spotify", "", null, "not a url", null, null).Validate(errors);

        links.ApplePodcasts.ShouldBe("https://podcasts.apple.com/x");
        links.YoutubeMusic.ShouldBeNull();
        errors.ToDictionary().Keys.Order(StringComparer.Ordinal).ShouldBe(["app_links.pocket_casts", "app_links.spotify"]);
        links.Entries.Select(e => e.App).ShouldBe(["Apple Podcasts", "Spotify", "Pocket Casts"]);
        AppLinks.None.Write().ShouldBeNull();
        AppLinks.Read(new AppLinks(null, "https://open.spotify.com/show/1", null, null, null, null, null).Write()).Spotify
            .ShouldBe("https://open.spotify.com/show/1");
    }
}
