using System.Net;
using System.Net.Http.Headers;
using System.Xml.Linq;
using Airwave.IntegrationTests.Infrastructure;
using Airwave.IntegrationTests.Media;

namespace Airwave.IntegrationTests.Feeds;

/// <summary>The feed of a real processed show, parsed back; its enclosure answers with the length it states.</summary>
public abstract class RssFeedTests(ServerFixture server)
{
    private static readonly XNamespace Itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    private static readonly XNamespace PodcastNs = "https://podcastindex.org/namespace/1.0";

    [Fact]
    public async Task Feed_ProcessedShow_AppleTagsEnclosureAndOnlyLiveEpisodes()
    {
        var owner = await server.SignUpAsync(displayName: "Ann & Co");
        var created = await owner.Http.PostJsonAsync("/api/v1/podcasts", new
        {
            title = "Night <Shift> & \"Friends\"",
            description = "A show about **things** & <stuff>.",
            owner_email = "ann@example.com",
            language = "en-us",
            category = "society & culture",
            subcategory = "documentary",
            website_url = "https://nightshift.example.com",
        });
        var podcastId = created.Body!["id"]!.GetValue<string>();
        using var anonymous = server.Client();
        (await anonymous.GetJsonAsync($"/rss/{podcastId}")).ShouldBeProblem(HttpStatusCode.NotFound);
        await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null);

        var live = await new TusTestClient(owner.Http).UploadAsync(podcastId, await TestMedia.AudioAsync($"feed-{Guid.NewGuid():N}.wav", 4, 2));
        (await EpisodeUploadTests.WaitForProcessingAsync(owner, live))["processed_status"]!.GetValue<string>().ShouldBe("ready");
        await owner.Http.PatchJsonAsync($"/api/v1/episodes/{live}", new { title = "Pilot: <b>&</b>", season_number = 1, episode_number = 1 });
        await owner.Http.PostJsonAsync($"/api/v1/episodes/{live}/publish", null);
        var draft = (await owner.CreateEpisodeAsync(podcastId, "Draft only"))["id"]!.GetValue<string>();

        using var response = await anonymous.GetAsync(new Uri($"/rss/{podcastId}", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/rss+xml");
        var channel = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("channel")!;

        channel.Element("title")!.Value.ShouldBe("Night <Shift> & \"Friends\"");
        channel.Element("language")!.Value.ShouldBe("en-US");
        channel.Element("link")!.Value.ShouldBe("https://nightshift.example.com");
        channel.Element(Itunes + "category")!.Attribute("text")!.Value.ShouldBe("Society & Culture");
        channel.Element(Itunes + "category")!.Element(Itunes + "category")!.Attribute("text")!.Value.ShouldBe("Documentary");
        channel.Element(Itunes + "explicit")!.Value.ShouldBe("false");
        channel.Element(Itunes + "author")!.Value.ShouldBe("Ann & Co");
        channel.Element(Itunes + "owner")!.Element(Itunes + "email")!.Value.ShouldBe("ann@example.com");
        Guid.TryParse(channel.Element(PodcastNs + "guid")!.Value, out _).ShouldBeTrue();

        var item = channel.Elements("item").ShouldHaveSingleItem();
        item.Element("title")!.Value.ShouldBe("Pilot: <b>&</b>");
        item.Element("guid")!.Value.ShouldBe(live);
        item.Element(Itunes + "episode")!.Value.ShouldBe("1");
        channel.ToString().ShouldNotContain(draft);
        var enclosure = item.Element("enclosure")!;
        enclosure.Attribute("type")!.Value.ShouldBe("audio/mpeg");
        var length = long.Parse(enclosure.Attribute("length")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        item.Element(PodcastNs + "alternateEnclosure")!.Attribute("type")!.Value.ShouldBe("audio/mp4");

        // The enclosure redirects to the media origin, which answers HEAD and ranges with the length the feed states.
        using var head = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, enclosure.Attribute("url")!.Value));
        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        head.Content.Headers.ContentLength.ShouldBe(length);
        using var range = new HttpRequestMessage(HttpMethod.Get, enclosure.Attribute("url")!.Value);
        range.Headers.Range = new RangeHeaderValue(0, 99);
        using var partial = await anonymous.SendAsync(range);
        // From S3 the origin fetches just the range from the bucket.
        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        partial.Content.Headers.ContentRange!.Length.ShouldBe(length);
        (await partial.Content.ReadAsByteArrayAsync()).Length.ShouldBe(100);
    }

