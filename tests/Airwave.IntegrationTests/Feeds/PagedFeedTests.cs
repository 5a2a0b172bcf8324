using System.Net;
using System.Xml.Linq;
using Airwave.IntegrationTests.Infrastructure;
using static Airwave.IntegrationTests.Feeds.FeedTestSupport;

namespace Airwave.IntegrationTests.Feeds;

/// <summary>Feeds:PageSize on: RFC 5005 paged feeds, newest page first, linked first/previous/next/last.</summary>
public abstract class PagedFeedTests(ServerFixture server)
{
    [Fact]
    public async Task PagedFeed_FiveEpisodesTwoPerPage_ThreePagesLinkedNewestFirst()
    {
        var owner = await server.SignUpAsync();
        var podcastId = await PublishedPodcastAsync(owner, "Paged");
        var episodes = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var episodeId = await ProcessedEpisodeAsync(owner, podcastId);
            // Older first, a day apart, so the newest is the last one made.
            (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", new { publish_at = DateTimeOffset.UtcNow.AddDays(i - 10) }))
                .Status.ShouldBe(HttpStatusCode.OK);
            episodes.Add(episodeId);
        }

        episodes.Reverse();
        using var anonymous = server.Client();
        var feedUrl = new Uri(server.BaseAddress, $"/rss/{podcastId}").ToString();
        var pages = new List<XElement>();
        foreach (var query in new[] { "", "?page=2", "?page=3" })
        {
            pages.Add(await ChannelAsync(anonymous, podcastId, query));
        }

        pages.SelectMany(p => p.Elements("item").Select(i => i.Element("guid")!.Value)).ShouldBe(episodes);
        pages.Select(p => p.Elements("item").Count()).ShouldBe([2, 2, 1]);
        string? Link(XElement channel, string rel) => channel.Elements(Atom + "link").SingleOrDefault(l => l.Attribute("rel")!.Value == rel)?.Attribute("href")!.Value;
        foreach (var page in pages)
        {
            Link(page, "first").ShouldBe(feedUrl);
            Link(page, "last").ShouldBe(feedUrl + "?page=3");
            page.Element(History + "complete").ShouldBeNull();
            page.Element(Podcast + "guid").ShouldNotBeNull();
        }

        (Link(pages[0], "self"), Link(pages[0], "previous"), Link(pages[0], "next")).ShouldBe((feedUrl, null, feedUrl + "?page=2"));
        (Link(pages[1], "self"), Link(pages[1], "previous"), Link(pages[1], "prev"), Link(pages[1], "next"))
            .ShouldBe((feedUrl + "?page=2", feedUrl, feedUrl, feedUrl + "?page=3"));
        (Link(pages[2], "previous"), Link(pages[2], "next")).ShouldBe((feedUrl + "?page=2", null));
        (await StoredFeedAsync(server, podcastId))!.PageCount.ShouldBe(3);

        (await anonymous.GetJsonAsync($"/rss/{podcastId}?page=4")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await anonymous.GetJsonAsync($"/rss/{podcastId}?page=0")).ShouldBeProblem(HttpStatusCode.NotFound);

        // One episode fewer: page 3 goes, the links follow.
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodes[0]}/unpublish", null)).Status.ShouldBe(HttpStatusCode.OK);
        var first = await ChannelAsync(anonymous, podcastId);
        Link(first, "last").ShouldBe(feedUrl + "?page=2");
        (await anonymous.GetJsonAsync($"/rss/{podcastId}?page=3")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await StoredFeedCountAsync(server, podcastId)).ShouldBe(2);
    }
}

/// <summary>A server with paged feeds, two episodes a page.</summary>
public sealed class PagedSqliteServer : ServerFixture
{
    protected override string Provider => "sqlite";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Feeds:PageSize"] = "2" };
}

public sealed class PagedPostgresServer : ServerFixture
{
    protected override string Provider => "postgres";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Feeds:PageSize"] = "2" };
}

public sealed class SqlitePagedFeedTests(PagedSqliteServer server) : PagedFeedTests(server), IClassFixture<PagedSqliteServer>;

public sealed class PostgresPagedFeedTests(PagedPostgresServer server) : PagedFeedTests(server), IClassFixture<PagedPostgresServer>;
