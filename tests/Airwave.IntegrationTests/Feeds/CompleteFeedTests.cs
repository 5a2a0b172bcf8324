using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Airwave.Core.Data;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Airwave.IntegrationTests.Feeds.FeedTestSupport;

namespace Airwave.IntegrationTests.Feeds;

/// <summary>
/// The complete feed (issue #4): every Apple and Podcasting 2.0 tag from a really processed show, read back with
/// XDocument and with independent podcast feed parsers; stored feeds rebuilt on change, not per request;
/// EpisodeWentLive raised once per going live, scheduled episodes included, across a restart; encodings and 304s.
/// </summary>
public abstract class CompleteFeedTests(ServerFixture server)
{
    [Fact]
    public async Task Feed_ProcessedShowWithEveryField_XmlAndIndependentParsersReadEveryTag()
    {
        var owner = await server.SignUpAsync(displayName: "Ann & Co");
        var created = await owner.Http.PostJsonAsync("/api/v1/podcasts", new
        {
            title = "Everything <&> \"Show\"",
            description = "All the **tags** & more.",
            owner_email = "ann@example.com",
            language = "en-us",
            category = "technology",
            website_url = "https://show.example.com",
            copyright = "© 2026 Ann & Co",
            new_feed_url = "https://new.example.com/feed.xml",
            itunes_block = true,
            itunes_complete = true,
            locked = true,
            funding = new[] { new { url = "https://show.example.com/support", label = "Support the show!" } },
            persons = new[] { new { name = "Ann Host", role = "Host", group = "Cast", img = "https://show.example.com/ann.jpg", href = "https://show.example.com/ann" } },
            location = new { name = "Austin, TX", geo = "geo:30.2672,-97.7431", osm = "R113314" },
            license = new { identifier = "CC-BY-4.0", url = "https://creativecommons.org/licenses/by/4.0/" },
            txt = new[] { new { purpose = "verify", value = "S6lpp-7ZCn8-dZfGc" } },
            update_frequency = new { rrule = "freq=weekly;byday=MO", label = "Every Monday" },
        });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Body?.ToJsonString());
        var podcastId = created.Body!["id"]!.GetValue<string>();
        created.Body["license"]!["identifier"]!.GetValue<string>().ShouldBe("cc-by-4.0");
        created.Body["persons"]![0]!["role"]!.GetValue<string>().ShouldBe("host");
        created.Body["update_frequency"]!["rrule"]!.GetValue<string>().ShouldBe("FREQ=WEEKLY;BYDAY=MO");
        created.Body["locked"]!.GetValue<bool>().ShouldBeTrue();
        (await PutFileAsync(owner.Http, $"/api/v1/podcasts/{podcastId}/cover", await TestMedia.PictureAsync($"show-{Guid.NewGuid():N}.png", 1400, 1400),
            "image/png")).Status.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);

        // A: chapters embedded in the upload, every episode field set.
        var withChapters = await ProcessedEpisodeAsync(owner, podcastId, await TestMedia.Mp3WithChaptersAsync($"chapters-{Guid.NewGuid():N}.mp3", 6));
        var patched = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{withChapters}", new
        {
            title = "Pilot <b>&</b> \"more\"",
            description = "Notes with a [link](https://example.com/a?b=1&c=2).",
            season_number = 2,
            episode_number = 3,
            @explicit = true,
            transcripts = new object[]
            {
                new { url = "https://show.example.com/a.vtt", type = "text/vtt", language = "en-us", rel = "captions" },
                new { url = "https://show.example.com/a.srt", type = "application/x-subrip" },
            },
            soundbites = new[] { new { start_time = 1.5, duration = 2.0, title = "The best bit" } },
            persons = new[] { new { name = "Bob Guest", role = "guest" } },
        });
        patched.Status.ShouldBe(HttpStatusCode.OK, patched.Body?.ToJsonString());
        patched.Body!["embedded_chapters_url"]!.GetValue<string>().ShouldEndWith($"/api/v1/episodes/{withChapters}/chapters.json");
        (await PutFileAsync(owner.Http, $"/api/v1/episodes/{withChapters}/cover", await TestMedia.PictureAsync($"ep-{Guid.NewGuid():N}.png", 1500, 1500),
            "image/png")).Status.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{withChapters}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);

        // B: its own chapters file, back-dated a day, so it is listed after A.
        var ownChapters = await ProcessedEpisodeAsync(owner, podcastId);
        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{ownChapters}", new
        {
            title = "Bonus",
            episode_type = "bonus",
            chapters_url = "https://show.example.com/b/chapters.json",
        })).Status.ShouldBe(HttpStatusCode.OK);
        var dayAgo = DateTimeOffset.UtcNow.AddDays(-1);
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{ownChapters}/publish", new { publish_at = dayAgo })).Status.ShouldBe(HttpStatusCode.OK);

        using var anonymous = server.Client();
        var xml = await FeedTextAsync(anonymous, podcastId);
        var document = XDocument.Parse(xml);
        document.Root!.Name.LocalName.ShouldBe("rss");
        document.Root.Attribute("version")!.Value.ShouldBe("2.0");
        document.Root.GetNamespaceOfPrefix("itunes").ShouldBe(Itunes);
        document.Root.GetNamespaceOfPrefix("podcast").ShouldBe(Podcast);
        document.Root.GetNamespaceOfPrefix("content").ShouldBe(Content);
        var channel = document.Root.Element("channel")!;
        var feedUrl = new Uri(server.BaseAddress, $"/rss/{podcastId}").ToString();

        // Apple's required show tags, then every channel tag of the issue.
        foreach (var required in new[] { (XNamespace.None + "title"), "description", Itunes + "image", "language", Itunes + "category", Itunes + "explicit" })
        {
            channel.Element(required).ShouldNotBeNull($"Apple requires <{required.LocalName}>");
        }

        channel.Element("title")!.Value.ShouldBe("Everything <&> \"Show\"");
        channel.Element("description")!.Value.ShouldContain("<strong>tags</strong>");
        channel.Element("link")!.Value.ShouldBe("https://show.example.com");
        channel.Element("language")!.Value.ShouldBe("en-US");
        channel.Element("copyright")!.Value.ShouldBe("© 2026 Ann & Co");
        channel.Element("generator")!.Value.ShouldBe("Airwave");
        ParseRfc822(channel.Element("lastBuildDate")!.Value).ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-10));
        channel.Elements(Atom + "link").Single(l => l.Attribute("rel")!.Value == "self").Attribute("href")!.Value.ShouldBe(feedUrl);
        channel.Element(History + "complete").ShouldNotBeNull();
        var cover = channel.Element(Itunes + "image")!.Attribute("href")!.Value;
        cover.ShouldEndWith("/3000.jpg");
        channel.Element("image")!.Element("url")!.Value.ShouldBe(cover);
        channel.Element(Itunes + "category")!.Attribute("text")!.Value.ShouldBe("Technology");
        channel.Element(Itunes + "explicit")!.Value.ShouldBe("false");
        channel.Element(Itunes + "author")!.Value.ShouldBe("Ann & Co");
        channel.Element(Itunes + "type")!.Value.ShouldBe("episodic");
        channel.Element(Itunes + "owner")!.Element(Itunes + "name")!.Value.ShouldBe("Ann & Co");
        channel.Element(Itunes + "owner")!.Element(Itunes + "email")!.Value.ShouldBe("ann@example.com");
        channel.Element(Itunes + "new-feed-url")!.Value.ShouldBe("https://new.example.com/feed.xml");
        channel.Element(Itunes + "block")!.Value.ShouldBe("Yes");
        channel.Element(Itunes + "complete")!.Value.ShouldBe("Yes");
        var guid = Guid.Parse(channel.Element(Podcast + "guid")!.Value);
        guid.Version.ShouldBe(5);
        channel.Element(Podcast + "locked")!.Value.ShouldBe("yes");
        channel.Element(Podcast + "locked")!.Attribute("owner")!.Value.ShouldBe("ann@example.com");
        channel.Element(Podcast + "funding")!.Attribute("url")!.Value.ShouldBe("https://show.example.com/support");
        channel.Element(Podcast + "funding")!.Value.ShouldBe("Support the show!");
        var host = channel.Element(Podcast + "person")!;
        (host.Value, host.Attribute("role")!.Value, host.Attribute("group")!.Value).ShouldBe(("Ann Host", "host", "cast"));
        host.Attribute("img")!.Value.ShouldBe("https://show.example.com/ann.jpg");
        host.Attribute("href")!.Value.ShouldBe("https://show.example.com/ann");
        var location = channel.Element(Podcast + "location")!;
        (location.Value, location.Attribute("geo")!.Value, location.Attribute("osm")!.Value).ShouldBe(("Austin, TX", "geo:30.2672,-97.7431", "R113314"));
        channel.Element(Podcast + "license")!.Value.ShouldBe("cc-by-4.0");
        channel.Element(Podcast + "license")!.Attribute("url")!.Value.ShouldBe("https://creativecommons.org/licenses/by/4.0/");
        channel.Element(Podcast + "medium")!.Value.ShouldBe("podcast");
        channel.Element(Podcast + "txt")!.Value.ShouldBe("S6lpp-7ZCn8-dZfGc");
        channel.Element(Podcast + "txt")!.Attribute("purpose")!.Value.ShouldBe("verify");
        channel.Element(Podcast + "updateFrequency")!.Value.ShouldBe("Every Monday");
        channel.Element(Podcast + "updateFrequency")!.Attribute("rrule")!.Value.ShouldBe("FREQ=WEEKLY;BYDAY=MO");

        var items = channel.Elements("item").ToList();
        items.Select(i => i.Element("guid")!.Value).ShouldBe([withChapters, ownChapters]);
        var a = items[0];
        foreach (var required in new[] { (XNamespace.None + "title"), "enclosure", "guid", "pubDate", "description", Itunes + "duration", Itunes + "explicit" })
        {
            a.Element(required).ShouldNotBeNull($"Apple requires or recommends <{required.LocalName}> in items");
        }

        a.Element("title")!.Value.ShouldBe("Pilot <b>&</b> \"more\"");
        a.Element("description")!.Value.ShouldContain("href=\"https://example.com/a?b=1&amp;c=2\"");
        a.Element(Content + "encoded")!.Value.ShouldBe(a.Element("description")!.Value);
        a.Element("guid")!.Attribute("isPermaLink")!.Value.ShouldBe("false");
        ParseRfc822(a.Element("pubDate")!.Value).ShouldBeGreaterThan(dayAgo);
        var enclosure = a.Element("enclosure")!;
        enclosure.Attribute("type")!.Value.ShouldBe("audio/mpeg");
        enclosure.Attribute("url")!.Value.ShouldEndWith($"/api/v1/episodes/{withChapters}/audio");
        using (var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, enclosure.Attribute("url")!.Value)))
        {
            head.Content.Headers.ContentLength.ShouldBe(long.Parse(enclosure.Attribute("length")!.Value, CultureInfo.InvariantCulture));
        }

        a.Element(Itunes + "duration")!.Value.ShouldBe("6");
        a.Element(Itunes + "image")!.Attribute("href")!.Value.ShouldEndWith("/3000.jpg");
        a.Element(Itunes + "image")!.Attribute("href")!.Value.ShouldNotBe(cover);
        a.Element(Itunes + "episodeType")!.Value.ShouldBe("full");
        a.Element(Itunes + "explicit")!.Value.ShouldBe("true");
        (a.Element(Itunes + "season")!.Value, a.Element(Itunes + "episode")!.Value).ShouldBe(("2", "3"));
        (a.Element(Podcast + "season")!.Value, a.Element(Podcast + "episode")!.Value).ShouldBe(("2", "3"));
        var transcripts = a.Elements(Podcast + "transcript").ToList();
        transcripts.Select(t => t.Attribute("type")!.Value).ShouldBe(["text/vtt", "application/x-subrip"]);
        transcripts[0].Attribute("language")!.Value.ShouldBe("en-US");
        transcripts[0].Attribute("rel")!.Value.ShouldBe("captions");
        var chaptersLink = a.Element(Podcast + "chapters")!;
        chaptersLink.Attribute("type")!.Value.ShouldBe("application/json+chapters");
        chaptersLink.Attribute("url")!.Value.ShouldEndWith($"/api/v1/episodes/{withChapters}/chapters.json");
        var soundbite = a.Element(Podcast + "soundbite")!;
        (soundbite.Attribute("startTime")!.Value, soundbite.Attribute("duration")!.Value, soundbite.Value).ShouldBe(("1.5", "2.0", "The best bit"));
        a.Element(Podcast + "person")!.Value.ShouldBe("Bob Guest");
        a.Element(Podcast + "person")!.Attribute("role")!.Value.ShouldBe("guest");
        var alternate = a.Element(Podcast + "alternateEnclosure")!;
        alternate.Attribute("type")!.Value.ShouldBe("audio/mp4");
        alternate.Element(Podcast + "source")!.Attribute("uri")!.Value.ShouldEndWith("/audio/aac"); // the stable, logged URL of the AAC rendition
        alternate.Element(Podcast + "integrity")!.Attribute("type")!.Value.ShouldBe("sri");
        alternate.Element(Podcast + "integrity")!.Attribute("value")!.Value.ShouldStartWith("sha256-");

        var b = items[1];
        b.Element(Podcast + "chapters")!.Attribute("url")!.Value.ShouldBe("https://show.example.com/b/chapters.json");
        b.Element(Itunes + "episodeType")!.Value.ShouldBe("bonus");
        ParseRfc822(b.Element("pubDate")!.Value).ShouldBe(new DateTimeOffset(dayAgo.Year, dayAgo.Month, dayAgo.Day, dayAgo.Hour, dayAgo.Minute, dayAgo.Second, TimeSpan.Zero));

        // The chapters the feed links for A: JSON chapters from the MP3's own chapter marks.
        using var chapters = await anonymous.GetAsync(new Uri(chaptersLink.Attribute("url")!.Value));
        chapters.StatusCode.ShouldBe(HttpStatusCode.OK);
        chapters.Content.Headers.ContentType!.MediaType.ShouldBe("application/json+chapters");
        chapters.Headers.CacheControl!.Public.ShouldBeTrue();
        var json = JsonNode.Parse(await chapters.Content.ReadAsStringAsync())!;
        json["version"]!.GetValue<string>().ShouldBe("1.2.0");
        json["chapters"]!.AsArray().Select(c => (c!["startTime"]!.GetValue<double>(), c["title"]!.GetValue<string>())).ShouldBe([(0.0, "Intro"), (3.0, "Main")]);

        // Independent parsers read the same feed.
        var parsed = await FeedParsers.ParseAsync(xml);
        var pt = parsed["partytime"]!;
        pt["title"]!.GetValue<string>().ShouldBe("Everything <&> \"Show\"");
        pt["description"]!.GetValue<string>().ShouldContain("tags");
        pt["link"]!.GetValue<string>().ShouldBe("https://show.example.com");
        pt["language"]!.GetValue<string>().ShouldBe("en-US");
        pt["explicit"]!.GetValue<bool>().ShouldBeFalse();
        pt["itunesBlock"]!.GetValue<bool>().ShouldBeTrue();
        pt["itunesComplete"]!.GetValue<bool>().ShouldBeTrue();
        pt["itunesImage"]!.GetValue<string>().ShouldBe(cover);
        pt["itunesCategory"]![0]!.GetValue<string>().ShouldBe("Technology");
        pt["itunesNewFeedUrl"]!.GetValue<string>().ShouldBe("https://new.example.com/feed.xml");
        pt["itunesType"]!.GetValue<string>().ShouldBe("episodic");
        pt["author"]!.GetValue<string>().ShouldBe("Ann & Co");
        pt["owner"]!["email"]!.GetValue<string>().ShouldBe("ann@example.com");
        pt["copyright"]!.GetValue<string>().ShouldBe("© 2026 Ann & Co");
        pt["generator"]!.GetValue<string>().ShouldBe("Airwave");
        pt["guid"]!.GetValue<string>().ShouldBe(guid.ToString());
        pt["locked"]!.GetValue<bool>().ShouldBeTrue();
        pt["podcastOwner"]!.GetValue<string>().ShouldBe("ann@example.com");
        pt["podcastFunding"]![0]!["url"]!.GetValue<string>().ShouldBe("https://show.example.com/support");
        pt["podcastFunding"]![0]!["message"]!.GetValue<string>().ShouldBe("Support the show!");
        pt["podcastPeople"]![0]!["name"]!.GetValue<string>().ShouldBe("Ann Host");
        pt["podcastPeople"]![0]!["href"]!.GetValue<string>().ShouldBe("https://show.example.com/ann");
        pt["podcastLocation"]!["osm"]!.GetValue<string>().ShouldBe("R113314");
        pt["license"]!["identifier"]!.GetValue<string>().ShouldBe("cc-by-4.0");
        pt["medium"]!.GetValue<string>().ShouldBe("podcast");
        pt["podcastTxt"]![0]!["purpose"]!.GetValue<string>().ShouldBe("verify");
        var ptItem = pt["items"]![0]!;
        ptItem["guid"]!.GetValue<string>().ShouldBe(withChapters);
        ptItem["title"]!.GetValue<string>().ShouldBe("Pilot <b>&</b> \"more\"");
        ptItem["enclosure"]!["length"]!.GetValue<long>().ShouldBe(long.Parse(enclosure.Attribute("length")!.Value, CultureInfo.InvariantCulture));
        ptItem["duration"]!.GetValue<int>().ShouldBe(6);
        ptItem["explicit"]!.GetValue<bool>().ShouldBeTrue();
        ptItem["itunesSeason"]!.GetValue<int>().ShouldBe(2);
        ptItem["itunesEpisode"]!.GetValue<int>().ShouldBe(3);
        ptItem["itunesEpisodeType"]!.GetValue<string>().ShouldBe("full");
        ptItem["podcastSeason"]!["number"]!.GetValue<int>().ShouldBe(2);
        ptItem["podcastEpisode"]!["number"]!.GetValue<int>().ShouldBe(3);
        ptItem["podcastTranscripts"]!.AsArray().Count.ShouldBe(2);
        ptItem["podcastChapters"]!["url"]!.GetValue<string>().ShouldBe(chaptersLink.Attribute("url")!.Value);
        ptItem["podcastSoundbites"]![0]!["startTime"]!.GetValue<double>().ShouldBe(1.5);
        ptItem["podcastPeople"]![0]!["name"]!.GetValue<string>().ShouldBe("Bob Guest");
        ptItem["alternativeEnclosures"]![0]!["integrity"]!["type"]!.GetValue<string>().ShouldBe("sri");
        pt["items"]![1]!["podcastChapters"]!["url"]!.GetValue<string>().ShouldBe("https://show.example.com/b/chapters.json");
        var rss = parsed["rss_parser"]!;
        rss["title"]!.GetValue<string>().ShouldBe("Everything <&> \"Show\"");
        rss["podcastGuid"]!.GetValue<string>().ShouldBe(guid.ToString());
        rss["podcastUpdateFrequency"]!.GetValue<string>().ShouldBe("Every Monday");
        rss["itunes"]!["owner"]!["email"]!.GetValue<string>().ShouldBe("ann@example.com");
        rss["items"]!.AsArray().Select(i => i!["guid"]!.GetValue<string>()).ShouldBe([withChapters, ownChapters]);
        rss["items"]![0]!["itunes"]!["duration"]!.GetValue<string>().ShouldBe("6");
        rss["items"]![0]!["enclosure"]!["type"]!.GetValue<string>().ShouldBe("audio/mpeg");
    }

    [Fact]
    public async Task Feed_Edited_NextRequestShowsIt_BuiltOnlyWhenSomethingChanged()
    {
        var owner = await server.SignUpAsync();
        var podcastId = await PublishedPodcastAsync(owner);
        var episodeId = await ProcessedEpisodeAsync(owner, podcastId);
        await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null);
        var draft = (await owner.CreateEpisodeAsync(podcastId, "Draft"))["id"]!.GetValue<string>();
        using var anonymous = server.Client();

        var first = await FeedTextAsync(anonymous, podcastId);
        var built = (await StoredFeedAsync(server, podcastId))!;
        (await FeedTextAsync(anonymous, podcastId)).ShouldBe(first);
        (await StoredFeedAsync(server, podcastId)).ShouldBe(built, "a request with nothing changed must not build the feed");

        // Changes that do not touch the public feed raise nothing and leave the stored feed alone.
        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{draft}", new { title = "Still a draft" })).Status.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { normalize_loudness = false })).Status.ShouldBe(HttpStatusCode.OK);
        (await FeedTextAsync(anonymous, podcastId)).ShouldBe(first);
        (await StoredFeedAsync(server, podcastId))!.FeedVersion.ShouldBe(built.FeedVersion);

        var before = (await EventsAsync(server, FeedChanged, podcastId)).Count;
        (await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { title = "Renamed <now>" })).Status.ShouldBe(HttpStatusCode.OK);
        (await EventsAsync(server, FeedChanged, podcastId)).Count.ShouldBe(before + 1);
        (await ChannelAsync(anonymous, podcastId)).Element("title")!.Value.ShouldBe("Renamed <now>");
        var rebuilt = (await StoredFeedAsync(server, podcastId))!;
        rebuilt.BuiltAt.ShouldBeGreaterThan(built.BuiltAt);
        rebuilt.Etag.ShouldNotBe(built.Etag);
        // The FeedChanged handler may finish after the request built the feed: it finds the feed fresh and leaves it.
        await WaitForHandledAsync(podcastId);
        (await StoredFeedAsync(server, podcastId)).ShouldBe(rebuilt);

        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { title = "New episode title" })).Status.ShouldBe(HttpStatusCode.OK);
        (await ChannelAsync(anonymous, podcastId)).Element("item")!.Element("title")!.Value.ShouldBe("New episode title");

        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/unpublish", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await ChannelAsync(anonymous, podcastId)).Elements("item").ShouldBeEmpty();
        (await owner.Http.DeleteJsonAsync($"/api/v1/episodes/{episodeId}")).Status.ShouldBe(HttpStatusCode.NoContent);

        // Unpublishing the show takes the feed down at once and drops what was stored.
        (await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/unpublish", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetJsonAsync($"/rss/{podcastId}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await StoredFeedCountAsync(server, podcastId)).ShouldBe(0);
    }

    [Fact]
    public async Task Feed_RebuiltByTheEventWithoutAnyRequest_WhenItWasStoredBefore()
    {
        var owner = await server.SignUpAsync();
        var podcastId = await PublishedPodcastAsync(owner);
        using var anonymous = server.Client();
        await FeedTextAsync(anonymous, podcastId);
        var stored = (await StoredFeedAsync(server, podcastId))!;

        (await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { title = "Changed in the background" })).Status.ShouldBe(HttpStatusCode.OK);

        // No request for the feed: the FeedChanged handler alone brings the stored feed up to date.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        StoredFeedRow? row;
        do
        {
            await Task.Delay(100);
            row = await StoredFeedAsync(server, podcastId);
        }
        while (row!.FeedVersion == stored.FeedVersion && DateTime.UtcNow < deadline);

        row.FeedVersion.ShouldBeGreaterThan(stored.FeedVersion);
        row.Etag.ShouldNotBe(stored.Etag);
        (await ChannelAsync(anonymous, podcastId)).Element("title")!.Value.ShouldBe("Changed in the background");
        (await StoredFeedAsync(server, podcastId)).ShouldBe(row);
    }

    [Fact]
    public async Task EpisodeWentLive_RaisedOncePerGoingLive_WithTheShowAndAgainAfterUnpublish()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var episodeId = await ProcessedEpisodeAsync(owner, podcastId);

        // Published while the show is a draft: nobody can see it yet.
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await EventsAsync(server, EpisodeWentLive, episodeId)).ShouldBeEmpty();

        // The show goes public: the episode goes live with it, once.
        (await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        var events = await WaitForEventsAsync(server, EpisodeWentLive, episodeId, 1);
        events.Count.ShouldBe(1);
        events[0]["podcastId"]!.GetValue<string>().ShouldBe(podcastId);
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await EventsAsync(server, EpisodeWentLive, episodeId)).Count.ShouldBe(1);

        // Unpublished and published again: it goes live again, raised with the publish itself.
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/unpublish", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await EventsAsync(server, EpisodeWentLive, episodeId)).Count.ShouldBe(2);

        // Back-dated: live at once, the event carrying the date the feed shows.
        var second = await ProcessedEpisodeAsync(owner, podcastId);
        var backDate = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{second}/publish", new { publish_at = backDate })).Status.ShouldBe(HttpStatusCode.OK);
        var backDated = await EventsAsync(server, EpisodeWentLive, second);
        backDated.Count.ShouldBe(1);
        DateTimeOffset.Parse(backDated[0]["publishedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture).ShouldBe(backDate);
        (await EventsAsync(server, FeedChanged, podcastId)).Count.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task ScheduledEpisode_AppearsWhenItsTimeComes_AnnouncedOnceAcrossRestarts()
    {
        var owner = await server.SignUpAsync();
        var podcastId = await PublishedPodcastAsync(owner);
        var episodeId = await ProcessedEpisodeAsync(owner, podcastId);
        var at = DateTimeOffset.UtcNow.AddSeconds(4);
        var scheduled = await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", new { publish_at = at });
        scheduled.Body!["status"]!.GetValue<string>().ShouldBe("scheduled");
        using (var anonymous = server.Client())
        {
            (await ChannelAsync(anonymous, podcastId)).Elements("item").ShouldBeEmpty();
        }

        (await EventsAsync(server, EpisodeWentLive, episodeId)).ShouldBeEmpty();

        // The server that scheduled it stops; the one that starts afterwards must find it due.
        await server.RestartAsync();
        var channel = await WaitForFeedAsync(server.Client, podcastId, c => c.Elements("item").Any());
        channel.Element("item")!.Element("guid")!.Value.ShouldBe(episodeId);
        var events = await WaitForEventsAsync(server, EpisodeWentLive, episodeId, 1);
        events.Count.ShouldBe(1);
        DateTimeOffset.Parse(events[0]["publishedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture).ShouldBe(at, TimeSpan.FromMilliseconds(1));

        // Another restart, and another scheduled episode announced after it: the first is still announced only once.
        await server.RestartAsync();
        using var again = server.WithToken(owner.AccessToken);
        var later = await new TusTestClient(again).UploadAsync(podcastId, await TestMedia.AudioAsync($"later-{Guid.NewGuid():N}.wav", 2, 1));
        (await EpisodeUploadTestsWait(again, later)).ShouldBe("ready");
        (await again.PostJsonAsync($"/api/v1/episodes/{later}/publish", new { publish_at = DateTimeOffset.UtcNow.AddSeconds(1) })).Status
            .ShouldBe(HttpStatusCode.OK);
        (await WaitForEventsAsync(server, EpisodeWentLive, later, 1)).Count.ShouldBe(1);
        (await EventsAsync(server, EpisodeWentLive, episodeId)).Count.ShouldBe(1);
        (await WaitForFeedAsync(server.Client, podcastId, c => c.Elements("item").Count() == 2)).Elements("item").Count().ShouldBe(2);
    }

    [Fact]
    public async Task Feed_EncodingsValidatorsAndHead_PrecomputedAndConsistent()
    {
        var owner = await server.SignUpAsync();
        var podcastId = await PublishedPodcastAsync(owner);
        var episodeId = await ProcessedEpisodeAsync(owner, podcastId);
        await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null);
        using var anonymous = server.Client();

        using var plain = await anonymous.GetAsync(new Uri($"/rss/{podcastId}", UriKind.Relative));
        var body = await plain.Content.ReadAsByteArrayAsync();
        plain.Content.Headers.ContentEncoding.ShouldBeEmpty();
        plain.Headers.Vary.ShouldContain("Accept-Encoding");
        plain.Headers.CacheControl!.Public.ShouldBeTrue();
        plain.Headers.CacheControl.MaxAge.ShouldBe(TimeSpan.FromMinutes(5));
        plain.Headers.ETag!.IsWeak.ShouldBeFalse();
        var lastModified = plain.Content.Headers.LastModified!.Value;

        var tags = new List<EntityTagHeaderValue> { plain.Headers.ETag };
        foreach (var (coding, decode) in new (string, Func<Stream, Stream>)[]
                 {
                     ("br", s => new BrotliStream(s, CompressionMode.Decompress)),
                     ("gzip", s => new GZipStream(s, CompressionMode.Decompress)),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/rss/{podcastId}");
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(coding));
            using var response = await anonymous.SendAsync(request);
            response.Content.Headers.ContentEncoding.ShouldBe([coding]);
            response.Headers.ETag!.Tag.ShouldNotBe(plain.Headers.ETag.Tag);
            tags.Add(response.Headers.ETag);
            await using var decoded = decode(await response.Content.ReadAsStreamAsync());
            using var copy = new MemoryStream();
            await decoded.CopyToAsync(copy);
            copy.ToArray().ShouldBe(body);
        }

        // Both weighted: the higher weight wins.
        using (var weighted = new HttpRequestMessage(HttpMethod.Get, $"/rss/{podcastId}"))
        {
            weighted.Headers.TryAddWithoutValidation("Accept-Encoding", "br;q=0.5, gzip;q=0.9");
            using var response = await anonymous.SendAsync(weighted);
            response.Content.Headers.ContentEncoding.ShouldBe(["gzip"]);
        }

        // Any encoding's tag shows the client's copy is current.
        foreach (var tag in tags)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/rss/{podcastId}");
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
            request.Headers.IfNoneMatch.Add(tag);
            using var response = await anonymous.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.NotModified);
            response.Headers.ETag!.Tag.ShouldBe(tags[1].Tag);
        }

        using (var since = new HttpRequestMessage(HttpMethod.Get, $"/rss/{podcastId}"))
        {
            since.Headers.IfModifiedSince = lastModified;
            (await anonymous.SendAsync(since)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
        }

        using (var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/rss/{podcastId}")))
        {
            head.StatusCode.ShouldBe(HttpStatusCode.OK);
            head.Content.Headers.ContentLength.ShouldBe(body.Length);
            head.Headers.ETag.ShouldBe(plain.Headers.ETag);
            (await head.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        }

        // One complete feed: there is no page 2, and a page must be a number.
        (await anonymous.GetJsonAsync($"/rss/{podcastId}?page=2")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await anonymous.GetJsonAsync($"/rss/{podcastId}?page=1")).Status.ShouldBe(HttpStatusCode.OK);
        var notNumber = await anonymous.GetJsonAsync($"/rss/{podcastId}?page=two");
        notNumber.ShouldBeProblem(HttpStatusCode.BadRequest);
        notNumber.ErrorsFor("page").ShouldNotBeEmpty();
        (await anonymous.GetJsonAsync($"/rss/{Guid.NewGuid()}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task FeedFields_BadValues_EveryFieldNamed_NothingChanged()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var before = (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}")).Body!.ToJsonString();

        var bad = await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new
        {
            new_feed_url = "http://insecure.example.com/feed",
            itunes_block = (bool?)null,
            locked = (bool?)null,
            funding = new object[] { new { label = "No URL" }, new { url = "https://ok.example.com", label = new string('x', 129) } },
            persons = new object[] { new { name = "Wizard", role = "wizard", group = "magic", img = "ftp://x.example.com/a.jpg" } },
            location = new { name = "Nowhere", geo = "geo:200,1", osm = "X1" },
            license = new { url = "https://example.com/license" },
            txt = Enumerable.Range(0, 11).Select(i => new { value = $"v{i}" }).ToArray(),
            update_frequency = new { rrule = "FREQ=SOMETIMES", label = "" },
        });
        bad.ShouldBeProblem(HttpStatusCode.BadRequest);
        foreach (var field in new[]
                 {
                     "new_feed_url", "itunes_block", "locked", "funding[0].url", "funding[1].label", "persons[0].role", "persons[0].group",
                     "persons[0].img", "location.geo", "location.osm", "license.identifier", "txt", "update_frequency.rrule", "update_frequency.label",
                 })
        {
            bad.ErrorsFor(field).ShouldNotBeEmpty(field);
        }

        var counted = await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}",
            new { update_frequency = new { rrule = "FREQ=WEEKLY;COUNT=10", label = "Ten weeks" } });
        counted.ErrorsFor("update_frequency.dtstart").ShouldNotBeEmpty();
        var unknown = await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { funding = new[] { new { url = "https://a.example.com", labell = "x" } } });
        unknown.ShouldBeProblem(HttpStatusCode.BadRequest);
        unknown.Body!["errors"]!.ToJsonString().ShouldContain("labell");
        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}")).Body!.ToJsonString().ShouldBe(before);

        var episodeId = await ProcessedEpisodeAsync(owner, podcastId);
        var badEpisode = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new
        {
            transcripts = new object[] { new { url = "https://t.example.com/a.mp3", type = "audio/mpeg", language = "not a language", rel = "subtitles" } },
            chapters_url = "ftp://chapters.example.com/c.json",
            soundbites = new object[] { new { start_time = 1.0, duration = 30.0 }, new { start_time = -1.0, duration = 0.0 } },
            persons = new object[] { new { role = "guest" } },
        });
        badEpisode.ShouldBeProblem(HttpStatusCode.BadRequest);
        foreach (var field in new[]
                 {
                     "transcripts[0].type", "transcripts[0].language", "transcripts[0].rel", "chapters_url", "soundbites[0].start_time",
                     "soundbites[1].start_time", "soundbites[1].duration", "persons[0].name",
                 })
        {
            badEpisode.ErrorsFor(field).ShouldNotBeEmpty(field);
        }

        badEpisode.ErrorsFor("soundbites[0].start_time").Single().ShouldContain("within the episode");
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["transcripts"]!.AsArray().ShouldBeEmpty();

        // null clears, a list replaces the list.
        (await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { funding = new[] { new { url = "https://a.example.com", label = "A" } } }))
            .Body!["funding"]!.AsArray().Count.ShouldBe(1);
        (await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { funding = (object?)null })).Body!["funding"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task FeedFields_AnotherCreator_GetsNotFound_AndDraftChaptersStayPrivate()
    {
        var owner = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var episodeId = await ProcessedEpisodeAsync(owner, podcastId, await TestMedia.Mp3WithChaptersAsync($"private-{Guid.NewGuid():N}.mp3", 4));

        (await other.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { locked = true })).ShouldBeProblem(HttpStatusCode.NotFound);
        (await other.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { chapters_url = "https://x.example.com/c.json" }))
            .ShouldBeProblem(HttpStatusCode.NotFound);
        using var anonymous = server.Client();
        (await anonymous.GetJsonAsync($"/api/v1/episodes/{episodeId}/chapters.json")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await other.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}/chapters.json")).ShouldBeProblem(HttpStatusCode.NotFound);
        using var own = await owner.Http.GetAsync(new Uri($"/api/v1/episodes/{episodeId}/chapters.json", UriKind.Relative));
        own.StatusCode.ShouldBe(HttpStatusCode.OK);
        own.Headers.CacheControl!.Private.ShouldBeTrue();
        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}")).Body!["locked"]!.GetValue<bool>().ShouldBeFalse();

        // Media without chapters has no chapters file.
        var plain = await ProcessedEpisodeAsync(owner, podcastId);
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{plain}/chapters.json")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{plain}")).Body!["embedded_chapters_url"].ShouldBeNull();
    }

    private async Task WaitForHandledAsync(string podcastId)
    {
        // Every FeedChanged for the podcast delivered (dispatched) by the relay.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        await using var connection = await server.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None);
        while (DateTime.UtcNow < deadline)
        {
            var pending = await Dapper.SqlMapper.ExecuteScalarAsync<int>(connection,
                "SELECT COUNT(*) FROM outbox_events WHERE type = @type AND dispatched_at IS NULL AND payload LIKE @subject",
                new { type = FeedChanged, subject = $"%{podcastId}%" });
            if (pending == 0)
            {
                return;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<string> EpisodeUploadTestsWait(HttpClient client, string episodeId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var state = (await client.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["processed_status"]!.GetValue<string>();
            if (state is "ready" or "failed" || DateTime.UtcNow > deadline)
            {
                return state;
            }

            await Task.Delay(200);
        }
    }

    private static DateTimeOffset ParseRfc822(string value) =>
        DateTimeOffset.ParseExact(value, "ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

public sealed class SqliteCompleteFeedTests(SqliteServer server) : CompleteFeedTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresCompleteFeedTests(PostgresServer server) : CompleteFeedTests(server), IClassFixture<PostgresServer>;
