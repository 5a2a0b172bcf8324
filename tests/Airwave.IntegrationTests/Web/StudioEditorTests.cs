using System.Net;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Web;

/// <summary>
/// The studio's podcast and episode forms over real HTTP: created and changed through the API's own rules, errors next
/// to the fields with the values kept, another creator's show 404, a post without a valid antiforgery token refused
/// with nothing changed.
/// </summary>
public abstract class StudioEditorTests(ServerFixture server)
{
    private static (string, string)[] PodcastFields(string token, string title = "Made in the studio", string language = "en-GB",
        string category = "Technology") =>
    [
        ("__RequestVerificationToken", token), ("title", title), ("description", "A show made with the **studio** forms."),
        ("author", "Ann"), ("owner_email", "ann@example.com"), ("language", language), ("category", category), ("subcategory", ""),
        ("type", "serial"), ("explicit", "true"), ("website_url", ""),
    ];

    private async Task<(TestUser User, StudioBrowser Browser)> SignedInCreatorAsync()
    {
        var user = await server.SignUpAsync(displayName: "Ann");
        var browser = new StudioBrowser(server);
        (await browser.SignInAsync(user.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        return (user, browser);
    }

    [Fact]
    public async Task CreatePodcast_ValidForm_DraftCreatedWithTheApiRulesAndEditPageShown()
    {
        var (user, browser) = await SignedInCreatorAsync();
        using var _ = browser;
        var token = await browser.FormTokenAsync("/studio/podcasts/new");

        var (response, _) = await browser.PostFormAsync("/studio/podcasts/new", PodcastFields(token));

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var location = response.Headers.Location!.ToString();
        location.ShouldStartWith("/studio/podcasts/");
        var id = location["/studio/podcasts/".Length..].Split('?')[0];
        var podcast = (await user.Http.GetJsonAsync($"/api/v1/podcasts/{id}")).Body!;
        podcast["title"]!.GetValue<string>().ShouldBe("Made in the studio");
        podcast["language"]!.GetValue<string>().ShouldBe("en-GB");
        podcast["type"]!.GetValue<string>().ShouldBe("serial");
        podcast["explicit"]!.GetValue<bool>().ShouldBeTrue();
        var page = await browser.PageAsync(location);
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Header("Cache-Control").ShouldBe("no-store");
        page.Document.QuerySelector("[role=status]")!.TextContent.ShouldContain("created as a draft");
        page.Document.QuerySelector("#title")!.GetAttribute("value").ShouldBe("Made in the studio");
        page.Document.QuerySelector("#type option[selected]")!.GetAttribute("value").ShouldBe("serial");
        page.Document.QuerySelector("#cover")!.GetAttribute("data-upload-url").ShouldBe($"/api/v1/podcasts/{id}/cover");
        page.Document.QuerySelector("#cover-rules")!.TextContent.ShouldContain("1400 × 1400");
        page.Document.QuerySelector($"a[href='/studio/podcasts/{id}/episodes/new']").ShouldNotBeNull();
        (await browser.PageAsync("/studio")).Document.QuerySelector($"a[href='/studio/podcasts/{id}']").ShouldNotBeNull();
    }

    [Fact]
    public async Task CreatePodcast_InvalidFields_ReasonsNextToFieldsValuesKeptNothingCreated()
    {
        var (user, browser) = await SignedInCreatorAsync();
        using var _ = browser;
        var token = await browser.FormTokenAsync("/studio/podcasts/new");

        var (response, page) = await browser.PostFormAsync("/studio/podcasts/new",
            PodcastFields(token, title: "  ", language: "not a language!", category: "Underwater Basket Weaving"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        page.Document.QuerySelector("#title")!.GetAttribute("aria-invalid").ShouldBe("true");
        page.Document.QuerySelector("#title")!.GetAttribute("aria-describedby").ShouldBe("title-error");
        page.Document.QuerySelector("#title-error")!.TextContent.ShouldStartWith("Title ");
        page.Document.QuerySelector("#language-error")!.TextContent.ShouldStartWith("Language ");
        page.Document.QuerySelector("#language")!.GetAttribute("aria-describedby").ShouldBe("language-hint language-error");
        page.Document.QuerySelector("#category-error")!.TextContent.ShouldStartWith("Category ");
        page.Document.QuerySelector("#description-error").ShouldBeNull();
        page.Document.QuerySelector("#language")!.GetAttribute("value").ShouldBe("not a language!");
        page.Document.QuerySelector("#category")!.GetAttribute("value").ShouldBe("Underwater Basket Weaving");
        page.Document.QuerySelector("#description")!.TextContent.ShouldBe("A show made with the **studio** forms.");
        // The reasons are the API's own: the same request through the JSON API names the same fields.
        var api = await user.Http.PostJsonAsync("/api/v1/podcasts", new
        {
            title = " ", description = "x", owner_email = "ann@example.com", language = "not a language!", category = "Underwater Basket Weaving",
        });
        page.Document.QuerySelector("#language-error")!.TextContent.ShouldBe("Language " + string.Join("; ", api.ErrorsFor("language")));
        (await user.Http.GetJsonAsync("/api/v1/podcasts?mine=true")).Body!["items"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task EditPodcast_ValidAndInvalidChanges_SavedOrReasonsShown()
    {
        var (user, browser) = await SignedInCreatorAsync();
        using var _ = browser;
        var id = (await user.CreatePodcastAsync("Before"))["id"]!.GetValue<string>();
        var path = $"/studio/podcasts/{id}";
        var token = await browser.FormTokenAsync(path);

        var (saved, _) = await browser.PostFormAsync(path, PodcastFields(token, title: "After"));
        var (refused, page) = await browser.PostFormAsync(path, PodcastFields(token, title: "Never", language: "??"));

        saved.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        saved.Headers.Location!.ToString().ShouldBe(path + "?saved=updated");
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        page.Document.QuerySelector("#language-error").ShouldNotBeNull();
        page.Document.QuerySelector("#title")!.GetAttribute("value").ShouldBe("Never");
        var podcast = (await user.Http.GetJsonAsync($"/api/v1/podcasts/{id}")).Body!;
        podcast["title"]!.GetValue<string>().ShouldBe("After");
        podcast["language"]!.GetValue<string>().ShouldBe("en-GB");
        (await browser.PageAsync(path + "?saved=updated")).Document.QuerySelector("[role=status]")!.TextContent.ShouldBe("Your changes were saved.");
    }

    [Fact]
    public async Task AnotherCreatorsPodcast_PagesAndPosts404AndNothingChanges()
    {
        var bob = await server.SignUpAsync(displayName: "Bob");
        var bobs = (await bob.CreatePodcastAsync("Bob's draft"))["id"]!.GetValue<string>();
        var (_, browser) = await SignedInCreatorAsync();
        using var _ = browser;
        var token = await browser.FormTokenAsync("/studio/podcasts/new");

        var edit = await browser.PageAsync($"/studio/podcasts/{bobs}");
        var newEpisode = await browser.PageAsync($"/studio/podcasts/{bobs}/episodes/new");
        var (post, postPage) = await browser.PostFormAsync($"/studio/podcasts/{bobs}", PodcastFields(token, title: "Stolen"));
        var (episodePost, _) = await browser.PostFormAsync($"/studio/podcasts/{bobs}/episodes/new", ("__RequestVerificationToken", token),
            ("title", "Sneaky"), ("description", "x"));
        var missing = await browser.PageAsync($"/studio/podcasts/{Guid.NewGuid()}");

        edit.Status.ShouldBe(HttpStatusCode.NotFound);
        newEpisode.Status.ShouldBe(HttpStatusCode.NotFound);
        post.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        episodePost.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        missing.Status.ShouldBe(HttpStatusCode.NotFound);
        edit.Html.ShouldNotContain("Bob's draft");
        postPage.Html.ShouldNotContain("Bob's draft");
        (await bob.Http.GetJsonAsync($"/api/v1/podcasts/{bobs}")).Body!["title"]!.GetValue<string>().ShouldBe("Bob's draft");
        (await bob.Http.GetJsonAsync($"/api/v1/podcasts/{bobs}/episodes")).Body!["items"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Posts_WithoutOrWithForeignAntiforgeryToken_RefusedAndNothingChanges()
    {
        var (user, browser) = await SignedInCreatorAsync();
        using var _ = browser;
        using var attacker = new StudioBrowser(server);
        var foreignToken = await attacker.FormTokenAsync("/studio/sign-in");
        var id = (await user.CreatePodcastAsync("Untouched"))["id"]!.GetValue<string>();
        var noToken = PodcastFields("")[1..];

        var (create, createPage) = await browser.PostFormAsync("/studio/podcasts/new", noToken);
        var (edit, _) = await browser.PostFormAsync($"/studio/podcasts/{id}", PodcastFields(foreignToken, title: "Changed"));
        var (episode, _) = await browser.PostFormAsync($"/studio/podcasts/{id}/episodes/new", ("title", "x"), ("description", "y"));

        create.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        createPage.Document.QuerySelector("h1")!.TextContent.ShouldBe("Nothing was changed");
        edit.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        episode.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var podcasts = (await user.Http.GetJsonAsync("/api/v1/podcasts?mine=true")).Body!["items"]!.AsArray();
        podcasts.Count.ShouldBe(1);
        podcasts[0]!["title"]!.GetValue<string>().ShouldBe("Untouched");
        (await user.Http.GetJsonAsync($"/api/v1/podcasts/{id}/episodes")).Body!["items"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task EditorPages_NotSignedInOrListener_SentToSignInOrRefused()
    {
        var listener = await server.SignUpAsync(role: "listener");
        using var anonymous = new StudioBrowser(server);
        using var browser = new StudioBrowser(server);
        (await browser.SignInAsync(listener.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        var notSignedIn = await anonymous.PageAsync("/studio/podcasts/new");
        var refused = await browser.PageAsync("/studio/podcasts/new");

        notSignedIn.Status.ShouldBe(HttpStatusCode.SeeOther);
        notSignedIn.Response.Headers.Location!.ToString().ShouldBe("/studio/sign-in");
        refused.Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task PublishShow_OwnAndAnotherCreators_PublishedOr404()
    {
        var bob = await server.SignUpAsync(displayName: "Bob");
        var bobs = (await bob.CreatePodcastAsync("Bob's draft"))["id"]!.GetValue<string>();
        var (user, browser) = await SignedInCreatorAsync();
        using var _ = browser;
        var id = (await user.CreatePodcastAsync("Going public"))["id"]!.GetValue<string>();
        var token = await browser.FormTokenAsync($"/studio/podcasts/{id}");

        var (published, _) = await browser.PostFormAsync($"/studio/podcasts/{id}/publish", ("__RequestVerificationToken", token), ("publish", "true"));
        var (foreign, _) = await browser.PostFormAsync($"/studio/podcasts/{bobs}/publish", ("__RequestVerificationToken", token), ("publish", "true"));
        var (noToken, _) = await browser.PostFormAsync($"/studio/podcasts/{id}/publish", ("publish", "false"));

        published.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        published.Headers.Location!.ToString().ShouldBe($"/studio/podcasts/{id}?saved=published");
        foreign.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        noToken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await server.Client().GetJsonAsync($"/api/v1/podcasts/{id}")).Status.ShouldBe(HttpStatusCode.OK);
        (await server.Client().GetJsonAsync($"/api/v1/podcasts/{bobs}")).Status.ShouldBe(HttpStatusCode.NotFound);
        var page = await browser.PageAsync($"/studio/podcasts/{id}");
        page.Document.QuerySelector("input[name=publish]")!.GetAttribute("value").ShouldBe("false");
        page.Document.QuerySelector($"a[href='/podcasts/{id}']").ShouldNotBeNull();
    }

    [Fact]
    public async Task NewEpisode_ValidAndInvalidForms_DraftCreatedOrReasonsShown()
    {
        var (user, browser) = await SignedInCreatorAsync();
        using var _ = browser;
        var id = (await user.CreatePodcastAsync("Show"))["id"]!.GetValue<string>();
        var path = $"/studio/podcasts/{id}/episodes/new";
        var token = await browser.FormTokenAsync(path);

        var (refused, page) = await browser.PostFormAsync(path, ("__RequestVerificationToken", token), ("title", ""), ("description", "Notes kept"));
        var (created, _) = await browser.PostFormAsync(path, ("__RequestVerificationToken", token), ("title", "Pilot"), ("description", "First"));

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        page.Document.QuerySelector("#title-error")!.TextContent.ShouldStartWith("Title ");
        page.Document.QuerySelector("#description")!.TextContent.ShouldBe("Notes kept");
        created.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var episodes = (await user.Http.GetJsonAsync($"/api/v1/podcasts/{id}/episodes")).Body!["items"]!.AsArray();
        episodes.Count.ShouldBe(1);
        episodes[0]!["title"]!.GetValue<string>().ShouldBe("Pilot");
        created.Headers.Location!.ToString().ShouldBe($"/studio/episodes/{episodes[0]!["id"]!.GetValue<string>()}");
    }
}

public sealed class SqliteStudioEditorTests(SqliteServer server) : StudioEditorTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresStudioEditorTests(PostgresServer server) : StudioEditorTests(server), IClassFixture<PostgresServer>;
