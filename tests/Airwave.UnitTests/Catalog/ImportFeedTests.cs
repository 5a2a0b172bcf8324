using System.Text;
using Airwave.Catalog.Import;
using Airwave.Catalog.Text;

namespace Airwave.UnitTests.Catalog;

public sealed class ImportFeedTests
{
    private const string Feed = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:content="http://purl.org/rss/1.0/modules/content/"
             xmlns:podcast="https://podcastindex.org/namespace/1.0" xmlns:atom="http://www.w3.org/2005/Atom">
          <channel>
            <title>Tom &amp; Jerry's Show</title>
            <link>https://example.com/show</link>
            <language>en-us</language>
            <copyright>© 2024 T&amp;J</copyright>
            <description><![CDATA[<p>A show about <b>cats</b> &amp; mice.</p>]]></description>
            <itunes:author>T &amp; J</itunes:author>
            <itunes:owner><itunes:name>Tom</itunes:name><itunes:email>tom@example.com</itunes:email></itunes:owner>
            <itunes:image href="https://cdn.example.com/cover.jpg"/>
            <itunes:category text="Society &amp; Culture"><itunes:category text="Documentary"/></itunes:category>
            <itunes:category text="Comedy"/>
            <itunes:explicit>yes</itunes:explicit>
            <itunes:type>serial</itunes:type>
            <itunes:new-feed-url>https://new.example.com/feed.xml</itunes:new-feed-url>
            <itunes:complete>Yes</itunes:complete>
            <podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>
            <podcast:locked owner="tom@example.com">yes</podcast:locked>
            <podcast:medium>podcast</podcast:medium>
            <podcast:funding url="https://donate.example.com">Support us!</podcast:funding>
            <podcast:person role="host" img="https://example.com/tom.jpg" href="https://example.com/tom">Tom Cat</podcast:person>
            <podcast:location geo="geo:30.2672,97.7431" osm="R113314">Austin, TX</podcast:location>
            <podcast:license url="https://creativecommons.org/licenses/by/4.0/">cc-by-4.0</podcast:license>
            <podcast:txt purpose="verify">S6lpp-7ZCn8-dZfGc</podcast:txt>
            <podcast:updateFrequency rrule="FREQ=WEEKLY">Weekly</podcast:updateFrequency>
            <item>
              <title>Episode 2: Revenge</title>
              <guid isPermaLink="false">tag:example.com,2024:2</guid>
              <pubDate>Tue, 9 Jan 2024 08:30:00 -0500</pubDate>
              <description>Short</description>
              <content:encoded><![CDATA[<p>Long <a href="https://example.com/x?a=1&amp;b=2">notes</a></p><ul><li>one</li><li>two</li></ul>]]></content:encoded>
              <enclosure url="https://cdn.example.com/2.mp3" length="123456" type="audio/mpeg"/>
              <itunes:duration>1:02:03</itunes:duration>
              <itunes:image href="https://cdn.example.com/2.jpg"/>
              <itunes:season>1</itunes:season>
              <itunes:episode>2</itunes:episode>
              <itunes:episodeType>full</itunes:episodeType>
              <itunes:explicit>false</itunes:explicit>
              <podcast:transcript url="https://example.com/2.vtt" type="text/vtt" language="en" rel="captions"/>
              <podcast:chapters url="https://example.com/2.json" type="application/json+chapters"/>
              <podcast:soundbite startTime="73.0" duration="60.5">The best bit</podcast:soundbite>
              <podcast:person role="guest" href="https://example.com/spike">Spike</podcast:person>
            </item>
            <item>
              <title>Trailer</title>
              <pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate>
              <enclosure url="https://cdn.example.com/trailer.m4a" length="0" type="audio/x-m4a"/>
              <itunes:duration>95</itunes:duration>
              <itunes:episodeType>Trailer</itunes:episodeType>
            </item>
            <item><title>Blog post</title><guid>post-1</guid></item>
            <item><title>PDF</title><guid>pdf</guid><enclosure url="https://example.com/a.pdf" type="application/pdf" length="10"/></item>
            <item><title>Dup</title><guid isPermaLink="false">tag:example.com,2024:2</guid><enclosure url="https://cdn.example.com/dup.mp3" type="audio/mpeg"/></item>
          </channel>
        </rss>
        """;

    private static ImportedFeed ReadFeed(string xml)
    {
        var (feed, problem) = ImportFeedReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml)));
        problem.ShouldBeNull();
        return feed!;
    }

    [Fact]
    public void Read_Channel_EveryField()
    {
        var channel = ReadFeed(Feed).Channel;

        channel.Title.ShouldBe("Tom & Jerry's Show");
        channel.DescriptionHtml.ShouldBe("<p>A show about <b>cats</b> &amp; mice.</p>");
        channel.Link.ShouldBe("https://example.com/show");
        channel.Language.ShouldBe("en-us");
        channel.Copyright.ShouldBe("© 2024 T&J");
        channel.Author.ShouldBe("T & J");
        channel.OwnerName.ShouldBe("Tom");
        channel.OwnerEmail.ShouldBe("tom@example.com");
        channel.ImageUrl.ShouldBe("https://cdn.example.com/cover.jpg");
        channel.Category.ShouldBe("Society & Culture");
        channel.Subcategory.ShouldBe("Documentary");
        channel.Explicit.ShouldBeTrue();
        channel.PodcastType.ShouldBe("serial");
        channel.NewFeedUrl.ShouldBe("https://new.example.com/feed.xml");
        channel.Complete.ShouldBeTrue();
        channel.Block.ShouldBeFalse();
        channel.PodcastGuid.ShouldBe(Guid.Parse("917393e3-1b1e-5cef-ace4-edaa54e1f810"));
        channel.Locked.ShouldBeTrue();
        channel.LockedOwner.ShouldBe("tom@example.com");
        channel.Medium.ShouldBe("podcast");
        channel.Funding.ShouldBe([new ImportedFunding("https://donate.example.com/", "Support us!")]);
        channel.Persons.ShouldBe([new ImportedPerson("Tom Cat", "host", null, "https://example.com/tom.jpg", "https://example.com/tom")]);
        channel.Location.ShouldBe(new ImportedLocation("Austin, TX", "geo:30.2672,97.7431", "R113314"));
        channel.License.ShouldBe(new ImportedLicense("cc-by-4.0", "https://creativecommons.org/licenses/by/4.0/"));
        channel.Txt.ShouldBe([new ImportedTxt("verify", "S6lpp-7ZCn8-dZfGc")]);
        channel.UpdateFrequency.ShouldBe(new ImportedUpdateFrequency("Weekly", "FREQ=WEEKLY", false));
    }

    [Fact]
    public void Read_Items_EveryFieldAndSkipsWhatIsNotAudio()
    {
        var feed = ReadFeed(Feed);

        feed.Items.Count.ShouldBe(2);
        var item = feed.Items[0];
        item.Guid.ShouldBe("tag:example.com,2024:2");
        item.Title.ShouldBe("Episode 2: Revenge");
        item.DescriptionHtml.ShouldStartWith("<p>Long <a href=\"https://example.com/x?a=1&amp;b=2\">notes</a></p>");
        item.PublishedAt.ShouldBe(new DateTimeOffset(2024, 1, 9, 13, 30, 0, TimeSpan.Zero));
        item.Enclosure.ShouldBe(new ImportedEnclosure("https://cdn.example.com/2.mp3", 123456, "audio/mpeg"));
        item.DurationSeconds.ShouldBe(3723);
        item.ImageUrl.ShouldBe("https://cdn.example.com/2.jpg");
        item.Season.ShouldBe(1);
        item.Episode.ShouldBe(2);
        item.EpisodeType.ShouldBe("full");
        item.Explicit.ShouldBe(false);
        item.Transcripts.ShouldBe([new ImportedTranscript("https://example.com/2.vtt", "text/vtt", "en", "captions")]);
        item.ChaptersUrl.ShouldBe("https://example.com/2.json");
        item.Soundbites.ShouldBe([new ImportedSoundbite(73.0, 60.5, "The best bit")]);
        item.Persons.ShouldBe([new ImportedPerson("Spike", "guest", null, null, "https://example.com/spike")]);

        // No guid: podcast apps identify the item by its enclosure URL, and so does the import.
        var trailer = feed.Items[1];
        trailer.Guid.ShouldBe("https://cdn.example.com/trailer.m4a");
        trailer.EpisodeType.ShouldBe("trailer");
        trailer.Enclosure.Length.ShouldBeNull();
        trailer.DurationSeconds.ShouldBe(95);
        trailer.Explicit.ShouldBeNull();

        feed.Warnings.Count.ShouldBe(3);
        feed.Warnings.ShouldContain(w => w.Contains("\"Blog post\"") && w.Contains("no enclosure"));
        feed.Warnings.ShouldContain(w => w.Contains("application/pdf"));
        feed.Warnings.ShouldContain(w => w.Contains("repeats the guid"));
    }

    [Fact]
    public void Read_OldPodcastNamespaceAndCapitalisedValues_Understood()
    {
        var feed = ReadFeed("""
            <rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
                 xmlns:podcast="https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md">
              <channel><title>T</title><itunes:explicit>clean</itunes:explicit><podcast:locked>no</podcast:locked>
                <image><url>http://example.com/c.png</url></image>
                <item><title>A</title><guid>a</guid><enclosure url="http://example.com/a.mp3" type="audio/mpeg" length="5"/>
                  <podcast:season>3</podcast:season><podcast:episode>7</podcast:episode></item>
              </channel>
            </rss>
            """);

        feed.Channel.Explicit.ShouldBeFalse();
        feed.Channel.Locked.ShouldBeFalse();
        feed.Channel.ImageUrl.ShouldBe("http://example.com/c.png");
        feed.Items.Single().Season.ShouldBe(3);
        feed.Items.Single().Episode.ShouldBe(7);
    }

    [Theory]
    [InlineData("not xml at all", "not well-formed XML")]
    [InlineData("<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Atom</title></feed>", "not an RSS 2.0 feed")]
    [InlineData("<rss version=\"2.0\"><channel><description>x</description></channel></rss>", "has no title")]
    public void Read_NotAFeed_SaysWhy(string xml, string reason)
    {
        var (feed, problem) = ImportFeedReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml)));

        feed.ShouldBeNull();
        problem.ShouldNotBeNull().ShouldContain(reason);
    }

    [Fact]
    public void Read_ExternalEntity_NotResolved()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "TOP SECRET");
        try
        {
            var xml = $"""
                <?xml version="1.0"?>
                <!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file://{secret}"> ]>
                <rss version="2.0"><channel><title>&xxe;</title></channel></rss>
                """;
            var (feed, problem) = ImportFeedReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml)));

            (feed?.Channel.Title ?? "").ShouldNotContain("TOP SECRET");
            (problem ?? "").ShouldNotContain("TOP SECRET");
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Theory]
    [InlineData("Tue, 09 Jan 2024 08:30:00 GMT", "2024-01-09T08:30:00Z")]
    [InlineData("Tue, 9 Jan 2024 08:30:00 +0000", "2024-01-09T08:30:00Z")]
    [InlineData("9 Jan 2024 08:30:00 -0500", "2024-01-09T13:30:00Z")]
    [InlineData("Tuesday, 09 Jan 2024 08:30:00 PST", "2024-01-09T16:30:00Z")]
    [InlineData("Tue, 09 Jan 2024 08:30 EDT", "2024-01-09T12:30:00Z")]
    [InlineData("Tue, 09 January 2024 08:30:00 +01:00", "2024-01-09T07:30:00Z")]
    [InlineData("Tue, 09 Jan 24 08:30:00 Z", "2024-01-09T08:30:00Z")]
    [InlineData("Tue, 09 Jan 2024 08:30:00", "2024-01-09T08:30:00Z")]
    [InlineData("2024-01-09T08:30:00+02:00", "2024-01-09T06:30:00Z")]
    [InlineData("2024-01-09", "2024-01-09T00:00:00Z")]
    public void ParseDate_RealWorldForms(string text, string expected) =>
        FeedValues.ParseDate(text).ShouldBe(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("Tue, 32 Jan 2024 08:30:00 GMT")]
    public void ParseDate_Unreadable_Null(string text) => FeedValues.ParseDate(text).ShouldBeNull();

    [Theory]
    [InlineData("3723", 3723L)]
    [InlineData("62:03", 3723L)]
    [InlineData("1:02:03", 3723L)]
    [InlineData("01:02:03.6", 3724L)]
    [InlineData(" 45 ", 45L)]
    [InlineData("1:2:3:4", null)]
    [InlineData("-5", null)]
    [InlineData("an hour", null)]
    public void ParseDuration_Forms(string text, long? seconds) => FeedValues.ParseDuration(text).ShouldBe(seconds);

    [Theory]
    [InlineData("<p>One</p><p>Two <b>bold</b> <i>it</i></p>", "One\n\nTwo **bold** *it*")]
    [InlineData("Line one<br>Line two", "Line one\\\nLine two")]
    [InlineData("<a href=\"https://x.com/a_b?c=1&amp;d=2\">link</a>", "[link](<https://x.com/a_b?c=1&d=2>)")]
    [InlineData("<a href=\"javascript:alert(1)\">bad</a>", "bad")]
    [InlineData("<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul><ol><li>x</li></ol>", "- a\n- b\n  - c\n\n1. x")]
    [InlineData("<script>alert(1)</script><p>Hi</p><img src=\"x.png\">", "Hi")]
    [InlineData("<h2>Topics</h2><p>*not* bold_</p>", "## Topics\n\n\\*not\\* bold\\_")]
    [InlineData("Plain text\nsecond line\n\nNew paragraph &amp; more", "Plain text\\\nsecond line\n\nNew paragraph \\& more")]
    [InlineData("<p># not a heading</p><p>1. not a list</p>", "\\# not a heading\n\n1\\. not a list")]
    public void HtmlToMarkdown_Converts(string html, string markdown) => HtmlToMarkdown.Convert(html).ShouldBe(markdown);

    [Fact]
    public void HtmlToMarkdown_RendersBackToEquivalentHtml()
    {
        const string html = "<p>Welcome to <strong>Episode 5</strong> &amp; friends &lt;3</p><p>Links: <a href=\"https://example.com\">site</a></p>";

        ShowNotes.ToHtml(HtmlToMarkdown.Convert(html))
            .ShouldBe("<p>Welcome to <strong>Episode 5</strong> &amp; friends &lt;3</p>\n<p>Links: <a href=\"https://example.com\">site</a></p>");
    }
}
