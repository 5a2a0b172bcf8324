using System.Net;
using System.Xml.Linq;
using Airwave.IntegrationTests.Feeds;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Web;

/// <summary>
/// The public site over real HTTP, parsed as HTML: SEO tags and JSON-LD, the player markup, sitemap and robots.txt,
/// what is and is not public (404 pages), pagination, search, and creator text that tries to break out of the page.
/// </summary>
public abstract class WebPagesTests(ServerFixture server)
{
    [Fact]
    public async Task PodcastPage_PublishedShow_TitleDescriptionCanonicalOpenGraphAndSeriesJsonLd()
    {
        var owner = await server.SignUpAsync(displayName: "Ann");
        var (podcastId, episodeId) = await WebPages.PublicShowAsync(owner, "Morning Radio");
        using var anonymous = server.Client();

        var page = await anonymous.PageAsync($"/podcasts/{podcastId}");

        page.Status.ShouldBe(HttpStatusCode.OK);
        page.ContentType.ShouldStartWith("text/html");
        var url = new Uri(server.BaseAddress, $"/podcasts/{podcastId}").ToString();
        page.Document.Title.ShouldBe("Morning Radio · Airwave");
        page.Meta("description").ShouldBe("A show about testing.");
        page.Canonical.ShouldBe(url);
        page.Meta("og:title").ShouldBe("Morning Radio");
        page.Meta("og:type").ShouldBe("website");
        page.Meta("og:url").ShouldBe(url);
        page.Meta("og:description").ShouldBe("A show about testing.");
        page.Meta("twitter:card").ShouldBe("summary");
        page.Meta("twitter:title").ShouldBe("Morning Radio");
        var feedUrl = new Uri(server.BaseAddress, $"/rss/{podcastId}").ToString();
        page.Document.QuerySelector("link[rel=alternate][type='application/rss+xml']")!.GetAttribute("href").ShouldBe(feedUrl);
        page.Document.QuerySelector("h1")!.TextContent.ShouldBe("Morning Radio");
        page.Document.QuerySelectorAll(".subscribe-links a").Select(a => a.TextContent)
            .ShouldBe(["RSS feed", "Apple Podcasts", "Overcast", "Pocket Casts", "AntennaPod"]);
        page.Document.QuerySelector(".subscribe-links a")!.GetAttribute("href").ShouldBe(feedUrl);
        page.Document.QuerySelectorAll(".episodes a").Select(a => a.GetAttribute("href")).ShouldBe([$"/episodes/{episodeId}"]);
        page.Document.QuerySelector("main")!.TextContent.ShouldContain("We talk about dawn.");

        var series = page.JsonLd.ShouldHaveSingleItem();
        series.GetProperty("@context").GetString().ShouldBe("https://schema.org");
        series.GetProperty("@type").GetString().ShouldBe("PodcastSeries");
        series.GetProperty("name").GetString().ShouldBe("Morning Radio");
        series.GetProperty("url").GetString().ShouldBe(url);
        series.GetProperty("webFeed").GetString().ShouldBe(feedUrl);
        series.GetProperty("author").GetProperty("name").GetString().ShouldBe("Ann");
        page.Header("Content-Security-Policy").ShouldContain("frame-ancestors 'none'");
        page.Header("Content-Security-Policy").ShouldContain("script-src 'self'");
    }

