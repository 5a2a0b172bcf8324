using System.Net;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Catalog;

public abstract class PodcastTests(ServerFixture server)
{
    [Fact]
    public async Task Create_Valid_Returns201WithNormalisedAndComputedFields()
    {
        var creator = await server.SignUpAsync(displayName: "Cleo");
        var response = await creator.Http.PostJsonAsync("/api/v1/podcasts", new
        {
            title = "  Night <Shift> & Co  ",
            description = "Stories *after dark*.",
            owner_email = "cleo@example.com",
            language = "en-gb",
            category = "society & culture",
            subcategory = "documentary",
            @explicit = true,
            type = "serial",
            website_url = "https://nightshift.example.com",
            copyright = "© 2026 Cleo",
        });

        response.Status.ShouldBe(HttpStatusCode.Created);
        var podcast = response.Body!;
        var id = podcast["id"]!.GetValue<string>();
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/podcasts/{id}");
        podcast["title"]!.GetValue<string>().ShouldBe("Night <Shift> & Co");
        podcast["description_html"]!.GetValue<string>().ShouldBe("<p>Stories <em>after dark</em>.</p>");
        podcast["author"]!.GetValue<string>().ShouldBe("Cleo");
        podcast["owner_name"]!.GetValue<string>().ShouldBe("Cleo");
        podcast["language"]!.GetValue<string>().ShouldBe("en-GB");
        podcast["category"]!.GetValue<string>().ShouldBe("Society & Culture");
        podcast["subcategory"]!.GetValue<string>().ShouldBe("Documentary");
        podcast["explicit"]!.GetValue<bool>().ShouldBeTrue();
        podcast["type"]!.GetValue<string>().ShouldBe("serial");
        podcast["status"]!.GetValue<string>().ShouldBe("draft");
        podcast["rss_feed_url"]!.GetValue<string>().ShouldBe(new Uri(server.BaseAddress, $"/rss/{id}").ToString());
        podcast["cover_image_url"].ShouldBeNull();

        var fetched = await creator.Http.GetJsonAsync($"/api/v1/podcasts/{id}");
        fetched.Body!.ToJsonString().ShouldBe(podcast.ToJsonString());
    }

    [Fact]
    public async Task Create_BadFields_EachNamedWithReason_NothingStored()
    {
        var creator = await server.SignUpAsync();
        var response = await creator.Http.PostJsonAsync("/api/v1/podcasts", new
        {
            description = new string('x', 4100),
            owner_email = "nobody",
            language = "english",
            category = "Podcasting",
            type = "daily",
            website_url = "javascript:alert(1)",
        });

        response.ShouldBeProblem(HttpStatusCode.BadRequest);
        response.ErrorsFor("title").ShouldBe(["is required"]);
        response.ErrorsFor("description").Single().ShouldContain("the limit is 4000 bytes");
        response.ErrorsFor("owner_email").ShouldBe(["must be an email address such as name@example.com"]);
        response.ErrorsFor("language").Single().ShouldContain("BCP 47");
        response.ErrorsFor("category").Single().ShouldContain("'Podcasting' is not an Apple Podcasts category");
        response.ErrorsFor("type").ShouldBe(["must be episodic or serial"]);
        response.ErrorsFor("website_url").ShouldBe(["must be an absolute http:// or https:// URL"]);
        await ShouldOwnNoPodcasts(creator);
    }

    [Fact]
    public async Task Create_MalformedJson_400NamesBody_NothingStored()
    {
        var creator = await server.SignUpAsync();
        var response = await creator.Http.PostRawAsync("/api/v1/podcasts", """{"title": "Half""");
        response.ShouldBeProblem(HttpStatusCode.BadRequest);
        response.ErrorsFor("body").Single().ShouldStartWith("is not valid JSON");
        await ShouldOwnNoPodcasts(creator);
    }

    [Fact]
    public async Task Create_UnknownField_400NamesIt_NothingStored()
    {
        var creator = await server.SignUpAsync();
        var response = await creator.Http.PostRawAsync("/api/v1/podcasts",
            """{"title": "T", "description": "D", "owner_email": "a@example.com", "language": "en", "category": "Arts", "categroy": "Arts"}""");
        response.ShouldBeProblem(HttpStatusCode.BadRequest);
        response.ErrorsFor("categroy").ShouldBe(["is not a known field"]);
        await ShouldOwnNoPodcasts(creator);
    }

