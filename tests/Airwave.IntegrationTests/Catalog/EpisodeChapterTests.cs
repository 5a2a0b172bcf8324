using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Airwave.IntegrationTests.Feeds;
using Airwave.IntegrationTests.Infrastructure;
using Airwave.IntegrationTests.Web;

namespace Airwave.IntegrationTests.Catalog;

/// <summary>
/// Chapters the creator writes (PATCH <c>chapters</c>): every rule named by <c>chapters[i].field</c> with nothing
/// changed, another creator 404, and saved chapters served in chapters.json, linked by the feed's podcast:chapters and
/// listed on the public episode page.
/// </summary>
public abstract class EpisodeChapterTests(ServerFixture server)
{
    private static readonly XNamespace Podcast = "https://podcastindex.org/namespace/1.0";

    private async Task<(TestUser Owner, string EpisodeId)> DraftWithDurationAsync(long durationMs = 60_000)
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var episodeId = (await owner.CreateEpisodeAsync(podcastId))["id"]!.GetValue<string>();
        // The duration comes from processing; set here so the "within the episode" rule has one to check against.
        await server.ExecuteSqlAsync("UPDATE episodes SET duration_ms = @durationMs WHERE id = @id", new { durationMs, id = Guid.Parse(episodeId) });
        return (owner, episodeId);
    }

    [Fact]
    public async Task Patch_ValidChapters_StoredInOrderAndReturned()
    {
        var (owner, episodeId) = await DraftWithDurationAsync();

        var patched = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new
        {
            chapters = new object[]
            {
                new { start_time = 0, title = " Intro " },
                new { start_time = 12.3456, title = "Interview", url = "http://guest.example.com/", img = "https://cdn.example.com/guest.jpg" },
            },
        });

        patched.Status.ShouldBe(HttpStatusCode.OK, patched.Body?.ToJsonString());
        var chapters = patched.Body!["chapters"]!.AsArray();
        chapters.Select(c => (c!["start_time"]!.GetValue<double>(), c["title"]!.GetValue<string>())).ShouldBe([(0.0, "Intro"), (12.346, "Interview")]);
        chapters[1]!["url"]!.GetValue<string>().ShouldBe("http://guest.example.com/");
        chapters[1]!["img"]!.GetValue<string>().ShouldBe("https://cdn.example.com/guest.jpg");
        chapters[0]!["url"].ShouldBeNull();
        patched.Body["embedded_chapters_url"]!.GetValue<string>().ShouldEndWith($"/api/v1/episodes/{episodeId}/chapters.json");

        // Another field changed later keeps them; an empty list clears them.
        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { title = "Renamed" })).Body!["chapters"]!.AsArray().Count.ShouldBe(2);
        var cleared = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { chapters = Array.Empty<object>() });
        cleared.Body!["chapters"]!.AsArray().ShouldBeEmpty();
        cleared.Body["embedded_chapters_url"].ShouldBeNull();
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}/chapters.json")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_BadChapters_EachRuleNamedByRowAndField_NothingChanged()
    {
        var (owner, episodeId) = await DraftWithDurationAsync();
        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { chapters = new[] { new { start_time = 0, title = "Kept" } } }))
            .Status.ShouldBe(HttpStatusCode.OK);

        var response = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new
        {
            title = "Not saved either",
            chapters = new object?[]
            {
                new { start_time = 0, title = "Intro", url = "https://example.com/" },
                new { start_time = 0, title = "Same time" },
                new { start_time = -1, title = "Negative" },
                new { start_time = 30, title = "  " },
                new { start_time = 20, title = "Backwards" },
                new { start_time = 40, title = "Links", url = "ftp://example.com/file", img = "javascript:alert(1)" },
                new { start_time = 60, title = "At the end" },
                new { title = "No start" },
                null,
                new { start_time = 50, title = new string('x', 129) },
            },
        });

        response.ShouldBeProblem(HttpStatusCode.BadRequest);
        response.ErrorsFor("chapters[0].start_time").ShouldBeEmpty();
        response.ErrorsFor("chapters[1].start_time").ShouldBe(["is the same as the chapter before it: two chapters cannot start at the same time"]);
        response.ErrorsFor("chapters[2].start_time").ShouldBe(["is required: seconds from the start of the episode, 0 or more"]);
        response.ErrorsFor("chapters[3].title").ShouldBe(["is required"]);
        response.ErrorsFor("chapters[4].start_time").ShouldBe(["must be later than the chapter before it: list chapters in order"]);
        response.ErrorsFor("chapters[5].url").ShouldBe(["must be an absolute http:// or https:// URL"]);
        response.ErrorsFor("chapters[5].img").ShouldBe(["must be an absolute http:// or https:// URL"]);
        response.ErrorsFor("chapters[6].start_time").ShouldBe(["must be within the episode, before its end (60 seconds)"]);
        response.ErrorsFor("chapters[7].start_time").ShouldBe(["is required: seconds from the start of the episode, 0 or more"]);
        response.ErrorsFor("chapters[8]").ShouldBe(["must be an object"]);
        response.ErrorsFor("chapters[9].title").ShouldBe(["must be at most 128 characters"]);

        var tooMany = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new
        {
            chapters = Enumerable.Range(0, 501).Select(i => new { start_time = i * 0.1, title = $"C{i}" }).ToArray(),
        });
        tooMany.ShouldBeProblem(HttpStatusCode.BadRequest);
        tooMany.ErrorsFor("chapters").ShouldBe(["must have at most 500 entries"]);

        var episode = (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!;
        episode["title"]!.GetValue<string>().ShouldBe("Episode");
        episode["chapters"]!.AsArray().Select(c => c!["title"]!.GetValue<string>()).ShouldBe(["Kept"]);
    }

    [Fact]
    public async Task Patch_OtherFields_AfterAShorterUploadOutranTheChapters_StillAccepted()
    {
        var (owner, episodeId) = await DraftWithDurationAsync();
        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { chapters = new[] { new { start_time = 0, title = "A" }, new { start_time = 50, title = "B" } } }))
            .Status.ShouldBe(HttpStatusCode.OK);
        await server.ExecuteSqlAsync("UPDATE episodes SET duration_ms = 30000 WHERE id = @id", new { id = Guid.Parse(episodeId) });

        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { title = "Renamed" })).Status.ShouldBe(HttpStatusCode.OK);
        var resent = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { chapters = new[] { new { start_time = 0, title = "A" }, new { start_time = 50, title = "B" } } });
        resent.ShouldBeProblem(HttpStatusCode.BadRequest);
        resent.ErrorsFor("chapters[1].start_time").ShouldBe(["must be within the episode, before its end (30 seconds)"]);
    }

    [Fact]
    public async Task Patch_AnotherCreatorsEpisode_NotFoundAndUnchanged()
    {
        var (owner, episodeId) = await DraftWithDurationAsync();
        var stranger = await server.SignUpAsync();

        var response = await stranger.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { chapters = new[] { new { start_time = 0, title = "Mine now" } } });

        response.ShouldBeProblem(HttpStatusCode.NotFound);
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["chapters"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task SavedChapters_InChaptersJsonFeedAndPublicPage()
    {
        var owner = await server.SignUpAsync();
        var podcastId = await FeedTestSupport.PublishedPodcastAsync(owner, "Chaptered Show");
        var episodeId = await FeedTestSupport.ProcessedEpisodeAsync(owner, podcastId);
        var patched = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new
        {
            chapters = new object[]
            {
                new { start_time = 0, title = "Cold open" },
                new { start_time = 1.25, title = "The <good> part", url = "https://show.example.com/notes#good" },
            },
        });
        patched.Status.ShouldBe(HttpStatusCode.OK, patched.Body?.ToJsonString());
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        using var anonymous = server.Client();

        using var file = await anonymous.GetAsync(new Uri($"/api/v1/episodes/{episodeId}/chapters.json", UriKind.Relative));
        file.StatusCode.ShouldBe(HttpStatusCode.OK);
        file.Content.Headers.ContentType!.MediaType.ShouldBe("application/json+chapters");
        var json = JsonNode.Parse(await file.Content.ReadAsStringAsync())!;
        json["chapters"]!.AsArray().Select(c => (c!["startTime"]!.GetValue<double>(), c["title"]!.GetValue<string>()))
            .ShouldBe([(0.0, "Cold open"), (1.25, "The <good> part")]);
        json["chapters"]![1]!["url"]!.GetValue<string>().ShouldBe("https://show.example.com/notes#good");

        var channel = await FeedTestSupport.WaitForFeedAsync(server.Client, podcastId,
            c => c.Elements("item").Any(i => i.Element(Podcast + "chapters") is not null));
        channel.Element("item")!.Element(Podcast + "chapters")!.Attribute("url")!.Value.ShouldEndWith($"/api/v1/episodes/{episodeId}/chapters.json");

        var page = await anonymous.PageAsync($"/episodes/{episodeId}");
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Html.ShouldContain("Cold open");
        page.Html.ShouldContain("The &lt;good&gt; part");
    }
}

public sealed class SqliteEpisodeChapterTests(SqliteServer server) : EpisodeChapterTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresEpisodeChapterTests(PostgresServer server) : EpisodeChapterTests(server), IClassFixture<PostgresServer>;
