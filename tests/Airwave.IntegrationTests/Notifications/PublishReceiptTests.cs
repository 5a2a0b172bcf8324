using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Airwave.Core.Data;
using Airwave.IntegrationTests.Infrastructure;
using Airwave.Notifications.Contracts;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using static Airwave.IntegrationTests.Notifications.GoingLive;

namespace Airwave.IntegrationTests.Notifications;

/// <summary>
/// An episode goes live and the server tells a real WebSub hub and a real ping endpoint (a test server on a loopback
/// port), retrying what may succeed later, failing what cannot, recording every attempt in publish receipts.
/// </summary>
public abstract class PublishReceiptTests(NotifyingServer server)
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    [Fact]
    public async Task WentLive_HubAndPing_ToldWithTheExactRequestsAndReceiptsSucceed()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, episodeId) = await PublishedEpisodeAsync(owner);
        var feedUrl = server.FeedUrl(podcastId);

        await WentLiveAsync(server, episodeId, podcastId);
        var receipts = await WaitForReceiptsAsync(owner.Http, episodeId, AllSettled);

        receipts.Count.ShouldBe(2);
        var hub = Receipt(receipts, "websub");
        hub["target_url"]!.GetValue<string>().ShouldBe(server.Targets.HubUrl);
        hub["feed_url"]!.GetValue<string>().ShouldBe(feedUrl);
        hub["state"]!.GetValue<string>().ShouldBe("succeeded", receipts.ToJsonString());
        hub["attempts"]!.GetValue<int>().ShouldBe(1);
        hub["last_status"]!.GetValue<int>().ShouldBe(204);
        hub["last_error"].ShouldBeNull();
        hub["completed_at"].ShouldNotBeNull();
        hub["last_attempt_at"].ShouldNotBeNull();
        var ping = Receipt(receipts, "ping");
        ping["target_url"]!.GetValue<string>().ShouldBe(server.Targets.PingTemplate);
        ping["state"]!.GetValue<string>().ShouldBe("succeeded");
        ping["last_status"]!.GetValue<int>().ShouldBe(200);

        var published = server.Targets.Received(TestDirectory.HubPath, feedUrl).ShouldHaveSingleItem();
        published.Method.ShouldBe("POST");
        published.ContentType.ShouldBe("application/x-www-form-urlencoded");
        published.Body.ShouldBe($"hub.mode=publish&hub.url={Uri.EscapeDataString(feedUrl)}");
        published.UserAgent.ShouldBe($"Airwave/1.0 (+{feedUrl})");
        var pinged = server.Targets.Received(TestDirectory.PingPath, feedUrl).ShouldHaveSingleItem();
        pinged.Method.ShouldBe("GET");
        pinged.RawQuery.ShouldBe($"?url={Uri.EscapeDataString(feedUrl)}");
        pinged.UserAgent.ShouldBe($"Airwave/1.0 (+{feedUrl})");
    }

    [Fact]
    public async Task Feed_ConfiguredHub_ListedAsAtomHubLinkBesideSelf()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null);
        using var anonymous = server.Client();

        var channel = XDocument.Parse(await anonymous.GetStringAsync(new Uri($"/rss/{podcastId}", UriKind.Relative))).Root!.Element("channel")!;

        var links = channel.Elements(Atom + "link").ToList();
        links.Single(l => l.Attribute("rel")!.Value == "hub").Attribute("href")!.Value.ShouldBe(server.Targets.HubUrl);
        links.Single(l => l.Attribute("rel")!.Value == "self").Attribute("href")!.Value.ShouldBe(server.FeedUrl(podcastId));
    }

    [Fact]
    public async Task HubAnswers500Twice_RetriedUntilItSucceeds_AttemptsCounted()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, episodeId) = await PublishedEpisodeAsync(owner, id => server.Targets.Answer(TestDirectory.HubPath, server.FeedUrl(id), 500, 500));
        var feedUrl = server.FeedUrl(podcastId);

        await WentLiveAsync(server, episodeId, podcastId);
        var receipts = await WaitForReceiptsAsync(owner.Http, episodeId, AllSettled);

        var hub = Receipt(receipts, "websub");
        hub["state"]!.GetValue<string>().ShouldBe("succeeded", receipts.ToJsonString());
        hub["attempts"]!.GetValue<int>().ShouldBe(3);
        hub["last_status"]!.GetValue<int>().ShouldBe(204);
        hub["last_error"].ShouldBeNull();
        server.Targets.Received(TestDirectory.HubPath, feedUrl).Count.ShouldBe(3);
        Receipt(receipts, "ping")["attempts"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task PingAnswers404_FailsAtOnceWithTheStatusAndTheAnswer()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, episodeId) = await PublishedEpisodeAsync(owner, id => server.Targets.Answer(TestDirectory.PingPath, server.FeedUrl(id), 404));
        var feedUrl = server.FeedUrl(podcastId);

        await WentLiveAsync(server, episodeId, podcastId);
        var receipts = await WaitForReceiptsAsync(owner.Http, episodeId, AllSettled);

        var ping = Receipt(receipts, "ping");
        ping["state"]!.GetValue<string>().ShouldBe("failed", receipts.ToJsonString());
        ping["attempts"]!.GetValue<int>().ShouldBe(1);
        ping["last_status"]!.GetValue<int>().ShouldBe(404);
        ping["last_error"]!.GetValue<string>().ShouldStartWith("HTTP 404 Not Found");
        ping["last_error"]!.GetValue<string>().ShouldContain("scripted 404");
        ping["completed_at"].ShouldNotBeNull();
        server.Targets.Received(TestDirectory.PingPath, feedUrl).Count.ShouldBe(1);
        Receipt(receipts, "websub")["state"]!.GetValue<string>().ShouldBe("succeeded");
    }

    [Fact]
    public async Task HubKeepsFailing_FailedAfterMaxAttempts_RetrySendsItAgainAsANewSeries()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, episodeId) = await PublishedEpisodeAsync(owner, id => server.Targets.Answer(TestDirectory.HubPath, server.FeedUrl(id), [.. Enumerable.Repeat(503, NotifyingServer.MaxAttempts)]));
        var feedUrl = server.FeedUrl(podcastId);
        var path = ReceiptsPath(episodeId);

        await WentLiveAsync(server, episodeId, podcastId);
        var receipts = await WaitForReceiptsAsync(owner.Http, episodeId, AllSettled);

        var hub = Receipt(receipts, "websub");
        hub["state"]!.GetValue<string>().ShouldBe("failed", receipts.ToJsonString());
        hub["attempts"]!.GetValue<int>().ShouldBe(NotifyingServer.MaxAttempts);
        hub["last_status"]!.GetValue<int>().ShouldBe(503);
        hub["last_error"]!.GetValue<string>().ShouldStartWith("HTTP 503");

        // Another creator may not retry it; the owner may.
        var stranger = await server.SignUpAsync();
        (await stranger.Http.PostJsonAsync(path + "/retry", null)).ShouldBeProblem(HttpStatusCode.NotFound);
        // Two retries at once (a double click): one sends again, the other finds nothing left to retry.
        var both = await Task.WhenAll(owner.Http.PostJsonAsync(path + "/retry", null), owner.Http.PostJsonAsync(path + "/retry", null));
        both.Select(r => r.Status).Order().ShouldBe([HttpStatusCode.Accepted, HttpStatusCode.Conflict]);
        var retried = both.Single(r => r.Status == HttpStatusCode.Accepted);
        retried.Headers.Location!.OriginalString.ShouldBe(path);
        var again = Receipt(retried.Body!["receipts"]!.AsArray(), "websub");
        again["id"]!.GetValue<string>().ShouldBe(hub["id"]!.GetValue<string>());
        again["state"]!.GetValue<string>().ShouldBeOneOf("pending", "succeeded");

        receipts = await WaitForReceiptsAsync(owner.Http, episodeId, AllSettled);
        hub = Receipt(receipts, "websub");
        hub["state"]!.GetValue<string>().ShouldBe("succeeded", receipts.ToJsonString());
        hub["attempts"]!.GetValue<int>().ShouldBe(1);
        hub["last_status"]!.GetValue<int>().ShouldBe(204);
        server.Targets.Received(TestDirectory.HubPath, feedUrl).Count.ShouldBe(NotifyingServer.MaxAttempts + 1);
        // The ping had succeeded: it is not sent again.
        server.Targets.Received(TestDirectory.PingPath, feedUrl).Count.ShouldBe(1);

        (await owner.Http.PostJsonAsync(path + "/retry", null)).ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task SameEventDeliveredAgain_NoNewReceiptsOrJobs_NothingSentTwice()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, episodeId) = await PublishedEpisodeAsync(owner);
        var feedUrl = server.FeedUrl(podcastId);
        var eventId = await WentLiveAsync(server, episodeId, podcastId);
        var first = await WaitForReceiptsAsync(owner.Http, episodeId, AllSettled);

        // The relay delivers the same event again, as after a crash before it could mark it dispatched.
        await server.ExecuteSqlAsync("UPDATE outbox_events SET dispatched_at = NULL WHERE id = @eventId", new { eventId });
        server.Services.GetRequiredService<Airwave.Core.Events.EventOutbox>().Wake();
        await WaitForDeliveryAsync(server, eventId);

        var receipts = await WaitForReceiptsAsync(owner.Http, episodeId, AllSettled);
        receipts.ToJsonString().ShouldBe(first.ToJsonString());
        (await JobCountAsync(receipts)).ShouldBe(2);
        server.Targets.Received(TestDirectory.HubPath, feedUrl).Count.ShouldBe(1);
        server.Targets.Received(TestDirectory.PingPath, feedUrl).Count.ShouldBe(1);
    }

    [Fact]
    public async Task SameAnnouncementRecordedConcurrently_OneReceiptAndOneSendPerTarget()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var episodeId = (await owner.CreateEpisodeAsync(podcastId))["id"]!.GetValue<string>();
        var feedUrl = server.FeedUrl(podcastId);
        var notifier = server.Services.GetRequiredService<IPublishNotifier>();
        var announcement = new PublishAnnouncement(Guid.CreateVersion7(), Guid.Parse(episodeId), Guid.Parse(podcastId), feedUrl);

        // As when two relays (scale-out) deliver the same event at the same moment.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => notifier.RecordAsync(announcement, CancellationToken.None)));

        var receipts = await WaitForReceiptsAsync(owner.Http, episodeId, AllSettled);
        receipts.Count.ShouldBe(2);
        (await JobCountAsync(receipts)).ShouldBe(2);
        server.Targets.Received(TestDirectory.HubPath, feedUrl).Count.ShouldBe(1);
        server.Targets.Received(TestDirectory.PingPath, feedUrl).Count.ShouldBe(1);
    }

    [Fact]
    public async Task EventForAnEpisodeThatIsNotLive_RecordsAndSendsNothing()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null);
        var draft = (await owner.CreateEpisodeAsync(podcastId, "Still a draft"))["id"]!.GetValue<string>();

        await WaitForDeliveryAsync(server, await WentLiveAsync(server, draft, podcastId));

        var receipts = await owner.Http.GetJsonAsync(ReceiptsPath(draft));
        receipts.Status.ShouldBe(HttpStatusCode.OK);
        receipts.Body!["episode_id"]!.GetValue<string>().ShouldBe(draft);
        receipts.Body["receipts"]!.AsArray().ShouldBeEmpty();
        server.Targets.Received(TestDirectory.HubPath, server.FeedUrl(podcastId)).ShouldBeEmpty();
        // Nothing to send again either: the episode is not live.
        (await owner.Http.PostJsonAsync(ReceiptsPath(draft) + "/retry", null))
            .ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Receipts_OtherCreatorListenerAnonymousOrUnknownEpisode_NotFoundOrUnauthorized()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, episodeId) = await PublishedEpisodeAsync(owner);
        await WentLiveAsync(server, episodeId, podcastId);
        await WaitForReceiptsAsync(owner.Http, episodeId, AllSettled);
        var path = ReceiptsPath(episodeId);

        // The episode is public, but what was sent about it is its owner's business.
        var stranger = await server.SignUpAsync();
        (await stranger.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Status.ShouldBe(HttpStatusCode.OK);
        (await stranger.Http.GetJsonAsync(path)).ShouldBeProblem(HttpStatusCode.NotFound);
        var listener = await server.SignUpAsync(role: "listener");
        (await listener.Http.GetJsonAsync(path)).ShouldBeProblem(HttpStatusCode.NotFound);
        using var anonymous = server.Client();
        (await anonymous.GetJsonAsync(path)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await anonymous.PostJsonAsync(path + "/retry", null)).ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await owner.Http.GetJsonAsync(ReceiptsPath(Guid.NewGuid())))
            .ShouldBeProblem(HttpStatusCode.NotFound);
        (await owner.Http.PostJsonAsync(ReceiptsPath(Guid.NewGuid()) + "/retry", null))
            .ShouldBeProblem(HttpStatusCode.NotFound);

        // Deleting the episode takes its receipts with it.
        var receiptIds = (await owner.Http.GetJsonAsync(path)).Body!["receipts"]!.AsArray();
        (await owner.Http.DeleteJsonAsync($"/api/v1/episodes/{episodeId}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await owner.Http.GetJsonAsync(path)).ShouldBeProblem(HttpStatusCode.NotFound);
        (await ReceiptCountAsync(receiptIds)).ShouldBe(0);
    }

    [Fact]
    public async Task ServerRestartsWhileTheHubIsBeingTold_SendCompletesAfterTheRestart()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, episodeId) = await PublishedEpisodeAsync(owner);
        var feedUrl = server.FeedUrl(podcastId);
        var (received, release) = server.Targets.Hold(TestDirectory.HubPath, feedUrl);

        await WentLiveAsync(server, episodeId, podcastId);
        await received.WaitAsync(TimeSpan.FromSeconds(60));
        var pending = await WaitForReceiptsAsync(owner.Http, episodeId, r => Receipt(r, "ping")["state"]!.GetValue<string>() == "succeeded");
        Receipt(pending, "websub")["state"]!.GetValue<string>().ShouldBe("pending");

        await server.RestartAsync();
        release.TrySetResult();

        using var client = server.WithToken(owner.AccessToken);
        var receipts = await WaitForReceiptsAsync(client, episodeId, AllSettled);
        var hub = Receipt(receipts, "websub");
        hub["state"]!.GetValue<string>().ShouldBe("succeeded", receipts.ToJsonString());
        hub["attempts"]!.GetValue<int>().ShouldBe(2);
        server.Targets.Received(TestDirectory.HubPath, feedUrl).Count.ShouldBe(2);
        server.Targets.Received(TestDirectory.PingPath, feedUrl).Count.ShouldBe(1);
    }

    private async Task<int> JobCountAsync(JsonArray receipts)
    {
        var database = server.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var count = 0;
        foreach (var receipt in receipts)
        {
            count += await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM jobs WHERE subject_key = @key",
                new { key = receipt!["id"]!.GetValue<string>() });
        }

        return count;
    }

    private async Task<int> ReceiptCountAsync(JsonArray receipts)
    {
        var database = server.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var count = 0;
        foreach (var receipt in receipts)
        {
            count += await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM publish_receipts WHERE id = @id",
                new { id = Guid.Parse(receipt!["id"]!.GetValue<string>()) });
        }

        return count;
    }
}