    [Fact]
    public async Task Create_WrongJsonType_400SaysWhatIsExpected()
    {
        var creator = await server.SignUpAsync();
        var response = await creator.Http.PostRawAsync("/api/v1/podcasts", """{"title": "T", "explicit": "yes"}""");
        response.ShouldBeProblem(HttpStatusCode.BadRequest);
        response.ErrorsFor("explicit").ShouldBe(["must be true or false"]);
    }

    [Fact]
    public async Task Create_TenMegabyteBody_413_NothingStored()
    {
        var creator = await server.SignUpAsync();
        var huge = $$"""{"title": "{{new string('a', 10 * 1024 * 1024)}}"}""";
        // Like curl and browsers, ask before sending a large body: the server refuses it without reading it.
        var request = new StringContent(huge, System.Text.Encoding.UTF8, "application/json");
        creator.Http.DefaultRequestHeaders.ExpectContinue = true;
        var response = await creator.Http.SendAsync(HttpMethod.Post, "/api/v1/podcasts", request);
        response.ShouldBeProblem(HttpStatusCode.RequestEntityTooLarge);
        response.Body!["detail"]!.GetValue<string>().ShouldContain("1048576 bytes");
        await ShouldOwnNoPodcasts(creator);
    }

    [Fact]
    public async Task Create_NotJson_415()
    {
        var creator = await server.SignUpAsync();
        var response = await creator.Http.PostRawAsync("/api/v1/podcasts", "title=x", "application/x-www-form-urlencoded");
        response.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
        response.Body!["detail"]!.GetValue<string>().ShouldBe("Send the request body as JSON with Content-Type: application/json.");
    }

    [Fact]
    public async Task Create_NoBody_400NamesBody()
    {
        var creator = await server.SignUpAsync();
        var response = await creator.Http.PostJsonAsync("/api/v1/podcasts", null);
        response.ShouldBeProblem(HttpStatusCode.BadRequest);
        response.ErrorsFor("body").Single().ShouldStartWith("is required");
    }

