using System.Xml.Linq;
using Airwave.Catalog.Feeds;

namespace Airwave.UnitTests.Catalog;

public sealed class FeedWriterTests
{
    [Fact]
    public void PodcastGuid_SpecExample_Matches()
    {
        // The example in the Podcasting 2.0 namespace documentation for podcast:guid.
        PodcastGuid.ForFeedUrl("https://mp3s.nashownotes.com/pc20rss.xml").ShouldBe(Guid.Parse("917393e3-1b1e-5cef-ace4-edaa54e1f810"));
        PodcastGuid.ForFeedUrl("http://mp3s.nashownotes.com/pc20rss.xml/").ShouldBe(Guid.Parse("917393e3-1b1e-5cef-ace4-edaa54e1f810"));
    }

    [Fact]
    public void Write_HostileStrings_WellFormedAndRoundTrip()
    {
        const string title = "Tom & Jerry <live> \"quoted\" 'single' ]]> 🎙";
        var channel = new FeedChannel(title, "<p>Notes ]]> with CDATA end</p>", "https://example.com", "en", "© Me", "A & B", "Owner", "o@example.com",
            "Society & Culture", "Documentary", false, "episodic", null, "https://example.com/rss/1", DateTimeOffset.UnixEpoch);
        var item = new FeedItem("guid<&>", title, "<p>x</p>", new DateTimeOffset(2026, 3, 9, 10, 0, 0, TimeSpan.Zero), "https://example.com/a?x=1&y=2",
            123, "audio/mpeg", 61, null, 1, 2, "full", true, new FeedAlternate("https://example.com/b.m4a", 45, "audio/mp4", 96, new string('a', 64)));

        var document = XDocument.Parse(System.Text.Encoding.UTF8.GetString(RssFeedWriter.Write(channel, [item])));

        XNamespace itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
        var parsed = document.Root!.Element("channel")!;
        parsed.Element("title")!.Value.ShouldBe(title);
        parsed.Element("description")!.Value.ShouldBe("<p>Notes ]]> with CDATA end</p>");
        parsed.Element(itunes + "category")!.Attribute("text")!.Value.ShouldBe("Society & Culture");
        var parsedItem = parsed.Element("item")!;
        parsedItem.Element("title")!.Value.ShouldBe(title);
        parsedItem.Element("guid")!.Value.ShouldBe("guid<&>");
        parsedItem.Element("pubDate")!.Value.ShouldBe("Mon, 09 Mar 2026 10:00:00 GMT");
        parsedItem.Element("enclosure")!.Attribute("url")!.Value.ShouldBe("https://example.com/a?x=1&y=2");
        parsedItem.Element(itunes + "duration")!.Value.ShouldBe("61");
        parsedItem.Element(itunes + "explicit")!.Value.ShouldBe("true");
    }

    [Fact]
    public void Write_Hubs_OneAtomHubLinkEachBesideTheSelfLink()
    {
        var channel = new FeedChannel("Show", "<p>x</p>", "https://example.com", "en", null, "A", "O", "o@example.com", "Technology", null, false,
            "episodic", null, "https://example.com/rss/1", DateTimeOffset.UnixEpoch)
        { Hubs = ["https://pubsubhubbub.appspot.com/", "https://hub.example.com/?a=1&b=2"] };

        var parsed = XDocument.Parse(System.Text.Encoding.UTF8.GetString(RssFeedWriter.Write(channel, []))).Root!.Element("channel")!;

        XNamespace atom = "http://www.w3.org/2005/Atom";
        var links = parsed.Elements(atom + "link").ToList();
        links.Select(l => l.Attribute("rel")!.Value).ShouldBe(["self", "hub", "hub"]);
        links.Where(l => l.Attribute("rel")!.Value == "hub").Select(l => l.Attribute("href")!.Value)
            .ShouldBe(["https://pubsubhubbub.appspot.com/", "https://hub.example.com/?a=1&b=2"]);
    }

    [Fact]
    public void Write_NoHubs_OnlyTheSelfLink()
    {
        var channel = new FeedChannel("Show", "<p>x</p>", "https://example.com", "en", null, "A", "O", "o@example.com", "Technology", null, false,
            "episodic", null, "https://example.com/rss/1", DateTimeOffset.UnixEpoch);

        var parsed = XDocument.Parse(System.Text.Encoding.UTF8.GetString(RssFeedWriter.Write(channel, []))).Root!.Element("channel")!;

        XNamespace atom = "http://www.w3.org/2005/Atom";
        parsed.Elements(atom + "link").ShouldHaveSingleItem().Attribute("rel")!.Value.ShouldBe("self");
    }
}
