using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Airwave.Core.Data;
using Airwave.IntegrationTests.Delivery;
using Airwave.IntegrationTests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using static Airwave.IntegrationTests.Feeds.FeedTestSupport;

namespace Airwave.IntegrationTests.Feeds;

/// <summary>A podcast_subscribers row as stored.</summary>
public sealed record SubscriberDbRow
{
    public required string Email { get; init; }
    public string? Name { get; init; }
    public required string TokenHash { get; init; }
    public required string TokenPrefix { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public DateTimeOffset? LastFetchedAt { get; init; }
}

/// <summary>
/// Premium episodes and subscribers' private feeds on a real processed show: the public feed and API leave premium
/// episodes out, a private feed carries them with token URLs that play, and revoking or rotating stops the old URL at once.
/// </summary>
public abstract class PrivateFeedTests(ServerFixture server)
{
    [Fact]
    public async Task PrivateFeed_PremiumEpisode_OnlySubscribersHearItUntilRevokedOrRotated()
    {
        var owner = await server.SignUpAsync();
        var podcastId = await PublishedPodcastAsync(owner, "Members Club");
        var publicId = await ProcessedEpisodeAsync(owner, podcastId);
        var premiumId = await ProcessedEpisodeAsync(owner, podcastId);
        var patched = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{premiumId}", new { premium = true });
        patched.Status.ShouldBe(HttpStatusCode.OK, patched.Body?.ToJsonString());
        patched.Body!["premium"]!.GetValue<bool>().ShouldBeTrue();
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{publicId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{premiumId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);

        // The public sees the public episode only: feed, API and audio.
        using var anonymous = server.Client();
        using var noRedirects = server.NoRedirects();
        var channel = await WaitForFeedAsync(server.Client, podcastId, c => c.Elements("item").Any());
        channel.Elements("item").Select(i => i.Element("guid")!.Value).ShouldBe([publicId]);
        (await anonymous.GetJsonAsync($"/api/v1/episodes/{premiumId}")).ShouldBeProblem(HttpStatusCode.NotFound);
        var listed = (await anonymous.GetJsonAsync($"/api/v1/podcasts/{podcastId}/episodes")).Body!["items"]!.AsArray();
        listed.Select(e => e!["id"]!.GetValue<string>()).ShouldBe([publicId]);
        (await noRedirects.GetAsync(new Uri($"/api/v1/episodes/{premiumId}/audio", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await noRedirects.GetAsync(new Uri($"/api/v1/episodes/{publicId}/audio", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        // The owner, signed in, still plays it.
        using (var ownerAudio = await owner.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/v1/episodes/{premiumId}/audio")))
        {
            ownerAudio.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Going live, the premium episode was not announced to hubs or directories.
        await WaitForEventsAsync(server, EpisodeWentLive, premiumId, 1);
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{premiumId}/publish-receipts")).Body!["receipts"]!.AsArray().ShouldBeEmpty();

        var created = await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/subscribers", new { email = "fan@example.com", name = "Fan" });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Body?.ToJsonString());
        var subscriberId = created.Body!["id"]!.GetValue<string>();
        var url = created.Body["private_feed_url"]!.GetValue<string>();
        url.ShouldStartWith($"{server.BaseAddress.ToString().TrimEnd('/')}/rss/{podcastId}/private/aw_pf_");
        var token = url[(url.LastIndexOf('/') + 1)..];
        created.Body["token_prefix"]!.GetValue<string>().ShouldBe(token[..12]);

        // Only the token's hash is stored.
        var stored = await SubscriberAsync(subscriberId);
        stored.TokenHash.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))));
        stored.ShouldSatisfyAllConditions(
            () => stored.TokenHash.ShouldNotContain(token[6..]),
            () => stored.TokenPrefix.ShouldBe(token[..12]),
            () => stored.Email.ShouldBe("fan@example.com"),
            () => stored.LastFetchedAt.ShouldBeNull());

        // The private feed: both episodes, blocked from directories, locked, no hub, self is the private URL.
        using var response = await anonymous.GetAsync(new Uri(url));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/rss+xml");
        response.Headers.CacheControl!.Private.ShouldBeTrue();
        response.Headers.CacheControl.NoCache.ShouldBeTrue();
        response.Headers.GetValues("X-Robots-Tag").ShouldBe(["noindex"]);
        var etag = response.Headers.ETag!;
        etag.IsWeak.ShouldBeFalse();
        var privateChannel = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("channel")!;
        privateChannel.Elements("item").Select(i => i.Element("guid")!.Value).Order().ShouldBe(new[] { publicId, premiumId }.Order());
        privateChannel.Element(Itunes + "block")!.Value.ShouldBe("yes", StringCompareShould.IgnoreCase);
        privateChannel.Element(Podcast + "locked")!.Value.ShouldBe("yes");
        privateChannel.Elements(Atom + "link").ShouldNotContain(l => l.Attribute("rel")!.Value == "hub");
        privateChannel.Elements(Atom + "link").Single(l => l.Attribute("rel")!.Value == "self").Attribute("href")!.Value.ShouldBe(url);
        (await SubscriberAsync(subscriberId)).LastFetchedAt.ShouldNotBeNull();

        // Revalidation with the ETag: 304.
        using (var again = new HttpRequestMessage(HttpMethod.Get, url))
        {
            again.Headers.IfNoneMatch.Add(etag);
            using var notModified = await anonymous.SendAsync(again);
            notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);
        }

        // The premium item's enclosures carry the token and redirect to the audio; without the token, 404.
        var premiumItem = privateChannel.Elements("item").Single(i => i.Element("guid")!.Value == premiumId);
        var enclosure = premiumItem.Element("enclosure")!.Attribute("url")!.Value;
        enclosure.ShouldEndWith($"/api/v1/episodes/{premiumId}/audio?token={token}");
        var alternate = premiumItem.Element(Podcast + "alternateEnclosure")!.Element(Podcast + "source")!.Attribute("uri")!.Value;
        (await noRedirects.GetAsync(new Uri(enclosure))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await noRedirects.GetAsync(new Uri(alternate))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await noRedirects.GetAsync(new Uri(enclosure[..enclosure.IndexOf('?')]))).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // A token of this podcast opens nothing of another podcast's, and a made-up token nothing at all.
        var otherPodcast = await PublishedPodcastAsync(owner, "Other Club");
        (await anonymous.GetJsonAsync($"/rss/{otherPodcast}/private/{token}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await anonymous.GetJsonAsync($"/rss/{podcastId}/private/aw_pf_{new string('A', 43)}")).ShouldBeProblem(HttpStatusCode.NotFound);

        // Rotating: the old URL and its audio stop, the new one works.
        var rotated = await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/subscribers/{subscriberId}/rotate", null);
        rotated.Status.ShouldBe(HttpStatusCode.OK, rotated.Body?.ToJsonString());
        var newUrl = rotated.Body!["private_feed_url"]!.GetValue<string>();
        newUrl.ShouldNotBe(url);
        var newToken = newUrl[(newUrl.LastIndexOf('/') + 1)..];
        (await anonymous.GetJsonAsync(url)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await noRedirects.GetAsync(new Uri(enclosure))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await anonymous.GetAsync(new Uri(newUrl))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var newEnclosure = $"/api/v1/episodes/{premiumId}/audio?token={newToken}";
        (await noRedirects.GetAsync(new Uri(newEnclosure, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        // Revoking: the private feed and the premium audio answer 404 at once; revoking again is fine.
        (await owner.Http.DeleteJsonAsync($"/api/v1/podcasts/{podcastId}/subscribers/{subscriberId}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await anonymous.GetJsonAsync(newUrl)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await noRedirects.GetAsync(new Uri(newEnclosure, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await owner.Http.DeleteJsonAsync($"/api/v1/podcasts/{podcastId}/subscribers/{subscriberId}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/subscribers/{subscriberId}/rotate", null)).ShouldBeProblem(HttpStatusCode.Conflict);

        var list = (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}/subscribers")).Body!;
        var row = list["items"]!.AsArray().ShouldHaveSingleItem()!;
        row["status"]!.GetValue<string>().ShouldBe("revoked");
        row["revoked_at"].ShouldNotBeNull();
        row["last_fetched_at"].ShouldNotBeNull();
        row["token_prefix"]!.GetValue<string>().ShouldBe(newToken[..12]);
        list.ToJsonString().ShouldNotContain(newToken);
        list.ToJsonString().ShouldNotContain("private_feed_url");

        // Made public, the episode joins the public feed; made premium, the public one leaves it.
        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{premiumId}", new { premium = false })).Status.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{publicId}", new { premium = true })).Status.ShouldBe(HttpStatusCode.OK);
        var swapped = await WaitForFeedAsync(server.Client, podcastId, c => c.Elements("item").Select(i => i.Element("guid")!.Value).SequenceEqual([premiumId]));
        swapped.Elements("item").Select(i => i.Element("guid")!.Value).ShouldBe([premiumId]);
        (await EventsAsync(server, FeedChanged, podcastId)).Count.ShouldBeGreaterThanOrEqualTo(2);
        // Now public, it is announced as going live.
        (await WaitForEventsAsync(server, EpisodeWentLive, premiumId, 2)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Subscribers_OthersAndBadInput_GetProblemsAndNothingIsStored()
    {
        var owner = await server.SignUpAsync();
        var podcastId = await PublishedPodcastAsync(owner, "Strict Club");
        var path = $"/api/v1/podcasts/{podcastId}/subscribers";
        var first = await owner.Http.PostJsonAsync(path, new { email = "Someone@Example.com" });
        first.Status.ShouldBe(HttpStatusCode.Created);
        var firstId = first.Body!["id"]!.GetValue<string>();

        // Another creator and a listener: 404 for all of it, the podcast's existence aside.
        foreach (var other in new[] { await server.SignUpAsync(), await server.SignUpAsync(role: "listener") })
        {
            (await other.Http.PostJsonAsync(path, new { email = "x@example.com" })).ShouldBeProblem(HttpStatusCode.NotFound);
            (await other.Http.GetJsonAsync(path)).ShouldBeProblem(HttpStatusCode.NotFound);
            (await other.Http.DeleteJsonAsync($"{path}/{firstId}")).ShouldBeProblem(HttpStatusCode.NotFound);
            (await other.Http.PostJsonAsync($"{path}/{firstId}/rotate", null)).ShouldBeProblem(HttpStatusCode.NotFound);
        }

        using var anonymous = server.Client();
        (await anonymous.GetJsonAsync(path)).Status.ShouldBe(HttpStatusCode.Unauthorized);

        // A read-only API token lists but may not add.
        var readToken = (await owner.Http.PostJsonAsync("/api/v1/users/me/tokens", new { name = "ro", scopes = new[] { "read" } })).Body!["token"]!.GetValue<string>();
        using var readOnly = server.WithToken(readToken);
        (await readOnly.GetJsonAsync(path)).Status.ShouldBe(HttpStatusCode.OK);
        (await readOnly.PostJsonAsync(path, new { email = "y@example.com" })).Status.ShouldBe(HttpStatusCode.Forbidden);

        // Bad input names the field.
        var missing = await owner.Http.PostJsonAsync(path, new { name = "No Email" });
        missing.ShouldBeProblem(HttpStatusCode.BadRequest);
        missing.ErrorsFor("email").ShouldNotBeEmpty();
        var invalid = await owner.Http.PostJsonAsync(path, new { email = "not-an-address" });
        invalid.ShouldBeProblem(HttpStatusCode.BadRequest);
        invalid.ErrorsFor("email").ShouldNotBeEmpty();
        var longName = await owner.Http.PostJsonAsync(path, new { email = "z@example.com", name = new string('n', 201) });
        longName.ShouldBeProblem(HttpStatusCode.BadRequest);
        longName.ErrorsFor("name").ShouldNotBeEmpty();
        (await owner.Http.PostJsonAsync(path, new { email = "z@example.com", extra = 1 })).ShouldBeProblem(HttpStatusCode.BadRequest);
        var duplicate = await owner.Http.PostJsonAsync(path, new { email = " someone@example.COM " });
        duplicate.ShouldBeProblem(HttpStatusCode.Conflict);
        duplicate.ErrorsFor("email").ShouldNotBeEmpty();
        (await CountAsync(podcastId)).ShouldBe(1);

        // Unknown subscribers: 404. Revoked, the address may subscribe again.
        (await owner.Http.DeleteJsonAsync($"{path}/{Guid.NewGuid()}")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await owner.Http.DeleteJsonAsync($"{path}/{firstId}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await owner.Http.PostJsonAsync(path, new { email = "someone@example.com" })).Status.ShouldBe(HttpStatusCode.Created);
        (await owner.Http.PostJsonAsync(path, new { email = "third@example.com" })).Status.ShouldBe(HttpStatusCode.Created);

        // Cursor pages, newest first.
        var page = (await owner.Http.GetJsonAsync($"{path}?limit=2")).Body!;
        page["items"]!.AsArray().Select(i => i!["email"]!.GetValue<string>()).ShouldBe(["third@example.com", "someone@example.com"]);
        var next = page["next_cursor"]!.GetValue<string>();
        var rest = (await owner.Http.GetJsonAsync($"{path}?limit=2&cursor={next}")).Body!;
        rest["items"]!.AsArray().ShouldHaveSingleItem()!["id"]!.GetValue<string>().ShouldBe(firstId);
        (await owner.Http.GetJsonAsync($"{path}?limit=0")).ErrorsFor("limit").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Episode_Premium_InCreateGetAndPatch_NullRefused()
    {
        var owner = await server.SignUpAsync();
        var podcastId = await PublishedPodcastAsync(owner);
        var created = await owner.CreateEpisodeAsync(podcastId, "Bonus", new { title = "Bonus", premium = true });
        created["premium"]!.GetValue<bool>().ShouldBeTrue();
        var episodeId = created["id"]!.GetValue<string>();
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["premium"]!.GetValue<bool>().ShouldBeTrue();
        var refused = await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { premium = (bool?)null });
        refused.ShouldBeProblem(HttpStatusCode.BadRequest);
        refused.ErrorsFor("premium").ShouldNotBeEmpty();
        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{episodeId}", new { title = "Renamed" })).Body!["premium"]!.GetValue<bool>().ShouldBeTrue();
        (await owner.CreateEpisodeAsync(podcastId, "Plain"))["premium"]!.GetValue<bool>().ShouldBeFalse();
    }

    private async Task<SubscriberDbRow> SubscriberAsync(string id)
    {
        await using var connection = await server.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None);
        return await connection.QuerySingleAsync<SubscriberDbRow>(
            "SELECT email, name, token_hash, token_prefix, revoked_at, last_fetched_at FROM podcast_subscribers WHERE id = @id", new { id = Guid.Parse(id) });
    }

    private async Task<int> CountAsync(string podcastId)
    {
        await using var connection = await server.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM podcast_subscribers WHERE podcast_id = @id", new { id = Guid.Parse(podcastId) });
    }
}

public sealed class SqlitePrivateFeedTests(SqliteServer server) : PrivateFeedTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresPrivateFeedTests(PostgresServer server) : PrivateFeedTests(server), IClassFixture<PostgresServer>;
