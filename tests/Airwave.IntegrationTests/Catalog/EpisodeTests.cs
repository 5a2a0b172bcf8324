using System.Net;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Catalog;

public abstract class EpisodeTests(ServerFixture server)
{
    [Fact]
    public async Task Create_Draft_GuidGeneratedOnce_AwaitingUpload()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var response = await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/episodes", new
        {
            title = "Pilot",
            description = "Show notes with a [link](https://example.com).",
            season_number = 1,
            episode_number = 1,
            episode_type = "trailer",
        });

        response.Status.ShouldBe(HttpStatusCode.Created);
        var episode = response.Body!;
        episode["podcast_id"]!.GetValue<string>().ShouldBe(podcastId);
        episode["status"]!.GetValue<string>().ShouldBe("draft");
        episode["processed_status"]!.GetValue<string>().ShouldBe("awaiting_upload");
        episode["episode_type"]!.GetValue<string>().ShouldBe("trailer");
        episode["explicit"]!.GetValue<bool>().ShouldBeFalse();
        episode["description_html"]!.GetValue<string>().ShouldContain("<a href=\"https://example.com\">link</a>");
        var guid = episode["guid"]!.GetValue<string>();
        guid.ShouldNotBeNullOrWhiteSpace();

        var renamed = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episode["id"]}", new { title = "Pilot (remastered)" });
        renamed.Body!["guid"]!.GetValue<string>().ShouldBe(guid);
    }

    [Fact]
    public async Task Create_ImportedGuid_Kept_DuplicateInSamePodcastRefused()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var imported = await owner.CreateEpisodeAsync(podcastId, extra: new { title = "Old one", guid = "https://old-host.example/ep/42" });
        imported["guid"]!.GetValue<string>().ShouldBe("https://old-host.example/ep/42");

        var duplicate = await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/episodes", new { title = "Again", guid = "https://old-host.example/ep/42" });
        duplicate.ShouldBeProblem(HttpStatusCode.BadRequest);
        duplicate.ErrorsFor("guid").ShouldBe(["is already used by another episode of this podcast"]);

        // The same guid in another podcast is fine: guids are unique per feed.
        var otherPodcast = (await owner.CreatePodcastAsync("Other"))["id"]!.GetValue<string>();
        await owner.CreateEpisodeAsync(otherPodcast, extra: new { title = "Same guid", guid = "https://old-host.example/ep/42" });
    }

    [Fact]
    public async Task Create_BadFields_EachNamed_NothingStored()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var response = await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/episodes", new
        {
            title = " ",
            season_number = 0,
            episode_number = -3,
            episode_type = "special",
            guid = "",
        });

        response.ShouldBeProblem(HttpStatusCode.BadRequest);
        response.ErrorsFor("title").ShouldBe(["is required"]);
        response.ErrorsFor("season_number").ShouldBe(["must be a whole number of 1 or more"]);
        response.ErrorsFor("episode_number").ShouldBe(["must be a whole number of 1 or more"]);
        response.ErrorsFor("episode_type").ShouldBe(["must be full, trailer or bonus"]);
        response.ErrorsFor("guid").ShouldBe(["must not be empty"]);
        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}/episodes")).Body!["items"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Create_InheritsExplicitFromPodcast()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{podcastId}", new { @explicit = true });
        (await owner.CreateEpisodeAsync(podcastId))["explicit"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Patch_GuidChange_Refused_NullClearsNumbers()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var episode = await owner.CreateEpisodeAsync(podcastId, extra: new { title = "E", season_number = 2, episode_number = 7 });
        var id = episode["id"]!.GetValue<string>();

        var refused = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{id}", new { guid = "something-else", title = "Changed" });
        refused.ErrorsFor("guid").ShouldBe(["cannot be changed once the episode exists"]);
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{id}")).Body!["title"]!.GetValue<string>().ShouldBe("E");

        var cleared = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{id}", new { season_number = (int?)null });
        cleared.Body!["season_number"].ShouldBeNull();
        cleared.Body["episode_number"]!.GetValue<int>().ShouldBe(7);
    }

    [Fact]
    public async Task Publish_MediaNotReady_409SaysWhy_StaysDraft()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var id = (await owner.CreateEpisodeAsync(podcastId))["id"]!.GetValue<string>();

        var refused = await owner.Http.PostJsonAsync($"/api/v1/episodes/{id}/publish", null);
        refused.ShouldBeProblem(HttpStatusCode.Conflict);
        refused.Body!["detail"]!.GetValue<string>().ShouldContain("processed_status is 'awaiting_upload'");
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{id}")).Body!["status"]!.GetValue<string>().ShouldBe("draft");
    }

    [Fact]
    public async Task Publish_ReadyMedia_NowOrScheduled_PublicSeesOnlyWhatIsLive()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null);
        var now = (await owner.CreateEpisodeAsync(podcastId, "Now"))["id"]!.GetValue<string>();
        var later = (await owner.CreateEpisodeAsync(podcastId, "Later"))["id"]!.GetValue<string>();
        var draft = (await owner.CreateEpisodeAsync(podcastId, "Draft"))["id"]!.GetValue<string>();
        // Media processing arrives with the ingestion pipeline; until then a test marks the media ready directly.
        await MarkReadyAsync(now, later);

        var published = await owner.Http.PostJsonAsync($"/api/v1/episodes/{now}/publish", null);
        published.Status.ShouldBe(HttpStatusCode.OK);
        published.Body!["status"]!.GetValue<string>().ShouldBe("published");
        var scheduled = await owner.Http.PostJsonAsync($"/api/v1/episodes/{later}/publish", new { publish_at = "2099-01-01T09:00:00Z" });
        scheduled.Body!["status"]!.GetValue<string>().ShouldBe("scheduled");
        scheduled.Body["published_at"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(2099, 1, 1, 9, 0, 0, TimeSpan.Zero));

        using var anonymous = server.Client();
        var publicList = await anonymous.GetJsonAsync($"/api/v1/podcasts/{podcastId}/episodes");
        publicList.Body!["items"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ShouldBe([now]);
        (await anonymous.GetJsonAsync($"/api/v1/episodes/{later}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await anonymous.GetJsonAsync($"/api/v1/episodes/{draft}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await anonymous.GetJsonAsync($"/api/v1/episodes/{now}")).Status.ShouldBe(HttpStatusCode.OK);

        // Newest first by publication time, drafts by creation time: "Now" was published after "Draft" was created.
        var ownerList = await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}/episodes");
        ownerList.Body!["items"]!.AsArray().Select(e => e!["status"]!.GetValue<string>()).ShouldBe(["scheduled", "published", "draft"]);

        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{now}/unpublish", null)).Body!["status"]!.GetValue<string>().ShouldBe("draft");
        (await anonymous.GetJsonAsync($"/api/v1/episodes/{now}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Publish_BackDated_KeepsTheGivenDate()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var id = (await owner.CreateEpisodeAsync(podcastId))["id"]!.GetValue<string>();
        await MarkReadyAsync(id);
        var published = await owner.Http.PostJsonAsync($"/api/v1/episodes/{id}/publish", new { publish_at = "2019-05-01T12:30:00+02:00" });
        published.Body!["published_at"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(2019, 5, 1, 10, 30, 0, TimeSpan.Zero));
        published.Body["status"]!.GetValue<string>().ShouldBe("published");

        // Publishing again without a date keeps the date it has.
        var again = await owner.Http.PostJsonAsync($"/api/v1/episodes/{id}/publish", null);
        again.Body!["published_at"]!.GetValue<DateTimeOffset>().ShouldBe(new DateTimeOffset(2019, 5, 1, 10, 30, 0, TimeSpan.Zero));

        var bad = await owner.Http.PostRawAsync($"/api/v1/episodes/{id}/publish", """{"publish_at": "next tuesday"}""");
        bad.ErrorsFor("publish_at").Single().ShouldStartWith("must be an ISO 8601 date and time");
    }

    [Fact]
    public async Task OtherCreator_EpisodesOfPublicPodcast_ReadOnly()
    {
        var owner = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null);
        var id = (await owner.CreateEpisodeAsync(podcastId))["id"]!.GetValue<string>();
        await MarkReadyAsync(id);
        await owner.Http.PostJsonAsync($"/api/v1/episodes/{id}/publish", null);
        var draftId = (await owner.CreateEpisodeAsync(podcastId, "Secret"))["id"]!.GetValue<string>();

        (await other.Http.GetJsonAsync($"/api/v1/episodes/{id}")).Status.ShouldBe(HttpStatusCode.OK);
        (await other.Http.PatchJsonAsync($"/api/v1/episodes/{id}", new { title = "Defaced" })).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await other.Http.DeleteJsonAsync($"/api/v1/episodes/{id}")).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await other.Http.PostJsonAsync($"/api/v1/episodes/{id}/unpublish", null)).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await other.Http.PatchJsonAsync($"/api/v1/episodes/{draftId}", new { title = "Found you" })).ShouldBeProblem(HttpStatusCode.NotFound);
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{draftId}")).Body!["title"]!.GetValue<string>().ShouldBe("Secret");
    }

    [Fact]
    public async Task Delete_OwnEpisode_Gone()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var id = (await owner.CreateEpisodeAsync(podcastId))["id"]!.GetValue<string>();
        (await owner.Http.DeleteJsonAsync($"/api/v1/episodes/{id}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_PagesThroughEpisodes()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        for (var i = 1; i <= 5; i++)
        {
            await owner.CreateEpisodeAsync(podcastId, $"E{i}");
        }

        var first = await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}/episodes?limit=3");
        var second = await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}/episodes?limit=3&cursor={first.Body!["next_cursor"]}");
        first.Body["items"]!.AsArray().Select(e => e!["title"]!.GetValue<string>()).ShouldBe(["E5", "E4", "E3"]);
        second.Body!["items"]!.AsArray().Select(e => e!["title"]!.GetValue<string>()).ShouldBe(["E2", "E1"]);
        second.Body["next_cursor"].ShouldBeNull();
    }

    [Fact]
    public async Task Patch_WithIfMatch_ChangesOnlyTheVersionRead()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var path = $"/api/v1/episodes/{(await owner.CreateEpisodeAsync(podcastId, "First"))["id"]}";
        var read = await owner.Http.GetJsonAsync(path);
        var first = read.Headers.ETag!;
        first.IsWeak.ShouldBeFalse();

        var renamed = await owner.Http.PatchIfMatchAsync(path, new { title = "Second" }, first.Tag);
        renamed.Status.ShouldBe(HttpStatusCode.OK, renamed.Body?.ToJsonString());
        var second = renamed.Headers.ETag!.Tag;
        second.ShouldNotBe(first.Tag);
        (await owner.Http.GetJsonAsync(path)).Headers.ETag!.Tag.ShouldBe(second);

        // Another editor still holding the first version changes nothing.
        var stale = await owner.Http.PatchIfMatchAsync(path, new { title = "Stale", episode_number = 9 }, first.Tag);
        stale.ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        stale.Body!["type"]!.GetValue<string>().ShouldBe("https://tools.ietf.org/html/rfc9110#section-15.5.13");
        stale.Body["detail"]!.GetValue<string>().ShouldStartWith("The episode changed after the version named in If-Match, so nothing was changed.");
        var current = await owner.Http.GetJsonAsync(path);
        current.Body!["title"]!.GetValue<string>().ShouldBe("Second");
        current.Body["episode_number"].ShouldBeNull();
        current.Headers.ETag!.Tag.ShouldBe(second);

        // A weak tag never matches (strong comparison); one of a list, or *, does.
        (await owner.Http.PatchIfMatchAsync(path, new { title = "Weak" }, "W/" + second)).ShouldBeProblem(HttpStatusCode.PreconditionFailed);
        var listed = await owner.Http.PatchIfMatchAsync(path, new { title = "Listed" }, $"\"0000\", {second}");
        listed.Status.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.PatchIfMatchAsync(path, new { title = "Any" }, "*")).Status.ShouldBe(HttpStatusCode.OK);

        // A header that is not a list of tags is refused by name, not ignored; without one, the last writer wins.
        var malformed = await owner.Http.PatchIfMatchAsync(path, new { title = "Malformed" }, "not-a-tag");
        malformed.ShouldBeProblem(HttpStatusCode.BadRequest);
        malformed.ErrorsFor("If-Match").ShouldBe(["must be * or a list of entity tags in double quotes, as given in the ETag header"]);
        (await owner.Http.GetJsonAsync(path)).Body!["title"]!.GetValue<string>().ShouldBe("Any");
        (await owner.Http.PatchJsonAsync(path, new { title = "Unconditional" })).Status.ShouldBe(HttpStatusCode.OK);

        // Processing finishing changes what GET shows, so the tag moves with it.
        var beforeProcessing = (await owner.Http.GetJsonAsync(path)).Headers.ETag!.Tag;
        await MarkReadyAsync(current.Body["id"]!.GetValue<string>());
        (await owner.Http.GetJsonAsync(path)).Headers.ETag!.Tag.ShouldNotBe(beforeProcessing);
        (await owner.Http.PatchIfMatchAsync(path, new { title = "Late" }, beforeProcessing)).ShouldBeProblem(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Patch_EditorsSendingTheSameETagAtOnce_ExactlyOneWins()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var path = $"/api/v1/episodes/{(await owner.CreateEpisodeAsync(podcastId, "Original"))["id"]}";
        var tag = (await owner.Http.GetJsonAsync(path)).Headers.ETag!.Tag;

        var answers = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => owner.Http.PatchIfMatchAsync(path, new { title = $"Editor {i}" }, tag)));

        answers.Count(a => a.Status == HttpStatusCode.OK).ShouldBe(1);
        answers.Count(a => a.Status == HttpStatusCode.PreconditionFailed).ShouldBe(5);
        var winner = answers.Single(a => a.Status == HttpStatusCode.OK).Body!["title"]!.GetValue<string>();
        (await owner.Http.GetJsonAsync(path)).Body!["title"]!.GetValue<string>().ShouldBe(winner);
    }

    [Fact]
    public async Task Patch_IfMatch_OfAnotherCreatorsEpisode_IsNotFound()
    {
        var owner = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var path = $"/api/v1/episodes/{(await owner.CreateEpisodeAsync(podcastId, "Mine"))["id"]}";

        (await other.Http.PatchIfMatchAsync(path, new { title = "Theirs" }, "*")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await owner.Http.GetJsonAsync(path)).Body!["title"]!.GetValue<string>().ShouldBe("Mine");
    }

    private async Task MarkReadyAsync(params string[] episodeIds)
    {
        foreach (var id in episodeIds)
        {
            await server.ExecuteSqlAsync("UPDATE episodes SET processed_status = 'ready' WHERE id = @id", new { id = Guid.Parse(id) });
        }
    }
}

public sealed class SqliteEpisodeTests(SqliteServer server) : EpisodeTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresEpisodeTests(PostgresServer server) : EpisodeTests(server), IClassFixture<PostgresServer>;