    [Fact]
    public async Task AppLinks_SetOnCreateReplacedAndCleared_ShownFirstOnThePodcastPage()
    {
        var owner = await server.SignUpAsync();
        var created = await owner.Http.PostJsonAsync("/api/v1/podcasts", new
        {
            title = "Linked Show",
            description = "Everywhere.",
            owner_email = "owner@example.com",
            language = "en",
            category = "technology",
            app_links = new { spotify = " https://open.spotify.com/show/abc ", apple_podcasts = "https://podcasts.apple.com/podcast/id123" },
        });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Body?.ToJsonString());
        var podcastId = created.Body!["id"]!.GetValue<string>();
        created.Body["app_links"]!["spotify"]!.GetValue<string>().ShouldBe("https://open.spotify.com/show/abc");
        created.Body["app_links"]!["overcast"].ShouldBeNull();
        (await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        using var anonymous = server.Client();

        var page = await anonymous.PageAsync($"/podcasts/{podcastId}");
        page.Document.QuerySelectorAll(".subscribe-links a").Select(a => a.TextContent)
            .ShouldBe(["Apple Podcasts", "Spotify", "RSS feed", "Overcast", "Pocket Casts", "AntennaPod"]);
        page.Document.QuerySelector(".subscribe-links a")!.GetAttribute("href").ShouldBe("https://podcasts.apple.com/podcast/id123");

        // Bad input changes nothing and names the field.
        var bad = await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { app_links = new { spotify = "javascript:alert(1)" } });
        bad.ShouldBeProblem(HttpStatusCode.BadRequest);
        bad.ErrorsFor("app_links.spotify").ShouldHaveSingleItem().ShouldContain("http");
        var unknown = await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { app_links = new { myspace = "https://myspace.example" } });
        unknown.ShouldBeProblem(HttpStatusCode.BadRequest);
        unknown.Body!.ToJsonString().ShouldContain("myspace");
        (await anonymous.GetJsonAsync($"/api/v1/podcasts/{podcastId}")).Body!["app_links"]!["spotify"]!.GetValue<string>()
            .ShouldBe("https://open.spotify.com/show/abc");

        // Another creator cannot see the draft's links or change them.
        var other = await server.SignUpAsync();
        (await other.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { app_links = (object?)null })).Status.ShouldBe(HttpStatusCode.Forbidden);

        // The object is replaced as a whole; null clears it.
        var replaced = await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { app_links = new { youtube_music = "https://music.youtube.com/playlist?list=x" } });
        replaced.Status.ShouldBe(HttpStatusCode.OK, replaced.Body?.ToJsonString());
        replaced.Body!["app_links"]!["spotify"].ShouldBeNull();
        (await anonymous.PageAsync($"/podcasts/{podcastId}")).Document.QuerySelectorAll(".subscribe-links a").Select(a => a.TextContent)
            .ShouldBe(["YouTube Music", "RSS feed", "Apple Podcasts", "Overcast", "Pocket Casts", "AntennaPod"]);
        var cleared = await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { app_links = (object?)null });
        cleared.Status.ShouldBe(HttpStatusCode.OK);
        cleared.Body!["app_links"]!["youtube_music"].ShouldBeNull();
    }

    [Fact]
    public async Task EpisodePage_ProcessedEpisode_PlayerWithoutPreloadChaptersWaveformAndEpisodeJsonLd()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, episodeId) = await WebPages.PublicShowAsync(owner, "Morning Radio", "First light");
        using var anonymous = server.Client();

        var page = await anonymous.PageAsync($"/episodes/{episodeId}");

        page.Status.ShouldBe(HttpStatusCode.OK);
        var url = new Uri(server.BaseAddress, $"/episodes/{episodeId}").ToString();
        var audioUrl = new Uri(server.BaseAddress, $"/api/v1/episodes/{episodeId}/audio").ToString();
        page.Document.Title.ShouldBe("First light · Morning Radio · Airwave");
        page.Meta("description").ShouldBe("We talk about dawn. See the notes.");
        page.Canonical.ShouldBe(url);
        page.Meta("og:type").ShouldBe("music.song");
        page.Meta("twitter:card").ShouldBe("player");
        page.Meta("twitter:player").ShouldBe(new Uri(server.BaseAddress, $"/embed/episodes/{episodeId}").ToString());

        var audio = page.Document.QuerySelector("audio")!;
        audio.GetAttribute("preload").ShouldBe("none");
        audio.GetAttribute("src").ShouldBe(audioUrl);
        audio.HasAttribute("controls").ShouldBeTrue();
        var player = page.Document.QuerySelector(".player")!;
        player.GetAttribute("data-episode-id").ShouldBe(episodeId);
        player.GetAttribute("data-events-url").ShouldBe("/api/v1/playback-events");
        var peaks = page.Document.QuerySelector("canvas.player-waveform")!.GetAttribute("data-peaks")!.Split(',').Select(double.Parse).ToList();
        peaks.Count.ShouldBeGreaterThan(100);
        peaks.ShouldAllBe(p => p >= 0 && p <= 1);
        peaks.Max().ShouldBeGreaterThan(0.1);
        page.Document.QuerySelectorAll(".chapter").Select(c => (c.GetAttribute("data-start"), c.TextContent))
            .ShouldBe([("0", "0:00 Intro"), ("2", "0:02 Main")]);
        page.Document.QuerySelector(".notes a")!.GetAttribute("href").ShouldBe("https://example.com/notes");
        page.Document.QuerySelector("script[src^='/assets/player.js']").ShouldNotBeNull();
        page.Document.QuerySelector("textarea#embed-code")!.TextContent
            .ShouldContain($"<iframe src=\"{new Uri(server.BaseAddress, $"/embed/episodes/{episodeId}")}\"");

        var episode = page.JsonLd.ShouldHaveSingleItem();
        episode.GetProperty("@type").GetString().ShouldBe("PodcastEpisode");
        episode.GetProperty("name").GetString().ShouldBe("First light");
        episode.GetProperty("url").GetString().ShouldBe(url);
        episode.GetProperty("episodeNumber").GetInt32().ShouldBe(1);
        episode.GetProperty("timeRequired").GetString().ShouldBe("PT4S");
        episode.GetProperty("partOfSeries").GetProperty("@type").GetString().ShouldBe("PodcastSeries");
        episode.GetProperty("partOfSeries").GetProperty("url").GetString().ShouldBe(new Uri(server.BaseAddress, $"/podcasts/{podcastId}").ToString());
        episode.GetProperty("associatedMedia").GetProperty("contentUrl").GetString().ShouldBe(audioUrl);
        DateTimeOffset.Parse(episode.GetProperty("datePublished").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeLessThanOrEqualTo(DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task EpisodePages_Viewed_NoMediaRequestInTheDeliveryLogUntilTheAudioIsAskedFor()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, episodeId) = await WebPages.PublicShowAsync(owner);
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };

        foreach (var path in new[] { $"/episodes/{episodeId}", $"/embed/episodes/{episodeId}", $"/podcasts/{podcastId}", "/" })
        {
            (await anonymous.PageAsync(path)).Status.ShouldBe(HttpStatusCode.OK, path);
        }

        // Then the first real listen. The log is written in order, so once its row is there, any row a page view
        // had caused would be there too.
        using var audio = await anonymous.GetAsync(new Uri($"/api/v1/episodes/{episodeId}/audio", UriKind.Relative));
        audio.StatusCode.ShouldBe(HttpStatusCode.Found);
        const string Count = "SELECT COUNT(*) FROM delivery_log WHERE episode_id = @id";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await server.CountSqlAsync(Count, new { id = Guid.Parse(episodeId) }) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        (await server.CountSqlAsync(Count, new { id = Guid.Parse(episodeId) })).ShouldBe(1);
        (await server.CountSqlAsync($"{Count} AND path = @path", new { id = Guid.Parse(episodeId), path = $"/api/v1/episodes/{episodeId}/audio" }))
            .ShouldBe(1);
    }

    [Fact]
    public async Task EmbedPage_PublicEpisode_MayBeFramedAndIsNotIndexed()
    {
        var owner = await server.SignUpAsync();
        var (_, episodeId) = await WebPages.PublicShowAsync(owner);
        using var anonymous = server.Client();

        var embed = await anonymous.PageAsync($"/embed/episodes/{episodeId}");
        var page = await anonymous.PageAsync($"/episodes/{episodeId}");

        embed.Status.ShouldBe(HttpStatusCode.OK);
        embed.Header("Content-Security-Policy").ShouldContain("frame-ancestors *");
        embed.Header("X-Frame-Options").ShouldBeEmpty();
        embed.Meta("robots").ShouldBe("noindex");
        embed.Canonical.ShouldBe(new Uri(server.BaseAddress, $"/episodes/{episodeId}").ToString());
        embed.Document.QuerySelector("audio")!.GetAttribute("preload").ShouldBe("none");
        embed.Document.QuerySelector("header.site-header").ShouldBeNull();
        page.Header("X-Frame-Options").ShouldBe("DENY");
    }

    [Fact]
    public async Task Pages_DraftScheduledPremiumAndUnknown_Same404PageNotIndexed()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, episodeId) = await WebPages.PublicShowAsync(owner);
        var draftPodcast = (await owner.CreatePodcastAsync("Not yet"))["id"]!.GetValue<string>();
        var draftEpisode = (await owner.CreateEpisodeAsync(podcastId, "Draft"))["id"]!.GetValue<string>();
        var scheduled = (await owner.CreateEpisodeAsync(podcastId, "Later"))["id"]!.GetValue<string>();
        await server.ExecuteSqlAsync("UPDATE episodes SET published_at = @at WHERE id = @id",
            new { at = DateTimeOffset.UtcNow.AddDays(3), id = Guid.Parse(scheduled) });
        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { premium = true })).Status.ShouldBe(HttpStatusCode.OK);
        using var anonymous = server.Client();

        string[] paths =
        [
            $"/podcasts/{draftPodcast}", $"/podcasts/{Guid.NewGuid()}", $"/episodes/{draftEpisode}", $"/episodes/{scheduled}",
            $"/episodes/{episodeId}", $"/embed/episodes/{episodeId}", $"/episodes/{Guid.NewGuid()}", "/podcasts/not-an-id",
            "/no/such/page", $"/podcasts/{podcastId}?page=2", $"/podcasts/{podcastId}?page=0", $"/podcasts/{podcastId}?page=x",
        ];
        foreach (var path in paths)
        {
            var page = await anonymous.PageAsync(path);
            page.Status.ShouldBe(HttpStatusCode.NotFound, path);
            page.ContentType.ShouldStartWith("text/html", customMessage: path);
            page.Document.QuerySelector("h1")!.TextContent.ShouldBe("Not found", path);
            page.Meta("robots").ShouldBe("noindex", path);
        }

        // The owner's own draft is no more visible on the public site: pages show what the public sees.
        (await owner.Http.PageAsync($"/podcasts/{draftPodcast}")).Status.ShouldBe(HttpStatusCode.NotFound);
        // Clients that do not ask for HTML, and the API, keep problem details.
        var json = await anonymous.PageAsync("/no/such/page", accept: "application/json");
        json.Status.ShouldBe(HttpStatusCode.NotFound);
        json.ContentType.ShouldStartWith("application/problem+json");
        (await anonymous.PageAsync("/api/v1/no-such-thing")).ContentType.ShouldStartWith("application/problem+json");
        (await anonymous.PageAsync($"/podcasts/{podcastId}")).Document.QuerySelectorAll(".episodes li").ShouldBeEmpty();
    }

    [Fact]
    public async Task Sitemap_PublicPagesOnly_AbsoluteUrlsAndRobotsPointsAtIt()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, episodeId) = await WebPages.PublicShowAsync(owner);
        var draftPodcast = (await owner.CreatePodcastAsync("Hidden"))["id"]!.GetValue<string>();
        var draftEpisode = (await owner.CreateEpisodeAsync(podcastId, "Draft"))["id"]!.GetValue<string>();
        using var anonymous = server.Client();

        using var response = await anonymous.GetAsync(new Uri("/sitemap.xml", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/xml");
        XNamespace ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
        var sitemap = XDocument.Parse(await response.Content.ReadAsStringAsync());
        sitemap.Root!.Name.ShouldBe(ns + "urlset");
        var urls = sitemap.Root.Elements(ns + "url").Select(u => u.Element(ns + "loc")!.Value).ToList();
        urls.ShouldContain(new Uri(server.BaseAddress, "/").ToString());
        urls.ShouldContain(new Uri(server.BaseAddress, $"/podcasts/{podcastId}").ToString());
        urls.ShouldContain(new Uri(server.BaseAddress, $"/episodes/{episodeId}").ToString());
        urls.ShouldNotContain(u => u.Contains(draftPodcast, StringComparison.Ordinal) || u.Contains(draftEpisode, StringComparison.Ordinal));
        sitemap.Root.Elements(ns + "url").Where(u => u.Element(ns + "lastmod") is not null)
            .ShouldAllBe(u => DateTimeOffset.Parse(u.Element(ns + "lastmod")!.Value, System.Globalization.CultureInfo.InvariantCulture) <= DateTimeOffset.UtcNow);

        var robots = await anonymous.GetStringAsync(new Uri("/robots.txt", UriKind.Relative));
        robots.ShouldContain($"Sitemap: {new Uri(server.BaseAddress, "/sitemap.xml")}");
        robots.ShouldContain("Disallow: /api/");
    }

    [Fact]
    public async Task CreatorText_ScriptsAndHtmlInTitlesAndNotes_EscapedInPageMetaAndJsonLd()
    {
        const string Title = "</script><script>alert('t')</script> & \"Friends\"";
        const string EpisodeTitle = "</textarea><img src=x onerror=alert(1)>";
        var owner = await server.SignUpAsync(displayName: "<b>Eve</b>");
        var (podcastId, episodeId) = await WebPages.PublicShowAsync(owner, Title, EpisodeTitle);
        (await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new
        {
            description = "<script>alert('d')</script> [click](javascript:alert('l')) ![x](javascript:alert('i'))",
            author = "</script><b>Eve</b>",
        })).Status.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new
        {
            description = "<iframe src=https://evil.example></iframe> <a href=\"javascript:alert(2)\">x</a>",
        })).Status.ShouldBe(HttpStatusCode.OK);
        using var anonymous = server.Client();

        foreach (var path in new[] { $"/podcasts/{podcastId}", $"/episodes/{episodeId}", $"/embed/episodes/{episodeId}", "/", "/search?q=Friends" })
        {
            var page = await anonymous.PageAsync(path);
            page.Status.ShouldBe(HttpStatusCode.OK, path);
            // The only scripts are the site's own: JSON-LD data, the player and the copy button; nothing the creator wrote.
            page.Document.QuerySelectorAll("script").ShouldAllBe(
                s => s.GetAttribute("type") == "application/ld+json" || (s.GetAttribute("src") ?? "").StartsWith("/assets/player.js", StringComparison.Ordinal)
                    || (s.GetAttribute("src") ?? "").StartsWith("/assets/copy.js", StringComparison.Ordinal),
                path);
            page.Document.QuerySelectorAll("iframe, b, img[onerror]").ShouldBeEmpty(path);
            page.Document.All.SelectMany(e => e.Attributes).ShouldNotContain(a => a.Name.StartsWith("on", StringComparison.Ordinal), path);
            page.Document.QuerySelectorAll("a[href], img[src]")
                .ShouldNotContain(e => (e.GetAttribute("href") ?? e.GetAttribute("src") ?? "").Contains("javascript", StringComparison.OrdinalIgnoreCase), path);
            page.Html.ShouldNotContain("<script>alert", Case.Insensitive, path);
            page.JsonLd.Count.ShouldBeLessThanOrEqualTo(1, path);
        }

        var podcastPage = await anonymous.PageAsync($"/podcasts/{podcastId}");
        podcastPage.Document.QuerySelector("h1")!.TextContent.ShouldBe(Title);
        podcastPage.Meta("og:title").ShouldBe(Title);
        podcastPage.Document.Title.ShouldBe($"{Title} · Airwave");
        podcastPage.JsonLd.Single().GetProperty("name").GetString().ShouldBe(Title);
        podcastPage.Document.QuerySelector(".notes")!.TextContent.ShouldContain("<script>alert('d')</script>");
        var episodePage = await anonymous.PageAsync($"/episodes/{episodeId}");
        episodePage.Document.QuerySelector("h1")!.TextContent.ShouldBe(EpisodeTitle);
        episodePage.JsonLd.Single().GetProperty("name").GetString().ShouldBe(EpisodeTitle);
        // The embed code is text in the textarea; the title inside it is attribute-encoded for where it will be pasted.
        episodePage.Document.QuerySelector("textarea#embed-code")!.TextContent
            .ShouldContain("title=\"&lt;/textarea&gt;&lt;img src=x onerror=alert(1)&gt;\"");
    }

    [Fact]
    public async Task PodcastPage_MoreEpisodesThanAPage_NumberedPagesWithPrevNextLinks()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, newest) = await WebPages.PublicShowAsync(owner);
        // Twenty more published episodes, older than the processed one; publishing through the API would need twenty
        // processed uploads, which tells nothing more about pages.
        for (var i = 1; i <= 20; i++)
        {
            var id = (await owner.CreateEpisodeAsync(podcastId, $"Older {i:00}"))["id"]!.GetValue<string>();
            await server.ExecuteSqlAsync("UPDATE episodes SET published_at = @at WHERE id = @id",
                new { at = DateTimeOffset.UtcNow.AddDays(-i), id = Guid.Parse(id) });
        }

        using var anonymous = server.Client();
        var first = await anonymous.PageAsync($"/podcasts/{podcastId}");
        var second = await anonymous.PageAsync($"/podcasts/{podcastId}?page=2");

        first.Document.QuerySelectorAll(".episodes li").Length.ShouldBe(20);
        first.Document.QuerySelector(".episodes a")!.GetAttribute("href").ShouldBe($"/episodes/{newest}");
        first.Document.QuerySelector("link[rel=next]")!.GetAttribute("href").ShouldBe(new Uri(server.BaseAddress, $"/podcasts/{podcastId}?page=2").ToString());
        first.Document.QuerySelector("link[rel=prev]").ShouldBeNull();
        first.Document.QuerySelector(".pagination a[rel=next]")!.GetAttribute("href").ShouldBe($"/podcasts/{podcastId}?page=2");
        second.Status.ShouldBe(HttpStatusCode.OK);
        second.Document.QuerySelectorAll(".episodes h3").Select(h => h.TextContent).ShouldBe(["Older 20"]);
        second.Canonical.ShouldBe(new Uri(server.BaseAddress, $"/podcasts/{podcastId}?page=2").ToString());
        second.Document.QuerySelector("link[rel=prev]")!.GetAttribute("href").ShouldBe(new Uri(server.BaseAddress, $"/podcasts/{podcastId}").ToString());
        second.Document.Title!.ShouldContain("(page 2)");
        (await anonymous.PageAsync($"/podcasts/{podcastId}?page=3")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task HomeAndSearch_PublishedShowsOnly_CaseInsensitiveWithWildcardsTakenLiterally()
    {
        var owner = await server.SignUpAsync();
        var marker = Guid.NewGuid().ToString("N")[..8];
        var published = await FeedTestSupport.PublishedPodcastAsync(owner, $"Garden {marker} 100% Talk");
        var other = await FeedTestSupport.PublishedPodcastAsync(owner, $"Garden {marker} 1000 Talk");
        var draft = (await owner.CreatePodcastAsync($"Garden {marker} draft"))["id"]!.GetValue<string>();
        using var anonymous = server.Client();

        var home = await anonymous.PageAsync("/");
        home.Status.ShouldBe(HttpStatusCode.OK);
        home.Document.Title.ShouldBe("Airwave");
        home.Canonical.ShouldBe(new Uri(server.BaseAddress, "/").ToString());
        var homeLinks = home.Document.QuerySelectorAll(".cards a").Select(a => a.GetAttribute("href")).ToList();
        homeLinks.ShouldContain($"/podcasts/{published}");
        homeLinks.ShouldNotContain($"/podcasts/{draft}");
        home.Document.QuerySelector("form[role=search] label[for=site-search-q]").ShouldNotBeNull();

        var search = await anonymous.PageAsync($"/search?q=GARDEN%20{marker}");
        search.Meta("robots").ShouldBe("noindex");
        search.Document.QuerySelectorAll(".cards a").Select(a => a.GetAttribute("href")).ShouldBe([$"/podcasts/{other}", $"/podcasts/{published}"]);
        (await anonymous.PageAsync($"/search?q={marker}%20100%25")).Document.QuerySelectorAll(".cards a").Select(a => a.GetAttribute("href"))
            .ShouldBe([$"/podcasts/{published}"]);
        (await anonymous.PageAsync($"/search?q={marker}_100")).Document.QuerySelectorAll(".cards a").ShouldBeEmpty();
        (await anonymous.PageAsync("/search")).Status.ShouldBe(HttpStatusCode.OK);
        var tooLong = await anonymous.PageAsync("/search?q=" + new string('a', 201));
        tooLong.Status.ShouldBe(HttpStatusCode.BadRequest);
        tooLong.Document.QuerySelector("[role=alert]")!.TextContent.ShouldContain("at most 200 characters");
    }

    [Fact]
    public async Task Assets_Versioned_CachedForGoodWhenTheHashMatches()
    {
        using var anonymous = server.Client();
        var home = await anonymous.PageAsync("/");
        var css = home.Document.QuerySelector("link[rel=stylesheet]")!.GetAttribute("href")!;

        using var response = await anonymous.GetAsync(new Uri(css, UriKind.Relative));
        using var stale = await anonymous.GetAsync(new Uri("/assets/site.css?v=old", UriKind.Relative));
        using var missing = await anonymous.GetAsync(new Uri("/assets/nothing.js", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/css");
        response.Headers.CacheControl!.ToString().ShouldContain("immutable");
        stale.Headers.CacheControl!.NoCache.ShouldBeTrue();
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}

public sealed class SqliteWebPagesTests(SqliteServer server) : WebPagesTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresWebPagesTests(PostgresServer server) : WebPagesTests(server), IClassFixture<PostgresServer>;

/// <summary>With <c>Server:PublicBaseUrl</c> set, every absolute link on pages uses it, whatever address the request came to.</summary>
public sealed class PublicBaseUrlWebPagesTests(PublicBaseUrlServer server) : IClassFixture<PublicBaseUrlServer>
{
    [Fact]
    public async Task Pages_ConfiguredPublicBaseUrl_CanonicalOgJsonLdSitemapAndEmbedCodeUseIt()
    {
        var signedUp = await server.SignUpAsync();
        using var proxied = new HttpClient(new PublicAddressHandler(new Uri(PublicBaseUrlServer.BaseUrl), server.BaseAddress))
        {
            BaseAddress = server.BaseAddress,
        };
        proxied.DefaultRequestHeaders.Authorization = signedUp.Http.DefaultRequestHeaders.Authorization;
        var (podcastId, episodeId) = await WebPages.PublicShowAsync(signedUp with { Http = proxied });
        using var anonymous = server.Client();

        var podcast = await anonymous.PageAsync($"/podcasts/{podcastId}");
        var episode = await anonymous.PageAsync($"/episodes/{episodeId}");
        var sitemap = await anonymous.GetStringAsync(new Uri("/sitemap.xml", UriKind.Relative));

        podcast.Canonical.ShouldBe($"{PublicBaseUrlServer.BaseUrl}/podcasts/{podcastId}");
        podcast.Meta("og:url").ShouldBe($"{PublicBaseUrlServer.BaseUrl}/podcasts/{podcastId}");
        podcast.JsonLd.Single().GetProperty("webFeed").GetString().ShouldBe($"{PublicBaseUrlServer.BaseUrl}/rss/{podcastId}");
        episode.Canonical.ShouldBe($"{PublicBaseUrlServer.BaseUrl}/episodes/{episodeId}");
        episode.Document.QuerySelector("audio")!.GetAttribute("src").ShouldBe($"{PublicBaseUrlServer.BaseUrl}/api/v1/episodes/{episodeId}/audio");
        episode.Document.QuerySelector("textarea#embed-code")!.TextContent.ShouldContain($"{PublicBaseUrlServer.BaseUrl}/embed/episodes/{episodeId}");
        sitemap.ShouldContain($"<loc>{PublicBaseUrlServer.BaseUrl}/episodes/{episodeId}</loc>");
        sitemap.ShouldNotContain(server.BaseAddress.Authority);
    }
}

public sealed class PublicBaseUrlServer : ServerFixture
{
    public const string BaseUrl = "https://podcasts.example.com";

    protected override string Provider => "sqlite";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Server:PublicBaseUrl"] = BaseUrl };
}
