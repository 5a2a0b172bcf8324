using System.Text;
using System.Xml.Linq;
using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;
using Airwave.Media.Contracts;

namespace Airwave.UnitTests.Catalog;

public sealed class FeedWriterTests
{
    private static readonly XNamespace Itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    private static readonly XNamespace Podcast = "https://podcastindex.org/namespace/1.0";
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    private static readonly XNamespace History = "http://purl.org/syndication/history/1.0";
    private static readonly DateTimeOffset Built = new(2026, 3, 9, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PodcastGuid_SpecExample_Matches()
    {
        // The example in the Podcasting 2.0 namespace documentation for podcast:guid.
        PodcastGuid.ForFeedUrl("https://mp3s.nashownotes.com/pc20rss.xml").ShouldBe(Guid.Parse("917393e3-1b1e-5cef-ace4-edaa54e1f810"));
        PodcastGuid.ForFeedUrl("http://mp3s.nashownotes.com/pc20rss.xml/").ShouldBe(Guid.Parse("917393e3-1b1e-5cef-ace4-edaa54e1f810"));
    }

    [Fact]
    public void Write_EveryField_EveryTagInItsNamespace()
    {
        var document = Parse(RssFeedWriter.Write(Channel("Show"), [Item("Episode")]));

        var root = document.Root!;
        root.Attribute("version")!.Value.ShouldBe("2.0");
        root.GetNamespaceOfPrefix("itunes").ShouldBe(Itunes);
        root.GetNamespaceOfPrefix("podcast").ShouldBe(Podcast);
        root.GetNamespaceOfPrefix("atom").ShouldBe(Atom);
        root.GetNamespaceOfPrefix("content").ShouldBe(Content);
        var channel = root.Element("channel")!;
        foreach (var name in new[] { "title", "link", "description", "language", "copyright", "generator", "lastBuildDate", "pubDate", "image" })
        {
            channel.Element(name).ShouldNotBeNull(name);
        }

        foreach (var name in new[] { "image", "category", "explicit", "author", "type", "owner", "new-feed-url", "block", "complete" })
        {
            channel.Element(Itunes + name).ShouldNotBeNull("itunes:" + name);
        }

        foreach (var name in new[] { "guid", "locked", "funding", "person", "location", "license", "medium", "txt", "updateFrequency" })
        {
            channel.Element(Podcast + name).ShouldNotBeNull("podcast:" + name);
        }

        channel.Element(Itunes + "block")!.Value.ShouldBe("Yes");
        channel.Element(Itunes + "complete")!.Value.ShouldBe("Yes");
        channel.Element(Podcast + "locked")!.Value.ShouldBe("yes");
        channel.Element(Podcast + "guid")!.Value.ShouldBe("917393e3-1b1e-5cef-ace4-edaa54e1f810");
        channel.Element(Podcast + "updateFrequency")!.Attribute("complete")!.Value.ShouldBe("true");
        channel.Element(Podcast + "updateFrequency")!.Attribute("dtstart")!.Value.ShouldBe("2026-01-05T00:00:00.000Z");
        channel.Element(Itunes + "category")!.Element(Itunes + "category")!.Attribute("text")!.Value.ShouldBe("Documentary");
        channel.Element(History + "complete").ShouldNotBeNull();
        channel.Element("lastBuildDate")!.Value.ShouldBe("Mon, 09 Mar 2026 10:00:00 GMT");

        var item = channel.Element("item")!;
        foreach (var name in new[] { "title", "description", "guid", "pubDate", "enclosure" })
        {
            item.Element(name).ShouldNotBeNull(name);
        }

        item.Element(Content + "encoded").ShouldNotBeNull();
        foreach (var name in new[] { "duration", "image", "episodeType", "explicit", "season", "episode" })
        {
            item.Element(Itunes + name).ShouldNotBeNull("itunes:" + name);
        }

        foreach (var name in new[] { "season", "episode", "transcript", "chapters", "soundbite", "person", "alternateEnclosure" })
        {
            item.Element(Podcast + name).ShouldNotBeNull("podcast:" + name);
        }

        item.Element("guid")!.Attribute("isPermaLink")!.Value.ShouldBe("false");
        item.Element(Itunes + "duration")!.Value.ShouldBe("3600");
        item.Element(Podcast + "chapters")!.Attribute("type")!.Value.ShouldBe("application/json+chapters");
        item.Element(Podcast + "soundbite")!.Attribute("startTime")!.Value.ShouldBe("73.5");
        item.Element(Podcast + "soundbite")!.Attribute("duration")!.Value.ShouldBe("30.0");
        var alternate = item.Element(Podcast + "alternateEnclosure")!;
        alternate.Attribute("bitrate")!.Value.ShouldBe("96000");
        alternate.Element(Podcast + "source")!.Attribute("uri")!.Value.ShouldBe("https://example.com/b.m4a");
        alternate.Element(Podcast + "integrity")!.Attribute("value")!.Value.ShouldBe("sha256-" + Convert.ToBase64String(new byte[32]));
    }

    [Fact]
    public void Write_LeftOutFields_NoEmptyTags()
    {
        var bare = new FeedChannel("Show", "<p>x</p>", "https://example.com", "en", null, "A", "O", "o@example.com", "Technology", null, false,
            "episodic", null, "https://example.com/rss/1", Built);
        var item = new FeedItem("g", "T", "<p>x</p>", Built, "https://example.com/a", 1, "audio/mpeg", 1, null, null, null, "full", false, null);

        var channel = Parse(RssFeedWriter.Write(bare, [item])).Root!.Element("channel")!;

        foreach (var name in new[] { "new-feed-url", "block", "complete", "image" })
        {
            channel.Element(Itunes + name).ShouldBeNull(name);
        }

        channel.Element(Podcast + "locked")!.Value.ShouldBe("no", "the feed has always said no; it stays the default");
        foreach (var name in new[] { "funding", "person", "location", "license", "txt", "updateFrequency" })
        {
            channel.Element(Podcast + name).ShouldBeNull(name);
        }

        var written = channel.Element("item")!;
        foreach (var name in new[] { "transcript", "chapters", "soundbite", "person", "alternateEnclosure", "season", "episode" })
        {
            written.Element(Podcast + name).ShouldBeNull(name);
        }
    }

    [Fact]
    public void Write_HostileStringInEveryUserField_WellFormedAndRoundTrips()
    {
        const string hostile = "Tom & Jerry <live> \"quoted\" 'single' ]]> --> <![CDATA[ 🎙";
        // Characters XML cannot carry at all: they are dropped, the rest survives.
        const string unwritable = "\u0001bad\u0008\uFFFE\uD800x";
        var value = hostile + unwritable;
        var channel = new FeedChannel(value, "<p>" + value + "</p>", value, "en", value, value, value, value, value, value, false, "episodic", value,
            "https://example.com/rss/1", Built)
        {
            NewFeedUrl = value,
            Funding = [new FundingLink(value, value)],
            Persons = [new PersonCredit(value, value, value, value, value)],
            Location = new PlaceValue(value, value, value),
            License = new LicenseValue(value, value),
            Txt = [new TxtRecord(value, value)],
            UpdateFrequency = new UpdateFrequencyValue(value, value, null, null),
        };
        var item = new FeedItem(value, value, "<p>" + value + "</p>", Built, value, 1, value, 3600, value, 1, 2, "full", false,
            new FeedAlternate(value, 1, value, 96, new string('0', 64)))
        {
            Transcripts = [new TranscriptLink(value, value, value, value)],
            ChaptersUrl = value,
            Soundbites = [new Soundbite(1, 2, value)],
            Persons = [new PersonCredit(value, value, value, value, value)],
        };

        var bytes = RssFeedWriter.Write(channel, [item]);
        var written = Parse(bytes).Root!.Element("channel")!;

        var expected = hostile + "badx";
        var texts = written.DescendantsAndSelf().Where(e => !e.HasElements).Select(e => e.Value)
            .Concat(written.Descendants().SelectMany(e => e.Attributes()).Select(a => a.Value))
            .Where(v => v.Contains("Tom", StringComparison.Ordinal))
            .ToList();
        texts.Count.ShouldBeGreaterThan(40);
        texts.ShouldAllBe(v => v == expected || v == "<p>" + expected + "</p>");
        written.Element("description")!.Value.ShouldBe("<p>" + expected + "</p>");
        written.Element("item")!.Element(Content + "encoded")!.Value.ShouldBe("<p>" + expected + "</p>");
    }

    [Fact]
    public void ItemFragments_CopiedIntoTheDocument_SameBytesAsWritingItemsDirectly()
    {
        var items = new[] { Item("One"), Item("Two & <three>") };
        var direct = RssFeedWriter.WriteDocument(Channel("Show"), items);
        var fromFragments = RssFeedWriter.WriteDocument(Channel("Show"), RssFeedWriter.ItemFragments(items));

        fromFragments.Body.ShouldBe(direct.Body);
        var text = Encoding.UTF8.GetString(direct.Body);
        text.ShouldContain("\n    <item>\n      <title>One</title>");
        text.Split("xmlns:itunes").Length.ShouldBe(2, "the namespace is declared once, on the root");
    }

    [Fact]
    public void ContentHash_IgnoresOnlyTheBuildDate()
    {
        var items = new[] { Item("One") };
        var first = RssFeedWriter.WriteDocument(Channel("Show"), items);
        var later = RssFeedWriter.WriteDocument(Channel("Show") with { LastBuildDate = Built.AddDays(3) }, items);
        var renamed = RssFeedWriter.WriteDocument(Channel("Renamed"), items);

        later.Body.ShouldNotBe(first.Body);
        FeedBuilder.ContentHash(later).ShouldBe(FeedBuilder.ContentHash(first));
        FeedBuilder.ContentHash(renamed).ShouldNotBe(FeedBuilder.ContentHash(first));
        Encoding.UTF8.GetString(first.Body.AsSpan(first.StampStart, first.StampEnd - first.StampStart)).Trim()
            .ShouldBe("<lastBuildDate>Mon, 09 Mar 2026 10:00:00 GMT</lastBuildDate>");
    }

    [Fact]
    public void Build_PagedFeed_RfcLinksAndNewestFirst()
    {
        var podcast = Show("episodic");
        var (rows, renditions) = Episodes(podcast, 5);

        var pages = FeedBuilder.Build(podcast, rows, renditions, "https://example.com", 2, Built, markdown => markdown);

        pages.Count.ShouldBe(3);
        var channels = pages.Select(p => Parse(p.Body).Root!.Element("channel")!).ToList();
        channels.Select(c => c.Elements("item").Count()).ShouldBe([2, 2, 1]);
        channels.SelectMany(c => c.Elements("item").Select(i => i.Element("title")!.Value)).ShouldBe(["E4", "E3", "E2", "E1", "E0"]);
        var feed = $"https://example.com/rss/{podcast.Id}";
        string? Link(XElement c, string rel) => c.Elements(Atom + "link").SingleOrDefault(l => l.Attribute("rel")!.Value == rel)?.Attribute("href")!.Value;
        (Link(channels[0], "self"), Link(channels[0], "first"), Link(channels[0], "previous"), Link(channels[0], "next"), Link(channels[0], "last"))
            .ShouldBe((feed, feed, null, feed + "?page=2", feed + "?page=3"));
        (Link(channels[2], "self"), Link(channels[2], "prev"), Link(channels[2], "next")).ShouldBe((feed + "?page=3", feed + "?page=2", null));
        channels.ShouldAllBe(c => c.Element(History + "complete") == null);
        channels[0].Element("pubDate")!.Value.ShouldBe(channels[2].Element("pubDate")!.Value, "the newest episode of the whole feed");

        var whole = FeedBuilder.Build(podcast, rows, renditions, "https://example.com", 0, Built, markdown => markdown).ShouldHaveSingleItem();
        Parse(whole.Body).Root!.Element("channel")!.Element(History + "complete").ShouldNotBeNull();
    }

    [Fact]
    public void Build_SerialShow_OldestFirstBySeasonAndNumber()
    {
        var podcast = Show("serial");
        var (rows, renditions) = Episodes(podcast, 3);
        rows = [rows[0] with { SeasonNumber = 2, EpisodeNumber = 1 }, rows[1] with { SeasonNumber = 1, EpisodeNumber = 2 },
            rows[2] with { SeasonNumber = 1, EpisodeNumber = 1 }];

        var page = FeedBuilder.Build(podcast, rows, renditions, "https://example.com", 0, Built, markdown => markdown).Single();

        Parse(page.Body).Root!.Element("channel")!.Elements("item").Select(i => i.Element("title")!.Value).ShouldBe(["E0", "E1", "E2"]);
    }

    [Fact]
    public void Item_SoundbitePastTheEnd_LeftOut()
    {
        var item = Item("x") with { Soundbites = [new Soundbite(10, 20, "inside"), new Soundbite(3590, 30, "past the end")] };

        var written = Parse(RssFeedWriter.Write(Channel("Show"), [item])).Root!.Element("channel")!.Element("item")!;

        written.Elements(Podcast + "soundbite").Select(s => s.Value).ShouldBe(["inside"]);
    }

    [Fact]
    public void XmlSafe_DropsWhatXmlCannotCarry_KeepsEverythingElse()
    {
        RssFeedWriter.XmlSafe("plain").ShouldBeSameAs("plain");
        RssFeedWriter.XmlSafe("a\u0000b\u001Fc\tline\nbreak\uFFFFd\uDBFFe🎙").ShouldBe("abc\tline\nbreakde🎙");
    }

    private static XDocument Parse(byte[] bytes) => XDocument.Parse(Encoding.UTF8.GetString(bytes));

    private static FeedChannel Channel(string title) =>
        new(title, "<p>Notes</p>", "https://example.com", "en-US", "© Me", "A & B", "Owner", "o@example.com", "Society & Culture", "Documentary", false,
            "episodic", "https://example.com/cover/3000.jpg", "https://mp3s.nashownotes.com/pc20rss.xml", Built)
        {
            PubDate = Built,
            NewFeedUrl = "https://new.example.com/rss",
            Block = true,
            Complete = true,
            Locked = true,
            Funding = [new FundingLink("https://example.com/give", "Support us")],
            Persons = [new PersonCredit("Ann", "host", "cast", "https://example.com/ann.jpg", "https://example.com/ann")],
            Location = new PlaceValue("Austin, TX", "geo:30.2672,-97.7431", "R113314"),
            License = new LicenseValue("cc-by-4.0", "https://creativecommons.org/licenses/by/4.0/"),
            Txt = [new TxtRecord("verify", "abc")],
            UpdateFrequency = new UpdateFrequencyValue("FREQ=WEEKLY", "Weekly", true, new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero)),
        };