    [Fact]
    public async Task Create_ListenerOrAnonymous_Refused()
    {
        var listener = await server.SignUpAsync("listener");
        (await listener.Http.PostJsonAsync("/api/v1/podcasts", Api.ValidPodcast())).ShouldBeProblem(HttpStatusCode.Forbidden);
        using var anonymous = server.Client();
        (await anonymous.PostJsonAsync("/api/v1/podcasts", Api.ValidPodcast())).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Draft_InvisibleToOthers_404_EvenForWrites()
    {
        var owner = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var id = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        using var anonymous = server.Client();

        (await anonymous.GetJsonAsync($"/api/v1/podcasts/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await other.Http.GetJsonAsync($"/api/v1/podcasts/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await other.Http.PatchJsonAsync($"/api/v1/podcasts/{id}", new { title = "Mine now" })).ShouldBeProblem(HttpStatusCode.NotFound);
        (await other.Http.DeleteJsonAsync($"/api/v1/podcasts/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await other.Http.GetJsonAsync($"/api/v1/podcasts/{id}/episodes")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{id}")).Body!["title"]!.GetValue<string>().ShouldBe("The Test Show");
    }

    [Fact]
    public async Task Published_VisibleToAll_WritesByOthers403_OwnerEmailHidden()
    {
        var owner = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var id = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var published = await owner.Http.PostJsonAsync($"/api/v1/podcasts/{id}/publish", null);
        published.Body!["status"]!.GetValue<string>().ShouldBe("published");

        using var anonymous = server.Client();
        var seen = await anonymous.GetJsonAsync($"/api/v1/podcasts/{id}");
        seen.Status.ShouldBe(HttpStatusCode.OK);
        seen.Body!["owner_email"].ShouldBeNull();
        (await other.Http.PatchJsonAsync($"/api/v1/podcasts/{id}", new { title = "Hijacked" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await other.Http.DeleteJsonAsync($"/api/v1/podcasts/{id}")).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await other.Http.PostJsonAsync($"/api/v1/podcasts/{id}/unpublish", null)).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await other.Http.PostJsonAsync($"/api/v1/podcasts/{id}/episodes", new { title = "Spam" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await anonymous.GetJsonAsync($"/api/v1/podcasts/{id}")).Body!["title"]!.GetValue<string>().ShouldBe("The Test Show");

        (await owner.Http.PostJsonAsync($"/api/v1/podcasts/{id}/unpublish", null)).Body!["status"]!.GetValue<string>().ShouldBe("draft");
        (await anonymous.GetJsonAsync($"/api/v1/podcasts/{id}")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_MergeSemantics_AbsentKept_NullCleared_RequiredNullRefused()
    {
        var owner = await server.SignUpAsync();
        var created = await owner.Http.PostJsonAsync("/api/v1/podcasts", new
        {
            title = "Before", description = "D", owner_email = "o@example.com", language = "en", category = "Arts",
            subcategory = "Books", website_url = "https://example.com", copyright = "C",
        });
        var id = created.Body!["id"]!.GetValue<string>();

        var patched = await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{id}", new { title = "After", website_url = (string?)null });
        patched.Status.ShouldBe(HttpStatusCode.OK);
        patched.Body!["title"]!.GetValue<string>().ShouldBe("After");
        patched.Body["website_url"].ShouldBeNull();
        patched.Body["copyright"]!.GetValue<string>().ShouldBe("C");
        patched.Body["subcategory"]!.GetValue<string>().ShouldBe("Books");

        // A new category drops a subcategory that belonged to the old one.
        var recategorised = await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{id}", new { category = "Technology" });
        recategorised.Body!["subcategory"].ShouldBeNull();

        var refused = await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{id}", new { title = (string?)null, language = "xx-invalid-tag-!" });
        refused.ShouldBeProblem(HttpStatusCode.BadRequest);
        refused.ErrorsFor("title").ShouldBe(["is required"]);
        refused.ErrorsFor("language").ShouldNotBeEmpty();
        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{id}")).Body!["title"]!.GetValue<string>().ShouldBe("After");
    }

    [Fact]
    public async Task Delete_RemovesPodcastAndEpisodes()
    {
        var owner = await server.SignUpAsync();
        var id = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var episodeId = (await owner.CreateEpisodeAsync(id))["id"]!.GetValue<string>();
        (await owner.Http.DeleteJsonAsync($"/api/v1/podcasts/{id}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListMine_PagesThroughEverything_NewestFirst_NoDuplicates()
    {
        var owner = await server.SignUpAsync();
        var titles = Enumerable.Range(1, 5).Select(i => $"Show {i}").ToList();
        foreach (var title in titles)
        {
            await owner.CreatePodcastAsync(title);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await owner.Http.GetJsonAsync($"/api/v1/podcasts?mine=true&limit=2{(cursor is null ? "" : $"&cursor={cursor}")}");
            page.Status.ShouldBe(HttpStatusCode.OK);
            seen.AddRange(page.Body!["items"]!.AsArray().Select(p => p!["title"]!.GetValue<string>()));
            cursor = page.Body["next_cursor"]?.GetValue<string>();
            pages++;
        }
        while (cursor is not null);

        pages.ShouldBe(3);
        seen.ShouldBe(Enumerable.Reverse(titles));
    }

    [Fact]
    public async Task ListPublic_OnlyPublishedPodcasts()
    {
        var owner = await server.SignUpAsync();
        var draft = (await owner.CreatePodcastAsync("Draft show"))["id"]!.GetValue<string>();
        var live = (await owner.CreatePodcastAsync("Live show"))["id"]!.GetValue<string>();
        await owner.Http.PostJsonAsync($"/api/v1/podcasts/{live}/publish", null);

        using var anonymous = server.Client();
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await anonymous.GetJsonAsync($"/api/v1/podcasts?limit=100{(cursor is null ? "" : $"&cursor={cursor}")}");
            ids.AddRange(page.Body!["items"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()));
            cursor = page.Body["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        ids.ShouldContain(live);
        ids.ShouldNotContain(draft);

        // Most recently published first: a show drafted long ago but published now comes before older releases.
        var older = (await owner.CreatePodcastAsync("Drafted earlier"))["id"]!.GetValue<string>();
        var newer = (await owner.CreatePodcastAsync("Drafted later"))["id"]!.GetValue<string>();
        await owner.Http.PostJsonAsync($"/api/v1/podcasts/{newer}/publish", null);
        await owner.Http.PostJsonAsync($"/api/v1/podcasts/{older}/publish", null);
        var first = await anonymous.GetJsonAsync("/api/v1/podcasts?limit=2");
        first.Body!["items"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ShouldBe([older, newer]);
    }

    [Fact]
    public async Task List_BadPaging_400NamesParameter()
    {
        var owner = await server.SignUpAsync();
        (await owner.Http.GetJsonAsync("/api/v1/podcasts?mine=true&limit=500")).ErrorsFor("limit").Single().ShouldBe("must be between 1 and 100");
        (await owner.Http.GetJsonAsync("/api/v1/podcasts?mine=true&cursor=bogus")).ErrorsFor("cursor").Single().ShouldBe("is not a cursor this API returned");
        (await owner.Http.GetJsonAsync("/api/v1/podcasts?mine=true&limit=ten")).ErrorsFor("limit").Single().ShouldBe("'ten' is not a whole number");
        using var anonymous = server.Client();
        (await anonymous.GetJsonAsync("/api/v1/podcasts?mine=true")).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Restart_EverythingAcknowledgedIsStillThere()
    {
        var owner = await server.SignUpAsync();
        var id = (await owner.CreatePodcastAsync("Survivor"))["id"]!.GetValue<string>();
        await owner.CreateEpisodeAsync(id, "One");
        await owner.CreateEpisodeAsync(id, "Two");

        await server.RestartAsync();

        using var client = server.WithToken(owner.AccessToken);
        (await client.GetJsonAsync($"/api/v1/podcasts/{id}")).Body!["title"]!.GetValue<string>().ShouldBe("Survivor");
        var episodes = await client.GetJsonAsync($"/api/v1/podcasts/{id}/episodes");
        episodes.Body!["items"]!.AsArray().Select(e => e!["title"]!.GetValue<string>()).ShouldBe(["Two", "One"]);
    }

    private static async Task ShouldOwnNoPodcasts(TestUser user)
    {
        var mine = await user.Http.GetJsonAsync("/api/v1/podcasts?mine=true");
        mine.Body!["items"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Patch_WithIfMatch_RefusesAStaleVersion_AndChangesNothing()
    {
        var owner = await server.SignUpAsync();
        var path = $"/api/v1/podcasts/{(await owner.CreatePodcastAsync("Before"))["id"]}";
        var first = (await owner.Http.GetJsonAsync(path)).Headers.ETag!.Tag;

        var changed = await owner.Http.PatchIfMatchAsync(path, new { title = "After" }, first);
        changed.Status.ShouldBe(HttpStatusCode.OK, changed.Body?.ToJsonString());
        var second = changed.Headers.ETag!.Tag;
        second.ShouldNotBe(first);

        var stale = await owner.Http.PatchIfMatchAsync(path, new { title = "Stale", author = "Someone Else" }, first);
        stale.ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        var current = await owner.Http.GetJsonAsync(path);
        current.Body!["title"]!.GetValue<string>().ShouldBe("After");
        current.Body["author"]!.GetValue<string>().ShouldNotBe("Someone Else");
        current.Headers.ETag!.Tag.ShouldBe(second);

        var invalid = await owner.Http.PatchIfMatchAsync(path, new { title = "Invalid" }, second + " trailing");
        invalid.ShouldBeProblem(HttpStatusCode.BadRequest);
        invalid.ErrorsFor("If-Match").Count.ShouldBe(1);
    }
}

public sealed class SqlitePodcastTests(SqliteServer server) : PodcastTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresPodcastTests(PostgresServer server) : PodcastTests(server), IClassFixture<PostgresServer>;
