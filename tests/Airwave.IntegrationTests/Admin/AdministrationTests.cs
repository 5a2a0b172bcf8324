using System.Net;
using System.Net.Http.Headers;
using Airwave.Accounts.Contracts;
using Airwave.IntegrationTests.Delivery;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Airwave.IntegrationTests.Feeds.FeedTestSupport;

namespace Airwave.IntegrationTests.Admin;

/// <summary>
/// Administration on a real server: takedowns remove an episode or a whole show from the feed, the public API and
/// delivery (410 on the stable audio URL and on the origin file), the owner sees why and cannot republish, a restore
/// brings everything back; disabling an account stops its sessions and tokens on the next request; only admins act.
/// </summary>
public abstract class AdministrationTests(ServerFixture server)
{
    [Fact]
    public async Task Takedown_Episode_GoneEverywhereOwnerSeesReasonRestoreBringsBack()
    {
        var admin = await AdminAsync();
        var owner = await server.SignUpAsync();
        var podcastId = await PublishedPodcastAsync(owner, "Takedown Show");
        var keptId = await ProcessedEpisodeAsync(owner, podcastId);
        var episodeId = await ProcessedEpisodeAsync(owner, podcastId);
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{keptId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        await WaitForFeedAsync(server.Client, podcastId, c => c.Elements("item").Count() == 2);
        var subscriber = await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/subscribers", new { email = "fan@example.com" });
        var privateUrl = subscriber.Body!["private_feed_url"]!.GetValue<string>();

        using var anonymous = server.Client();
        using var noRedirects = server.NoRedirects();
        using var before = await noRedirects.GetAsync(new Uri($"/api/v1/episodes/{episodeId}/audio", UriKind.Relative));
        before.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var origin = before.Headers.Location!;
        (await anonymous.GetAsync(origin)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var takedown = await admin.PostJsonAsync($"/api/v1/admin/episodes/{episodeId}/takedown",
            new { reason = "DMCA notice 2026-114 from Example Records", kind = "dmca" });
        takedown.Status.ShouldBe(HttpStatusCode.OK, takedown.Body?.ToJsonString());
        takedown.Body!["action"]!.GetValue<string>().ShouldBe("takedown");
        takedown.Body["subject_kind"]!.GetValue<string>().ShouldBe("episode");

        // Out of the public feed (parsed), the private feed, the public API and lists.
        var channel = await WaitForFeedAsync(server.Client, podcastId, c => c.Elements("item").Count() == 1);
        channel.Elements("item").Select(i => i.Element("guid")!.Value).ShouldBe([keptId]);
        var privateChannel = System.Xml.Linq.XDocument.Parse(await anonymous.GetStringAsync(new Uri(privateUrl))).Root!.Element("channel")!;
        privateChannel.Elements("item").Select(i => i.Element("guid")!.Value).ShouldBe([keptId]);
        (await anonymous.GetJsonAsync($"/api/v1/episodes/{episodeId}")).ShouldBeProblem(HttpStatusCode.NotFound);
        var listed = (await anonymous.GetJsonAsync($"/api/v1/podcasts/{podcastId}/episodes")).Body!["items"]!.AsArray();
        listed.Select(e => e!["id"]!.GetValue<string>()).ShouldBe([keptId]);
        // And out of the public web pages and the sitemap.
        (await anonymous.GetAsync(new Uri($"/episodes/{episodeId}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await anonymous.GetStringAsync(new Uri($"/podcasts/{podcastId}", UriKind.Relative))).ShouldNotContain(episodeId);
        (await anonymous.GetStringAsync(new Uri("/sitemap.xml", UriKind.Relative))).ShouldNotContain(episodeId);

        // Media: 410 with a problem body on the stable URL (both renditions) and on the origin file, for everyone.
        (await noRedirects.GetJsonAsync($"/api/v1/episodes/{episodeId}/audio")).ShouldBeProblem(HttpStatusCode.Gone);
        (await noRedirects.GetJsonAsync($"/api/v1/episodes/{episodeId}/audio/aac")).ShouldBeProblem(HttpStatusCode.Gone);
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}/audio")).ShouldBeProblem(HttpStatusCode.Gone);
        (await anonymous.GetJsonAsync(origin.PathAndQuery)).ShouldBeProblem(HttpStatusCode.Gone);
        (await noRedirects.GetAsync(new Uri($"/api/v1/episodes/{keptId}/audio", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // The owner sees it with the reason and cannot publish it again (409 naming the reason).
        var seen = await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}");
        seen.Status.ShouldBe(HttpStatusCode.OK);
        seen.Body!["status"]!.GetValue<string>().ShouldBe("taken_down");
        seen.Body["takedown"]!["kind"]!.GetValue<string>().ShouldBe("dmca");
        seen.Body["takedown"]!["reason"]!.GetValue<string>().ShouldBe("DMCA notice 2026-114 from Example Records");
        var republish = await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null);
        republish.ShouldBeProblem(HttpStatusCode.Conflict);
        republish.Body!["detail"]!.GetValue<string>().ShouldContain("DMCA notice 2026-114");
        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}/episodes")).Body!["items"]!.AsArray().Count.ShouldBe(2);

        // Twice is a conflict; the record lists it.
        (await admin.PostJsonAsync($"/api/v1/admin/episodes/{episodeId}/takedown", new { reason = "again", kind = "abuse" }))
            .ShouldBeProblem(HttpStatusCode.Conflict);

        // Restore brings everything back.
        var restored = await admin.PostJsonAsync($"/api/v1/admin/episodes/{episodeId}/restore", new { reason = "Counter-notice accepted" });
        restored.Status.ShouldBe(HttpStatusCode.OK, restored.Body?.ToJsonString());
        restored.Body!["kind"]!.GetValue<string>().ShouldBe("dmca");
        var back = await WaitForFeedAsync(server.Client, podcastId, c => c.Elements("item").Count() == 2);
        back.Elements("item").Select(i => i.Element("guid")!.Value).Order().ShouldBe(new[] { keptId, episodeId }.Order());
        (await anonymous.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Status.ShouldBe(HttpStatusCode.OK);
        (await noRedirects.GetAsync(new Uri($"/api/v1/episodes/{episodeId}/audio", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await anonymous.GetAsync(new Uri($"/episodes/{episodeId}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetAsync(origin)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["takedown"].ShouldBeNull();
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await admin.PostJsonAsync($"/api/v1/admin/episodes/{episodeId}/restore", new { reason = "again" })).ShouldBeProblem(HttpStatusCode.Conflict);

        var records = (await admin.GetJsonAsync($"/api/v1/admin/takedowns?subject_id={episodeId}")).Body!["items"]!.AsArray();
        records.Select(r => r!["action"]!.GetValue<string>()).ShouldBe(["restore", "takedown"]);
        records.ShouldAllBe(r => r!["actor_id"]!.GetValue<string>() == AdminId.ToString());
        records[1]!["reason"]!.GetValue<string>().ShouldBe("DMCA notice 2026-114 from Example Records");
        records[0]!["reason"]!.GetValue<string>().ShouldBe("Counter-notice accepted");
    }

    [Fact]
    public async Task Takedown_Podcast_FeedGoneEpisodesGoneUntilRestored()
    {
        var admin = await AdminAsync();
        var owner = await server.SignUpAsync();
        var podcastId = await PublishedPodcastAsync(owner, "Whole Show");
        var episodeId = await ProcessedEpisodeAsync(owner, podcastId);
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        await WaitForFeedAsync(server.Client, podcastId, c => c.Elements("item").Count() == 1);
        using var anonymous = server.Client();
        using var noRedirects = server.NoRedirects();
        var origin = (await noRedirects.GetAsync(new Uri($"/api/v1/episodes/{episodeId}/audio", UriKind.Relative))).Headers.Location!;

        (await admin.PostJsonAsync($"/api/v1/admin/podcasts/{podcastId}/takedown", new { reason = "Hate speech", kind = "abuse" }))
            .Status.ShouldBe(HttpStatusCode.OK);

        (await anonymous.GetJsonAsync($"/rss/{podcastId}")).ShouldBeProblem(HttpStatusCode.Gone);
        (await anonymous.GetJsonAsync($"/api/v1/podcasts/{podcastId}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await anonymous.GetJsonAsync($"/api/v1/episodes/{episodeId}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await anonymous.GetJsonAsync("/api/v1/podcasts?limit=100")).Body!["items"]!.AsArray()
            .ShouldNotContain(p => p!["id"]!.GetValue<string>() == podcastId);
        (await noRedirects.GetJsonAsync($"/api/v1/episodes/{episodeId}/audio")).ShouldBeProblem(HttpStatusCode.Gone);
        (await anonymous.GetJsonAsync(origin.PathAndQuery)).ShouldBeProblem(HttpStatusCode.Gone);
        (await anonymous.GetAsync(new Uri($"/podcasts/{podcastId}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await anonymous.GetStringAsync(new Uri("/", UriKind.Relative))).ShouldNotContain(podcastId);
        (await anonymous.GetStringAsync(new Uri("/search?q=Whole", UriKind.Relative))).ShouldNotContain(podcastId);

        var seen = (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}")).Body!;
        seen["status"]!.GetValue<string>().ShouldBe("taken_down");
        seen["takedown"]!["reason"]!.GetValue<string>().ShouldBe("Hate speech");
        var republish = await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null);
        republish.ShouldBeProblem(HttpStatusCode.Conflict);
        republish.Body!["detail"]!.GetValue<string>().ShouldContain("Hate speech");

        // An episode taken down on its own stays withheld when the show is restored.
        (await admin.PostJsonAsync($"/api/v1/admin/episodes/{episodeId}/takedown", new { reason = "Also this one", kind = "other" }))
            .Status.ShouldBe(HttpStatusCode.OK);
        (await admin.PostJsonAsync($"/api/v1/admin/podcasts/{podcastId}/restore", new { reason = "Appeal upheld" })).Status.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetJsonAsync($"/api/v1/podcasts/{podcastId}")).Status.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetJsonAsync(origin.PathAndQuery)).ShouldBeProblem(HttpStatusCode.Gone);
        (await ChannelAsync(anonymous, podcastId)).Elements("item").ShouldBeEmpty();

        (await admin.PostJsonAsync($"/api/v1/admin/episodes/{episodeId}/restore", new { reason = "Cleared" })).Status.ShouldBe(HttpStatusCode.OK);
        var back = await WaitForFeedAsync(server.Client, podcastId, c => c.Elements("item").Count() == 1);
        back.Elements("item").Single().Element("guid")!.Value.ShouldBe(episodeId);
        (await anonymous.GetAsync(origin)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var records = (await admin.GetJsonAsync("/api/v1/admin/takedowns?limit=100")).Body!["items"]!.AsArray();
        records.Where(r => r!["podcast_id"]!.GetValue<string>() == podcastId).Select(r => $"{r!["action"]} {r["subject_kind"]}")
            .ShouldBe(["restore episode", "restore podcast", "takedown episode", "takedown podcast"]);
    }

    [Fact]
    public async Task DisableUser_SessionsAndTokensStopAtOnce_EnableLetsTokensBack()
    {
        var admin = await AdminAsync();
        var user = await server.SignUpAsync(displayName: "Soon Disabled");
        var podcastId = await PublishedPodcastAsync(user, "Still On Air");
        var token = (await user.Http.PostJsonAsync("/api/v1/users/me/tokens", new { name = "ci", scopes = new[] { "read" } })).Body!["token"]!.GetValue<string>();
        using var withToken = server.WithToken(token);
        using var cookies = await CookieClientAsync(user.Email);
        (await cookies.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);
        (await withToken.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);

        var disabled = await admin.PostJsonAsync($"/api/v1/admin/users/{user.Id}/disable", new { reason = "Spam uploads" });
        disabled.Status.ShouldBe(HttpStatusCode.OK, disabled.Body?.ToJsonString());
        disabled.Body!["disabled"]!.GetValue<bool>().ShouldBeTrue();
        disabled.Body["disabled_reason"]!.GetValue<string>().ShouldBe("Spam uploads");

        // The very next request of each credential is refused; signing in is refused; refreshing is refused.
        (await user.Http.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await withToken.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await cookies.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        using var anonymous = server.Client();
        (await anonymous.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = Api.Password })).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await anonymous.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = user.RefreshToken })).Status.ShouldNotBe(HttpStatusCode.OK);

        // The account's public show keeps being served (ADR 0018): removing content is a takedown.
        (await anonymous.GetJsonAsync($"/api/v1/podcasts/{podcastId}")).Status.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetAsync(new Uri($"/rss/{podcastId}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Twice: conflict, nothing recorded twice. The list shows who, when, why.
        (await admin.PostJsonAsync($"/api/v1/admin/users/{user.Id}/disable", new { reason = "again" })).ShouldBeProblem(HttpStatusCode.Conflict);
        var found = (await admin.GetJsonAsync($"/api/v1/admin/users?search={Uri.EscapeDataString(user.Email.ToUpperInvariant())}")).Body!["items"]!.AsArray();
        var row = found.ShouldHaveSingleItem()!;
        row["disabled_by"]!.GetValue<string>().ShouldBe(AdminId.ToString());
        row["disabled_at"].ShouldNotBeNull();

        // Enabled: the API token works again; the revoked sign-in session does not, a new sign-in does.
        (await admin.PostJsonAsync($"/api/v1/admin/users/{user.Id}/enable", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await withToken.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);
        (await user.Http.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = Api.Password })).Status.ShouldBe(HttpStatusCode.OK);
        (await admin.PostJsonAsync($"/api/v1/admin/users/{user.Id}/enable", null)).ShouldBeProblem(HttpStatusCode.Conflict);

        var details = (await admin.GetJsonAsync($"/api/v1/admin/users/{user.Id}")).Body!;
        details["user"]!["disabled"]!.GetValue<bool>().ShouldBeFalse();
        details["history"]!.AsArray().Select(h => $"{h!["action"]}:{h["reason"]}").ShouldBe(["disable:Spam uploads", "enable:"]);
    }

    [Fact]
    public async Task Admin_OnlyAdminsAct_BadInputNamesTheFieldAndChangesNothing()
    {
        var admin = await AdminAsync();
        var creator = await server.SignUpAsync();
        var listener = await server.SignUpAsync(role: "listener");
        var podcastId = await PublishedPodcastAsync(creator, "Guarded");
        var episodeId = (await creator.CreateEpisodeAsync(podcastId))["id"]!.GetValue<string>();
        var body = new { reason = "x", kind = "dmca" };

        // Non-admins: 403; anonymous: 401; an admin's read-only token lists but does not act.
        foreach (var other in new[] { creator.Http, listener.Http })
        {
            (await other.GetJsonAsync("/api/v1/admin/users")).ShouldBeProblem(HttpStatusCode.Forbidden);
            (await other.GetJsonAsync("/api/v1/admin/takedowns")).ShouldBeProblem(HttpStatusCode.Forbidden);
            (await other.PostJsonAsync($"/api/v1/admin/episodes/{episodeId}/takedown", body)).ShouldBeProblem(HttpStatusCode.Forbidden);
            (await other.PostJsonAsync($"/api/v1/admin/podcasts/{podcastId}/takedown", body)).ShouldBeProblem(HttpStatusCode.Forbidden);
            (await other.PostJsonAsync($"/api/v1/admin/users/{listener.Id}/disable", new { reason = "x" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        }

        using var anonymous = server.Client();
        (await anonymous.GetJsonAsync("/api/v1/admin/users")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        var readToken = (await admin.PostJsonAsync("/api/v1/users/me/tokens", new { name = "ro", scopes = new[] { "read" } })).Body!["token"]!.GetValue<string>();
        using var readOnly = server.WithToken(readToken);
        (await readOnly.GetJsonAsync("/api/v1/admin/takedowns")).Status.ShouldBe(HttpStatusCode.OK);
        (await readOnly.PostJsonAsync($"/api/v1/admin/episodes/{episodeId}/takedown", body)).ShouldBeProblem(HttpStatusCode.Forbidden);

        // Unknown ids: 404.
        (await admin.PostJsonAsync($"/api/v1/admin/episodes/{Guid.NewGuid()}/takedown", body)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await admin.PostJsonAsync($"/api/v1/admin/podcasts/{Guid.NewGuid()}/restore", new { reason = "x" })).ShouldBeProblem(HttpStatusCode.NotFound);
        (await admin.PostJsonAsync($"/api/v1/admin/users/{Guid.NewGuid()}/disable", new { reason = "x" })).ShouldBeProblem(HttpStatusCode.NotFound);
        (await admin.GetJsonAsync($"/api/v1/admin/users/{Guid.NewGuid()}")).ShouldBeProblem(HttpStatusCode.NotFound);

        // Bad input: 400 naming the field, nothing taken down.
        async Task ExpectField(Response response, string field)
        {
            response.ShouldBeProblem(HttpStatusCode.BadRequest);
            response.ErrorsFor(field).ShouldNotBeEmpty(response.Body?.ToJsonString());
            (await creator.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["takedown"].ShouldBeNull();
        }

        var takedown = $"/api/v1/admin/episodes/{episodeId}/takedown";
        await ExpectField(await admin.PostJsonAsync(takedown, new { kind = "dmca" }), "reason");
        await ExpectField(await admin.PostJsonAsync(takedown, new { reason = "  ", kind = "dmca" }), "reason");
        await ExpectField(await admin.PostJsonAsync(takedown, new { reason = new string('r', 1001), kind = "dmca" }), "reason");
        await ExpectField(await admin.PostJsonAsync(takedown, new { reason = "x" }), "kind");
        await ExpectField(await admin.PostJsonAsync(takedown, new { reason = "x", kind = "copyright" }), "kind");
        await ExpectField(await admin.PostJsonAsync(takedown, null), "reason");
        (await admin.PostJsonAsync(takedown, new { reason = "x", kind = "dmca", extra = true })).ShouldBeProblem(HttpStatusCode.BadRequest);
        (await admin.PostJsonAsync($"/api/v1/admin/episodes/{episodeId}/restore", new { reason = "x" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await admin.GetJsonAsync("/api/v1/admin/takedowns?limit=0")).ErrorsFor("limit").ShouldNotBeEmpty();
        (await admin.GetJsonAsync($"/api/v1/admin/takedowns?subject_id={episodeId}")).Body!["items"]!.AsArray().ShouldBeEmpty();

        var disable = $"/api/v1/admin/users/{listener.Id}/disable";
        (await admin.PostJsonAsync(disable, new { })).ErrorsFor("reason").ShouldNotBeEmpty();
        (await admin.PostJsonAsync(disable, new { reason = new string('r', 1001) })).ErrorsFor("reason").ShouldNotBeEmpty();
        (await admin.GetJsonAsync("/api/v1/admin/users?role=superuser")).ErrorsFor("role").ShouldNotBeEmpty();
        (await admin.GetJsonAsync("/api/v1/admin/users?cursor=nope")).ErrorsFor("cursor").ShouldNotBeEmpty();
        (await listener.Http.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);

        // An admin cannot disable themselves.
        (await admin.PostJsonAsync($"/api/v1/admin/users/{AdminId}/disable", new { reason = "oops" })).ShouldBeProblem(HttpStatusCode.Conflict);
        (await admin.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);

        // Lists: role filter, search on the display name, cursor pages newest first.
        var admins = (await admin.GetJsonAsync("/api/v1/admin/users?role=admin&limit=100")).Body!["items"]!.AsArray();
        admins.ShouldAllBe(u => u!["role"]!.GetValue<string>() == "admin");
        admins.ShouldContain(u => u!["id"]!.GetValue<string>() == AdminId.ToString());
        var marker = $"Marker{Guid.NewGuid():N}"[..20];
        var first = await server.SignUpAsync(displayName: marker + " one");
        var second = await server.SignUpAsync(displayName: marker + " two");
        var page = (await admin.GetJsonAsync($"/api/v1/admin/users?search={marker.ToLowerInvariant()}&limit=1")).Body!;
        page["items"]!.AsArray().Single()!["id"]!.GetValue<string>().ShouldBe(second.Id.ToString());
        var next = page["next_cursor"]!.GetValue<string>();
        var rest = (await admin.GetJsonAsync($"/api/v1/admin/users?search={marker}&limit=1&cursor={next}")).Body!;
        rest["items"]!.AsArray().Single()!["id"]!.GetValue<string>().ShouldBe(first.Id.ToString());
        (await admin.GetJsonAsync("/api/v1/admin/users?search=%25_%25")).Body!["items"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Takedown_ConcurrentAdmins_OneWinsOnceAndItSurvivesARestart()
    {
        var admins = new[] { await AdminAsync(), await AdminAsync(), await AdminAsync() };
        var owner = await server.SignUpAsync();
        var podcastId = await PublishedPodcastAsync(owner, "Contested");
        var episodeId = (await owner.CreateEpisodeAsync(podcastId))["id"]!.GetValue<string>();

        var answers = await Task.WhenAll(admins.Select(a =>
            a.PostJsonAsync($"/api/v1/admin/episodes/{episodeId}/takedown", new { reason = "Same notice", kind = "dmca" })));
        answers.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(1);
        answers.Count(r => r.Status == HttpStatusCode.Conflict).ShouldBe(2);
        (await server.CountSqlAsync("SELECT COUNT(*) FROM takedowns WHERE subject_id = @id", new { id = Guid.Parse(episodeId) })).ShouldBe(1);

        await server.RestartAsync();
        using var ownerAfter = server.WithToken(owner.AccessToken);
        var seen = (await ownerAfter.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!;
        seen["status"]!.GetValue<string>().ShouldBe("taken_down");
        (await ownerAfter.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).ShouldBeProblem(HttpStatusCode.Conflict);

        using var admin = server.WithToken(AdminToken);
        var restores = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ =>
            admin.PostJsonAsync($"/api/v1/admin/episodes/{episodeId}/restore", new { reason = "Withdrawn" })));
        restores.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(1);
        (await server.CountSqlAsync("SELECT COUNT(*) FROM takedowns WHERE subject_id = @id", new { id = Guid.Parse(episodeId) })).ShouldBe(2);
    }

    [Fact]
    public async Task Takedown_OwnerReplacesTheAudio_NewFilesAreWithheldToo()
    {
        var admin = await AdminAsync();
        var owner = await server.SignUpAsync();
        var podcastId = await PublishedPodcastAsync(owner, "Replaced");
        var episodeId = await ProcessedEpisodeAsync(owner, podcastId);
        (await admin.PostJsonAsync($"/api/v1/admin/episodes/{episodeId}/takedown", new { reason = "Uncleared music", kind = "dmca" }))
            .Status.ShouldBe(HttpStatusCode.OK);
        var withheld = await server.CountSqlAsync("SELECT COUNT(*) FROM withheld_media WHERE subject_id = @id", new { id = Guid.Parse(episodeId) });
        withheld.ShouldBeGreaterThanOrEqualTo(2);

        // The owner uploads a cleaned version: it is processed and goes live, and its files are withheld as well.
        var bytes = await File.ReadAllBytesAsync(await TestMedia.AudioAsync($"replacement-{Guid.NewGuid():N}.wav", 3, 1));
        var tus = new TusTestClient(owner.Http);
        using var created = await tus.CreateAsync(podcastId, bytes.Length, TusTestClient.Metadata(("episodeId", episodeId), ("filename", "clean.wav")));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        using var patched = await tus.PatchAsync(created.Headers.Location!, 0, bytes);
        patched.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        var now = withheld;
        while (now <= withheld && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            now = await server.CountSqlAsync("SELECT COUNT(*) FROM withheld_media WHERE subject_id = @id", new { id = Guid.Parse(episodeId) });
        }

        now.ShouldBe(withheld * 2);
        (await server.Client().GetJsonAsync($"/api/v1/episodes/{episodeId}/audio")).ShouldBeProblem(HttpStatusCode.Gone);
    }

    private Guid AdminId { get; set; }

    private string AdminToken { get; set; } = "";

    /// <summary>A new admin account (made as the CLI makes them), signed in; its id is kept in <see cref="AdminId"/>.</summary>
    private async Task<HttpClient> AdminAsync()
    {
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        var result = await server.Services.GetRequiredService<IAccountAdministration>()
            .CreateAdminAsync(email, "Admin", Api.Password, CancellationToken.None);
        result.Succeeded.ShouldBeTrue();
        AdminId = result.UserId!.Value;
        using var client = server.Client();
        var login = await client.PostJsonAsync("/api/v1/auth/login", new { email, password = Api.Password });
        AdminToken = login.Body!["access_token"]!.GetValue<string>();
        return server.WithToken(AdminToken);
    }

    /// <summary>A client holding a browser cookie session of <paramref name="email"/>.</summary>
    private async Task<HttpClient> CookieClientAsync(string email)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), UseCookies = true };
        var client = new HttpClient(handler) { BaseAddress = server.BaseAddress };
        var login = await client.PostJsonAsync("/api/v1/auth/login?use_cookies=true", new { email, password = Api.Password });
        login.Status.ShouldBe(HttpStatusCode.OK, login.Body?.ToJsonString());
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }
}

public sealed class SqliteAdministrationTests(SqliteServer server) : AdministrationTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresAdministrationTests(PostgresServer server) : AdministrationTests(server), IClassFixture<PostgresServer>;