    [Fact]
    public async Task Feed_PublishedEpisodeWithFailedNewUpload_KeepsDeliveringItsAudio()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null);
        var episodeId = await new TusTestClient(owner.Http).UploadAsync(podcastId, await TestMedia.AudioAsync($"keep-{Guid.NewGuid():N}.wav", 3, 1));
        (await EpisodeUploadTests.WaitForProcessingAsync(owner, episodeId))["processed_status"]!.GetValue<string>().ShouldBe("ready");
        await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null);
        using var anonymous = server.Client();
        var before = XDocument.Parse(await anonymous.GetStringAsync(new Uri($"/rss/{podcastId}", UriKind.Relative)));
        var enclosure = before.Descendants("enclosure").Single().Attribute("length")!.Value;

        // The creator replaces the audio with something that is not audio: processing fails, the old audio stays live.
        var bad = await File.ReadAllBytesAsync(await TestMedia.TextAsAsync($"replacement-{Guid.NewGuid():N}.mp3"));
        var tus = new TusTestClient(owner.Http);
        using var created = await tus.CreateAsync(podcastId, bad.Length, TusTestClient.Metadata(("episodeId", episodeId)));
        (await tus.PatchAsync(created.Headers.Location!, 0, bad)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await EpisodeUploadTests.WaitForProcessingAsync(owner, episodeId))["processed_status"]!.GetValue<string>().ShouldBe("failed");

        var after = XDocument.Parse(await anonymous.GetStringAsync(new Uri($"/rss/{podcastId}", UriKind.Relative)));
        after.Descendants("enclosure").Single().Attribute("length")!.Value.ShouldBe(enclosure);
        using var audio = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, after.Descendants("enclosure").Single().Attribute("url")!.Value));
        audio.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["audio_url"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Feed_ConditionalRequests_304_AndCompressed()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null);
        using var anonymous = server.Client();

        using var first = await anonymous.GetAsync(new Uri($"/rss/{podcastId}", UriKind.Relative));
        first.Headers.CacheControl!.MaxAge.ShouldBe(TimeSpan.FromMinutes(5));
        var etag = first.Headers.ETag!;
        var lastModified = first.Content.Headers.LastModified!.Value;

        using var byTag = new HttpRequestMessage(HttpMethod.Get, $"/rss/{podcastId}");
        byTag.Headers.IfNoneMatch.Add(etag);
        (await anonymous.SendAsync(byTag)).StatusCode.ShouldBe(HttpStatusCode.NotModified);
        using var byDate = new HttpRequestMessage(HttpMethod.Get, $"/rss/{podcastId}");
        byDate.Headers.IfModifiedSince = lastModified;
        (await anonymous.SendAsync(byDate)).StatusCode.ShouldBe(HttpStatusCode.NotModified);

        await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { title = "Renamed" });
        using var changed = new HttpRequestMessage(HttpMethod.Get, $"/rss/{podcastId}");
        changed.Headers.IfNoneMatch.Add(etag);
        (await anonymous.SendAsync(changed)).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var gzip = new HttpRequestMessage(HttpMethod.Get, $"/rss/{podcastId}");
        gzip.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var compressed = await anonymous.SendAsync(gzip);
        compressed.Content.Headers.ContentEncoding.ShouldContain("gzip");
    }
}

public sealed class SqliteRssFeedTests(SqliteServer server) : RssFeedTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresRssFeedTests(PostgresServer server) : RssFeedTests(server), IClassFixture<PostgresServer>;

public sealed class S3RssFeedTests(SqliteS3Server server) : RssFeedTests(server), IClassFixture<SqliteS3Server>;
