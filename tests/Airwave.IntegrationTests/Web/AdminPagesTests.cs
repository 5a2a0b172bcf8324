using System.Net;
using Airwave.Accounts.Contracts;
using Airwave.IntegrationTests.Feeds;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Web;

/// <summary>
/// The admin pages over HTTP: users listed and searched, disabled with a reason (the account then cannot sign in) and
/// enabled again; a podcast taken down and restored with kind and reason, kept in the record; errors next to the
/// fields; antiforgery refused when missing; admins only (listeners and creators 403, signed-out people to sign in).
/// </summary>
public abstract class AdminPagesTests(ServerFixture server)
{
    private async Task<StudioBrowser> AdminAsync()
    {
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        (await server.Services.GetRequiredService<IAccountAdministration>().CreateAdminAsync(email, "Admin", Api.Password, CancellationToken.None))
            .Succeeded.ShouldBeTrue();
        var browser = new StudioBrowser(server);
        (await browser.SignInAsync(email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        return browser;
    }

    [Fact]
    public async Task Users_SearchDisableWithReasonThenEnable_AccountLockedOutMeanwhile()
    {
        var ann = await server.SignUpAsync(displayName: $"Ann {Guid.NewGuid():N}");
        using var admin = await AdminAsync();

        var list = await admin.PageAsync($"/admin/users?q={Uri.EscapeDataString(ann.Email)}");
        list.Status.ShouldBe(HttpStatusCode.OK);
        list.Header("Cache-Control").ShouldBe("no-store");
        var row = list.Document.QuerySelectorAll("#users tbody tr").Single();
        row.QuerySelector("th")!.TextContent.ShouldContain(ann.Email);
        row.QuerySelector(".user-status")!.TextContent.Trim().ShouldBe("Active");
        var token = list.Document.QuerySelector("form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var userId = row.Id!["user-".Length..];

        // No reason: the error sits next to that account's reason field and nothing changes.
        var (_, missing) = await admin.PostFormAsync($"/admin/users/{userId}/disable", ("__RequestVerificationToken", token), ("q", ann.Email),
            ("reason", " "));
        missing.Status.ShouldBe(HttpStatusCode.BadRequest);
        missing.Document.QuerySelector($"#reason-{userId}")!.GetAttribute("aria-describedby").ShouldBe($"reason-{userId}-error");
        missing.Document.QuerySelector($"#reason-{userId}-error")!.TextContent.ShouldBe("Reason is required: say why, it is kept with the account");
        (await server.Client().PostJsonAsync("/api/v1/auth/login", new { email = ann.Email, password = Api.Password })).Status.ShouldBe(HttpStatusCode.OK);

        var (disabled, _) = await admin.PostFormAsync($"/admin/users/{userId}/disable", ("__RequestVerificationToken", token), ("q", ann.Email),
            ("reason", "Spam uploads"));
        disabled.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        disabled.Headers.Location!.ToString().ShouldBe($"/admin/users?q={Uri.EscapeDataString(ann.Email)}");
        var after = await admin.PageAsync(disabled.Headers.Location.ToString());
        after.Document.QuerySelector("#users tbody tr .user-status")!.TextContent.ShouldContain("Spam uploads");
        after.Document.QuerySelector($"form[action='/admin/users/{userId}/enable']").ShouldNotBeNull();
        (await server.Client().PostJsonAsync("/api/v1/auth/login", new { email = ann.Email, password = Api.Password })).Status
            .ShouldNotBe(HttpStatusCode.OK);

        var (enabled, _) = await admin.PostFormAsync($"/admin/users/{userId}/enable", ("__RequestVerificationToken", token), ("reason", ""));
        enabled.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await server.Client().PostJsonAsync("/api/v1/auth/login", new { email = ann.Email, password = Api.Password })).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Takedown_PodcastWithKindAndReason_GoneFromThePublicSiteKeptInTheRecord_ThenRestored()
    {
        var owner = await server.SignUpAsync();
        var podcastId = await FeedTestSupport.PublishedPodcastAsync(owner, "Takedown Target Show");
        using var admin = await AdminAsync();
        using var visitor = server.Client();
        (await visitor.PageAsync($"/podcasts/{podcastId}")).Status.ShouldBe(HttpStatusCode.OK);
        var token = await admin.FormTokenAsync("/admin/takedowns");

        // Errors next to the fields, the input kept.
        var (_, bad) = await admin.PostFormAsync("/admin/takedowns", ("__RequestVerificationToken", token), ("subject_kind", "podcast"),
            ("subject_id", "not-an-id"), ("kind", ""), ("reason", ""));
        bad.Status.ShouldBe(HttpStatusCode.BadRequest);
        bad.Document.QuerySelector("#takedown-subject_id-error")!.TextContent.ShouldBe("Id 'not-an-id' is not an id (a UUID such as 0190a3e4-…)");
        bad.Document.QuerySelector("#takedown-subject-id")!.GetAttribute("value").ShouldBe("not-an-id");
        var (_, noKind) = await admin.PostFormAsync("/admin/takedowns", ("__RequestVerificationToken", token), ("subject_kind", "podcast"),
            ("subject_id", podcastId), ("kind", ""), ("reason", ""));
        noKind.Status.ShouldBe(HttpStatusCode.BadRequest);
        noKind.Document.QuerySelector("#takedown-kind-error")!.TextContent.ShouldBe("Kind is required: dmca, abuse or other");
        noKind.Document.QuerySelector("#takedown-reason-error")!.TextContent.ShouldStartWith("Reason is required");
        var (_, unknown) = await admin.PostFormAsync("/admin/takedowns", ("__RequestVerificationToken", token), ("subject_kind", "episode"),
            ("subject_id", Guid.NewGuid().ToString()), ("kind", "dmca"), ("reason", "Notice 1"));
        unknown.Status.ShouldBe(HttpStatusCode.NotFound);
        unknown.Document.QuerySelector("#takedown-subject_id-error")!.TextContent.ShouldBe("Id no episode has this id");
        (await visitor.PageAsync($"/podcasts/{podcastId}")).Status.ShouldBe(HttpStatusCode.OK);

        var (done, _) = await admin.PostFormAsync("/admin/takedowns", ("__RequestVerificationToken", token), ("subject_kind", "podcast"),
            ("subject_id", podcastId), ("kind", "dmca"), ("reason", "Notice 2026-42 from the label"));
        done.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await visitor.PageAsync($"/podcasts/{podcastId}")).Status.ShouldBeOneOf(HttpStatusCode.NotFound, HttpStatusCode.Gone);
        var (_, again) = await admin.PostFormAsync("/admin/takedowns", ("__RequestVerificationToken", token), ("subject_kind", "podcast"),
            ("subject_id", podcastId), ("kind", "dmca"), ("reason", "twice"));
        again.Status.ShouldBe(HttpStatusCode.Conflict);
        again.Document.QuerySelector("#conflict").ShouldNotBeNull();

        var (restored, _) = await admin.PostFormAsync("/admin/restores", ("__RequestVerificationToken", token), ("subject_kind", "podcast"),
            ("subject_id", podcastId), ("reason", "Counter-notice accepted"));
        restored.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await visitor.PageAsync($"/podcasts/{podcastId}")).Status.ShouldBe(HttpStatusCode.OK);
        var record = (await admin.PageAsync("/admin/takedowns")).Document.QuerySelectorAll("#takedown-record tbody tr")
            .Where(r => r.TextContent.Contains(podcastId, StringComparison.Ordinal))
            .Select(r => (r.Children[1].TextContent, r.Children[3].TextContent, r.Children[4].TextContent)).ToList();
        record.ShouldBe([("Restored", "dmca", "Counter-notice accepted"), ("Taken down", "dmca", "Notice 2026-42 from the label")]);
    }

    [Fact]
    public async Task Forms_WithoutAntiforgeryToken_RefusedAndNothingChanges()
    {
        var ann = await server.SignUpAsync();
        var owner = await server.SignUpAsync();
        var podcastId = await FeedTestSupport.PublishedPodcastAsync(owner, "Safe Show");
        using var admin = await AdminAsync();
        var userId = (await admin.PageAsync($"/admin/users?q={Uri.EscapeDataString(ann.Email)}")).Document
            .QuerySelectorAll("#users tbody tr").Single().Id!["user-".Length..];

        var (disable, disablePage) = await admin.PostFormAsync($"/admin/users/{userId}/disable", ("reason", "csrf"));
        var (takedown, _) = await admin.PostFormAsync("/admin/takedowns", ("subject_kind", "podcast"), ("subject_id", podcastId), ("kind", "abuse"),
            ("reason", "csrf"));

        disable.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        disablePage.Document.QuerySelector("[role=alert]")!.TextContent.ShouldContain("expired or did not come from this site");
        takedown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await server.Client().PostJsonAsync("/api/v1/auth/login", new { email = ann.Email, password = Api.Password })).Status.ShouldBe(HttpStatusCode.OK);
        (await server.Client().PageAsync($"/podcasts/{podcastId}")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Access_ListenerAndCreator403_SignedOutToSignIn()
    {
        var listener = await server.SignUpAsync(role: "listener");
        var creator = await server.SignUpAsync();
        using var anonymous = new StudioBrowser(server);
        using var listeners = new StudioBrowser(server);
        using var creators = new StudioBrowser(server);
        (await listeners.SignInAsync(listener.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await creators.SignInAsync(creator.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        foreach (var path in new[] { "/admin/users", "/admin/takedowns" })
        {
            var signedOut = await anonymous.PageAsync(path);
            signedOut.Status.ShouldBe(HttpStatusCode.SeeOther);
            signedOut.Response.Headers.Location!.ToString().ShouldBe("/studio/sign-in");
            (await listeners.PageAsync(path)).Status.ShouldBe(HttpStatusCode.Forbidden);
            var refused = await creators.PageAsync(path);
            refused.Status.ShouldBe(HttpStatusCode.Forbidden);
            refused.Html.ShouldNotContain(listener.Email);
        }

        var token = await creators.FormTokenAsync("/studio");
        var (post, _) = await creators.PostFormAsync($"/admin/users/{Guid.NewGuid()}/disable", ("__RequestVerificationToken", token), ("reason", "x"));
        post.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        // A listener cannot reach the studio either.
        (await listeners.PageAsync("/studio")).Status.ShouldBe(HttpStatusCode.Forbidden);
    }
}

public sealed class SqliteAdminPagesTests(SqliteServer server) : AdminPagesTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresAdminPagesTests(PostgresServer server) : AdminPagesTests(server), IClassFixture<PostgresServer>;