public sealed class SqlitePublishReceiptTests(SqliteNotifyingServer server) : PublishReceiptTests(server), IClassFixture<SqliteNotifyingServer>;

public sealed class PostgresPublishReceiptTests(PostgresNotifyingServer server) : PublishReceiptTests(server), IClassFixture<PostgresNotifyingServer>;

/// <summary>Without Server:PublicBaseUrl there is no public feed address: receipts say so instead of sending anything.</summary>
public abstract class PrivateServerReceiptTests(PrivateNotifyingServer server)
{
    [Fact]
    public async Task WentLive_NoPublicBaseUrl_ReceiptsSkippedWithTheReason_SentByARetryOnceItIsSet()
    {
        var owner = await server.SignUpAsync();
        var (podcastId, episodeId) = await PublishedEpisodeAsync(owner);

        await WentLiveAsync(server, episodeId, podcastId);
        var receipts = await WaitForReceiptsAsync(owner.Http, episodeId, AllSettled);

        receipts.Count.ShouldBe(2);
        foreach (var receipt in receipts)
        {
            receipt!["state"]!.GetValue<string>().ShouldBe("skipped");
            receipt["attempts"]!.GetValue<int>().ShouldBe(0);
            receipt["feed_url"].ShouldBeNull();
            receipt["last_status"].ShouldBeNull();
            receipt["last_error"]!.GetValue<string>().ShouldContain("Server:PublicBaseUrl is not set");
        }

        var retry = await owner.Http.PostJsonAsync(ReceiptsPath(episodeId) + "/retry", null);
        retry.ShouldBeProblem(HttpStatusCode.Conflict);
        retry.Body!["detail"]!.GetValue<string>().ShouldContain("Server:PublicBaseUrl");
        (await CountJobsAsync()).ShouldBe(0);

        // The operator sets the public address: the creator sends the skipped ones.
        server.PublicAddressGiven = true;
        await server.RestartAsync();
        using var client = server.WithToken(owner.AccessToken);
        var retried = await client.PostJsonAsync(ReceiptsPath(episodeId) + "/retry", null);
        retried.Status.ShouldBe(HttpStatusCode.Accepted, retried.Body?.ToJsonString());
        receipts = await WaitForReceiptsAsync(client, episodeId, AllSettled);
        foreach (var receipt in receipts)
        {
            receipt!["state"]!.GetValue<string>().ShouldBe("succeeded", receipts.ToJsonString());
            receipt["attempts"]!.GetValue<int>().ShouldBe(1);
            receipt["feed_url"]!.GetValue<string>().ShouldBe(server.FeedUrl(podcastId));
            receipt["last_error"].ShouldBeNull();
        }

        server.Targets.Received(TestDirectory.HubPath, server.FeedUrl(podcastId)).Count.ShouldBe(1);
        server.Targets.Received(TestDirectory.PingPath, server.FeedUrl(podcastId)).Count.ShouldBe(1);
    }

    private async Task<int> CountJobsAsync()
    {
        var database = server.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM jobs WHERE kind = 'publish-notification'");
    }
}

public sealed class SqlitePrivateServerReceiptTests(SqlitePrivateNotifyingServer server)
    : PrivateServerReceiptTests(server), IClassFixture<SqlitePrivateNotifyingServer>;

public sealed class PostgresPrivateServerReceiptTests(PostgresPrivateNotifyingServer server)
    : PrivateServerReceiptTests(server), IClassFixture<PostgresPrivateNotifyingServer>;
