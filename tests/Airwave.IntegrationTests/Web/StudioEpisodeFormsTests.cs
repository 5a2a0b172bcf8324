using System.Net;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Web;

/// <summary>
/// The studio's episode details form, chapters editor and private-feed subscribers page over real HTTP, without a
/// browser: changes made through the API's own rules, reasons beside the fields and rows with the values kept, a stale
/// form refused (409) instead of overwriting, another creator 404, and posts without a valid antiforgery token refused
/// with nothing changed.
/// </summary>
public abstract class StudioEpisodeFormsTests(ServerFixture server)
{
    private async Task<(TestUser User, StudioBrowser Browser, string PodcastId, string EpisodeId)> EpisodeAsync()
    {
        var user = await server.SignUpAsync(displayName: "Ann");
        var browser = new StudioBrowser(server);
        (await browser.SignInAsync(user.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var podcastId = (await user.CreatePodcastAsync())["id"]!.GetValue<string>();
        var episodeId = (await user.CreateEpisodeAsync(podcastId, "First title"))["id"]!.GetValue<string>();
        await server.ExecuteSqlAsync("UPDATE episodes SET duration_ms = 7200000 WHERE id = @id", new { id = Guid.Parse(episodeId) });
        return (user, browser, podcastId, episodeId);
    }

    private static async Task<(string Token, string Version)> FormStateAsync(StudioBrowser browser, string path)
    {
        var page = await browser.PageAsync(path);
        page.Status.ShouldBe(HttpStatusCode.OK);
        return (page.Document.QuerySelector("form input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
            page.Document.QuerySelector("input[name=version]")!.GetAttribute("value")!);
    }

    private static (string, string)[] Details(string token, string version, string title = "New title", string season = "2",
        string transcript = "https://cdn.example.com/ep.vtt", string action = "save") =>
    [
        ("__RequestVerificationToken", token), ("version", version), ("title", title), ("description", "Notes with **bold** and <script>x()</script>"),
        ("season_number", season), ("episode_number", "7"), ("episode_type", "bonus"), ("explicit", "true"), ("transcript_url", transcript),
        ("transcript_type", "text/vtt"), ("action", action),
    ];

    [Fact]
    public async Task Details_ValidForm_SavedThroughTheApiAndShownAgain()
    {
        var (user, browser, _, episodeId) = await EpisodeAsync();
        using var _ = browser;
        var path = $"/studio/episodes/{episodeId}";
        var (token, version) = await FormStateAsync(browser, path);

        var (response, _) = await browser.PostFormAsync(path, Details(token, version));

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.ToString().ShouldBe(path + "?saved=updated");
        response.Headers.ETag.ShouldBeNull(); // the API's tag belongs to its JSON, not to the studio's answers
        var episode = (await user.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!;
        episode["title"]!.GetValue<string>().ShouldBe("New title");
        episode["season_number"]!.GetValue<int>().ShouldBe(2);
        episode["episode_number"]!.GetValue<int>().ShouldBe(7);
        episode["episode_type"]!.GetValue<string>().ShouldBe("bonus");
        episode["explicit"]!.GetValue<bool>().ShouldBeTrue();
        episode["transcripts"]![0]!["url"]!.GetValue<string>().ShouldBe("https://cdn.example.com/ep.vtt");
        var page = await browser.PageAsync(path + "?saved=updated");
        page.Document.QuerySelector("[role=status]")!.TextContent.ShouldContain("saved");
        page.Document.QuerySelector("#title")!.GetAttribute("value").ShouldBe("New title");
        page.Document.QuerySelector("#episode_type option[selected]")!.GetAttribute("value").ShouldBe("bonus");
        page.Document.QuerySelector("#notes-preview strong")!.TextContent.ShouldBe("bold");
        page.Document.QuerySelector("#notes-preview script").ShouldBeNull();
        page.Document.QuerySelector("#cover")!.GetAttribute("data-upload-url").ShouldBe($"/api/v1/episodes/{episodeId}/cover");
    }

    [Fact]
    public async Task Details_Preview_RendersSanitisedNotesWithoutSaving()
    {
        var (user, browser, _, episodeId) = await EpisodeAsync();
        using var _ = browser;
        var path = $"/studio/episodes/{episodeId}";
        var (token, version) = await FormStateAsync(browser, path);

        var (response, page) = await browser.PostFormAsync(path, Details(token, version, title: "Only previewed", action: "preview"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Document.QuerySelector("#notes-preview strong")!.TextContent.ShouldBe("bold");
        page.Document.QuerySelector("#notes-preview script").ShouldBeNull();
        page.Document.QuerySelector("#notes-preview")!.TextContent.ShouldContain("<script>x()</script>");
        page.Document.QuerySelector("#title")!.GetAttribute("value").ShouldBe("Only previewed");
        (await user.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["title"]!.GetValue<string>().ShouldBe("First title");
    }

    [Fact]
    public async Task Details_InvalidFields_ReasonsBesideFieldsValuesKeptNothingChanged()
    {
        var (user, browser, _, episodeId) = await EpisodeAsync();
        using var _ = browser;
        var path = $"/studio/episodes/{episodeId}";
        var (token, version) = await FormStateAsync(browser, path);

        var (numbers, numbersPage) = await browser.PostFormAsync(path, Details(token, version, season: "two"));
        var (rules, rulesPage) = await browser.PostFormAsync(path, Details(token, version, title: " ", transcript: "ftp://cdn.example.com/ep.vtt"));

        numbers.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        numbersPage.Document.QuerySelector("#season_number-error")!.TextContent.ShouldBe("Season must be a whole number of 1 or more");
        numbersPage.Document.QuerySelector("#season_number")!.GetAttribute("value").ShouldBe("two");
        numbersPage.Document.QuerySelector("#season_number")!.GetAttribute("aria-invalid").ShouldBe("true");
        rules.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        rulesPage.Document.QuerySelector("#title-error")!.TextContent.ShouldBe("Title is required");
        rulesPage.Document.QuerySelector("#transcript_url-error")!.TextContent.ShouldStartWith("Transcript must be an absolute https:// URL");
        rulesPage.Document.QuerySelector("#transcript_url")!.GetAttribute("value").ShouldBe("ftp://cdn.example.com/ep.vtt");
        rulesPage.Document.QuerySelector("#description")!.TextContent.ShouldBe("Notes with **bold** and <script>x()</script>");
        var episode = (await user.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!;
        episode["title"]!.GetValue<string>().ShouldBe("First title");
        episode["season_number"].ShouldBeNull();
        episode["transcripts"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Details_ChangedElsewhereSinceTheFormWasOpened_RefusedWithMessageAndNothingOverwritten()
    {
        var (user, browser, _, episodeId) = await EpisodeAsync();
        using var _ = browser;
        var path = $"/studio/episodes/{episodeId}";
        var (token, staleVersion) = await FormStateAsync(browser, path);
        (await user.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { title = "Changed in another tab" })).Status.ShouldBe(HttpStatusCode.OK);

        var (response, page) = await browser.PostFormAsync(path, Details(token, staleVersion, title: "From the stale tab"));

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        page.Document.QuerySelector("#metadata-problem")!.TextContent.ShouldContain("changed somewhere else");
        page.Document.QuerySelector("#title")!.GetAttribute("value").ShouldBe("From the stale tab");
        var fresh = page.Document.QuerySelector("input[name=version]")!.GetAttribute("value")!;
        fresh.ShouldNotBe(staleVersion);
        (await user.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["title"]!.GetValue<string>().ShouldBe("Changed in another tab");

        // Saving again from that page is a deliberate choice: it replaces the other change.
        var (again, _) = await browser.PostFormAsync(path, Details(token, fresh, title: "From the stale tab"));
        again.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await user.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["title"]!.GetValue<string>().ShouldBe("From the stale tab");
    }

    [Fact]
    public async Task Chapters_AddRowThenSave_StoredInSecondsFromTypedTimes()
    {
        var (user, browser, _, episodeId) = await EpisodeAsync();
        using var _ = browser;
        var path = $"/studio/episodes/{episodeId}/chapters";
        var (token, version) = await FormStateAsync(browser, path);

        var (added, addedPage) = await browser.PostFormAsync(path, ("__RequestVerificationToken", token), ("version", version), ("rows", "1"),
            ("chapters[0].start_time", "0:00"), ("chapters[0].title", "Intro"), ("action", "add"));
        added.StatusCode.ShouldBe(HttpStatusCode.OK);
        addedPage.Document.QuerySelectorAll("tr.chapter-row").Length.ShouldBe(2);
        addedPage.Document.QuerySelector("#chapter-0-title")!.GetAttribute("value").ShouldBe("Intro");
        (await user.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["chapters"]!.AsArray().ShouldBeEmpty();

        var (saved, _) = await browser.PostFormAsync(path, ("__RequestVerificationToken", token), ("version", version), ("rows", "3"),
            ("chapters[0].start_time", "0:00"), ("chapters[0].title", "Intro"),
            ("chapters[1].start_time", ""), ("chapters[1].title", ""),
            ("chapters[2].start_time", "1:02:03.5"), ("chapters[2].title", "Late"), ("chapters[2].url", "https://example.com/late"),
            ("action", "save"));

        saved.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        saved.Headers.Location!.ToString().ShouldBe($"/studio/episodes/{episodeId}?saved=chapters");
        var chapters = (await user.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["chapters"]!.AsArray();
        chapters.Select(c => (c!["start_time"]!.GetValue<double>(), c["title"]!.GetValue<string>())).ShouldBe([(0.0, "Intro"), (3723.5, "Late")]);
        var page = await browser.PageAsync(path);
        page.Document.QuerySelector("#chapter-1-start")!.GetAttribute("value").ShouldBe("1:02:03.5");
        page.Document.QuerySelector("#chapter-1-url")!.GetAttribute("value").ShouldBe("https://example.com/late");
        page.Document.QuerySelectorAll("tr.chapter-row").Length.ShouldBe(3);
    }

    [Fact]
    public async Task Chapters_BadRows_ReasonBesideEachRowValuesKeptNothingChanged()
    {
        var (user, browser, _, episodeId) = await EpisodeAsync();
        using var _ = browser;
        (await user.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { chapters = new[] { new { start_time = 5, title = "Kept" } } }))
            .Status.ShouldBe(HttpStatusCode.OK);
        var path = $"/studio/episodes/{episodeId}/chapters";
        var (token, version) = await FormStateAsync(browser, path);

        var (response, page) = await browser.PostFormAsync(path, ("__RequestVerificationToken", token), ("version", version), ("rows", "5"),
            ("chapters[0].start_time", "0"), ("chapters[0].title", "Intro"),
            ("chapters[1].start_time", ""), ("chapters[1].title", ""),
            ("chapters[2].start_time", "0:00"), ("chapters[2].title", "Same time"),
            ("chapters[3].start_time", "1:75"), ("chapters[3].title", "Not a time"),
            ("chapters[4].start_time", "20:00"), ("chapters[4].title", ""), ("chapters[4].url", "javascript:alert(1)"),
            ("action", "save"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        page.Document.QuerySelector("#chapter-0-start-error").ShouldBeNull();
        page.Document.QuerySelector("#chapter-2-start_time-error")!.TextContent.ShouldContain("cannot start at the same time");
        page.Document.QuerySelector("#chapter-3-start_time-error")!.TextContent.ShouldContain("must be a time such as 1:02:03");
        page.Document.QuerySelector("#chapter-4-title-error")!.TextContent.ShouldBe("Title is required");
        page.Document.QuerySelector("#chapter-4-url-error")!.TextContent.ShouldBe("Link must be an absolute http:// or https:// URL");
        page.Document.QuerySelector("#chapter-4-start")!.GetAttribute("aria-invalid").ShouldBeNull();
        page.Document.QuerySelector("#chapter-3-start")!.GetAttribute("value").ShouldBe("1:75");
        page.Document.QuerySelector("#chapter-3-start")!.GetAttribute("aria-describedby").ShouldBe("chapter-3-start_time-error");
        page.Document.QuerySelector("#chapter-4-url")!.GetAttribute("value").ShouldBe("javascript:alert(1)");
        (await user.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["chapters"]!.AsArray()
            .Select(c => c!["title"]!.GetValue<string>()).ShouldBe(["Kept"]);
    }

    [Fact]
    public async Task Subscribers_AddRotateRevoke_PrivateFeedUrlWorksUntilReplacedOrRevoked()
    {
        var (user, browser, podcastId, _) = await EpisodeAsync();
        using var _ = browser;
        (await user.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        var path = $"/studio/podcasts/{podcastId}/subscribers";
        var token = await browser.FormTokenAsync(path);
        using var app = server.Client();

        var (added, addedPage) = await browser.PostFormAsync(path, ("__RequestVerificationToken", token), ("email", "fan@example.com"), ("name", "Fan"));
        added.StatusCode.ShouldBe(HttpStatusCode.OK);
        added.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var url = addedPage.Document.QuerySelector("#issued-url")!.GetAttribute("value")!;
        (await app.GetAsync(new Uri(url))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var row = addedPage.Document.QuerySelector("#subscribers tr[data-email='fan@example.com']")!;
        row.TextContent.ShouldContain("Active");
        var subscriberId = row.Id!["subscriber-".Length..];

        var (duplicate, duplicatePage) = await browser.PostFormAsync(path, ("__RequestVerificationToken", token), ("email", "fan@example.com"));
        duplicate.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        duplicatePage.Document.QuerySelector("#email-error")!.TextContent.ShouldBe("Email already has an active subscription");
        duplicatePage.Document.QuerySelector("#email")!.GetAttribute("value").ShouldBe("fan@example.com");

        var (rotated, rotatedPage) = await browser.PostFormAsync($"{path}/{subscriberId}/rotate", ("__RequestVerificationToken", token));
        rotated.StatusCode.ShouldBe(HttpStatusCode.OK);
        var newUrl = rotatedPage.Document.QuerySelector("#issued-url")!.GetAttribute("value")!;
        newUrl.ShouldNotBe(url);
        (await app.GetAsync(new Uri(url))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.GetAsync(new Uri(newUrl))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var confirm = await browser.PageAsync($"{path}/{subscriberId}/revoke");
        confirm.Status.ShouldBe(HttpStatusCode.OK);
        confirm.Document.QuerySelector("h1")!.TextContent.ShouldBe("Revoke fan@example.com?");
        var (revoked, _) = await browser.PostFormAsync($"{path}/{subscriberId}/revoke", ("__RequestVerificationToken", token));
        revoked.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await app.GetAsync(new Uri(newUrl))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var list = await browser.PageAsync(path + "?done=revoked");
        list.Document.QuerySelector($"#subscriber-{subscriberId} .subscriber-status")!.TextContent.ShouldStartWith("Revoked");
        list.Html.ShouldNotContain(newUrl);
    }

    [Fact]
    public async Task Posts_WithoutOrWithForeignAntiforgeryToken_RefusedAndNothingChanges()
    {
        var (user, browser, podcastId, episodeId) = await EpisodeAsync();
        using var _ = browser;
        using var attacker = new StudioBrowser(server);
        var foreign = await attacker.FormTokenAsync("/studio/sign-in");
        var (_, version) = await FormStateAsync(browser, $"/studio/episodes/{episodeId}");
        var subscriber = await user.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/subscribers", new { email = "kept@example.com" });
        var subscriberId = subscriber.Body!["id"]!.GetValue<string>();

        var posts = new[]
        {
            await browser.PostFormAsync($"/studio/episodes/{episodeId}", Details(foreign, version)[1..]),
            await browser.PostFormAsync($"/studio/episodes/{episodeId}", Details(foreign, version)),
            await browser.PostFormAsync($"/studio/episodes/{episodeId}/chapters", ("__RequestVerificationToken", foreign), ("rows", "1"),
                ("chapters[0].start_time", "0"), ("chapters[0].title", "Sneaky"), ("action", "save")),
            await browser.PostFormAsync($"/studio/podcasts/{podcastId}/subscribers", ("email", "sneaky@example.com")),
            await browser.PostFormAsync($"/studio/podcasts/{podcastId}/subscribers/{subscriberId}/rotate", ("__RequestVerificationToken", foreign)),
            await browser.PostFormAsync($"/studio/podcasts/{podcastId}/subscribers/{subscriberId}/revoke", ("__RequestVerificationToken", foreign)),
        };

        foreach (var (response, page) in posts)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            page.Document.QuerySelector("h1")!.TextContent.ShouldBe("Nothing was changed");
        }

        var episode = (await user.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!;
        episode["title"]!.GetValue<string>().ShouldBe("First title");
        episode["chapters"]!.AsArray().ShouldBeEmpty();
        var subscribers = (await user.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}/subscribers")).Body!["items"]!.AsArray();
        subscribers.Select(s => (s!["email"]!.GetValue<string>(), s["status"]!.GetValue<string>())).ShouldBe([("kept@example.com", "active")]);
        subscribers[0]!["token_prefix"]!.GetValue<string>().ShouldBe(subscriber.Body["token_prefix"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnotherCreator_PagesAndPosts_NotFoundAndNothingChanges()
    {
        var (user, _, podcastId, episodeId) = await EpisodeAsync();
        var (_, stranger, _, _) = await EpisodeAsync();
        using var __ = stranger;
        var token = await stranger.FormTokenAsync("/studio/podcasts/new");
        var subscriberId = (await user.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/subscribers", new { email = "kept@example.com" }))
            .Body!["id"]!.GetValue<string>();

        foreach (var path in new[]
        {
            $"/studio/episodes/{episodeId}", $"/studio/episodes/{episodeId}/chapters", $"/studio/podcasts/{podcastId}/subscribers",
            $"/studio/podcasts/{podcastId}/subscribers/{subscriberId}/revoke",
        })
        {
            (await stranger.PageAsync(path)).Status.ShouldBe(HttpStatusCode.NotFound, path);
        }

        var posts = new[]
        {
            await stranger.PostFormAsync($"/studio/episodes/{episodeId}", Details(token, "")),
            await stranger.PostFormAsync($"/studio/episodes/{episodeId}/chapters", ("__RequestVerificationToken", token), ("rows", "1"),
                ("chapters[0].start_time", "0"), ("chapters[0].title", "Mine"), ("action", "save")),
            await stranger.PostFormAsync($"/studio/podcasts/{podcastId}/subscribers", ("__RequestVerificationToken", token), ("email", "x@example.com")),
            await stranger.PostFormAsync($"/studio/podcasts/{podcastId}/subscribers/{subscriberId}/rotate", ("__RequestVerificationToken", token)),
            await stranger.PostFormAsync($"/studio/podcasts/{podcastId}/subscribers/{subscriberId}/revoke", ("__RequestVerificationToken", token)),
        };
        foreach (var (response, _) in posts)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        (await user.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["title"]!.GetValue<string>().ShouldBe("First title");
        var subscribers = (await user.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}/subscribers")).Body!["items"]!.AsArray();
        subscribers.Select(s => s!["status"]!.GetValue<string>()).ShouldBe(["active"]);
    }
}

public sealed class SqliteStudioEpisodeFormsTests(SqliteServer server) : StudioEpisodeFormsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresStudioEpisodeFormsTests(PostgresServer server) : StudioEpisodeFormsTests(server), IClassFixture<PostgresServer>;