    private static FeedItem Item(string title) =>
        new("guid-" + title, title, "<p>Item notes</p>", Built, "https://example.com/a.mp3?x=1&y=2", 123, "audio/mpeg", 3600,
            "https://example.com/ep/3000.jpg", 1, 2, "full", true, new FeedAlternate("https://example.com/b.m4a", 45, "audio/mp4", 96, new string('0', 64)))
        {
            Transcripts = [new TranscriptLink("https://example.com/t.vtt", "text/vtt", "en", "captions")],
            ChaptersUrl = "https://example.com/chapters.json",
            Soundbites = [new Soundbite(73.5, 30, "Best bit")],
            Persons = [new PersonCredit("Bob", "guest", null, null, null)],
        };

    private static PodcastRow Show(string type) => new()
    {
        Id = Guid.NewGuid(),
        OwnerId = Guid.NewGuid(),
        Title = "Show",
        Description = "About things.",
        Author = "A",
        OwnerName = "O",
        OwnerEmail = "o@example.com",
        Language = "en",
        Category = "Technology",
        Explicit = false,
        PodcastType = type,
        PublishedAt = Built,
        CreatedAt = Built,
        UpdatedAt = Built,
    };

    private static (IReadOnlyList<EpisodeRow> Rows, IReadOnlyDictionary<Guid, IReadOnlyList<MediaRendition>> Renditions) Episodes(PodcastRow podcast,
        int count)
    {
        var rows = new List<EpisodeRow>();
        var renditions = new Dictionary<Guid, IReadOnlyList<MediaRendition>>();
        for (var i = count - 1; i >= 0; i--)
        {
            var asset = Guid.NewGuid();
            rows.Add(new EpisodeRow
            {
                Id = Guid.NewGuid(), PodcastId = podcast.Id, Guid = $"g{i}", Title = $"E{i}", Description = "", EpisodeType = "full", Explicit = false,
                PublishedAt = Built.AddDays(i), DurationMs = 60_000, ProcessedStatus = "ready", LiveAssetId = asset, MediaAssetId = asset,
                CreatedAt = Built, UpdatedAt = Built,
            });
            renditions[asset] = [new MediaRendition("mp3", $"media/{i}.mp3", "audio/mpeg", 1000 + i, new string('a', 64), 128, 10)];
        }

        return (rows, renditions);
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
