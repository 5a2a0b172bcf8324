using System.Net;
using System.Text.Json.Nodes;
using Airwave.Catalog.Contracts;
using Airwave.Core.Data;
using Airwave.Core.Events;
using Airwave.IntegrationTests.Infrastructure;
using Airwave.IntegrationTests.Media;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Notifications;

/// <summary>
/// The server with a WebSub hub and a ping URL configured, both served by a <see cref="TestDirectory"/> it starts
/// first. Its public address is set (a fixed loopback port, kept across restarts), as feeds can only be announced
/// with one. Retries come quickly and a dead worker's job is reclaimed after 3 seconds, so failures and restarts
/// play out within a test.
/// </summary>
public abstract class NotifyingServer : ServerFixture
{
    public const int MaxAttempts = 3;
    private readonly int _port = ServerProcess.FreePort();

    public TestDirectory Targets { get; } = new();

    public string PublicBaseUrl => $"http://127.0.0.1:{_port}";

    protected virtual bool HasPublicAddress => true;

    /// <summary>The feed URL the server announces for a podcast.</summary>
    public string FeedUrl(string podcastId) => $"{PublicBaseUrl}/rss/{podcastId}";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["urls"] = PublicBaseUrl,
        ["Server:PublicBaseUrl"] = HasPublicAddress ? PublicBaseUrl : "",
        ["Notifications:WebSubHubs:0"] = Targets.HubUrl,
        ["Notifications:PingUrls:0"] = Targets.PingTemplate,
        ["Notifications:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notifications:RetryDelay"] = "00:00:00.100",
        ["Jobs:Lease"] = "00:00:03",
        ["Jobs:PollInterval"] = "00:00:00.100",
    };

    public override async Task InitializeAsync()
    {
        await Targets.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await Targets.DisposeAsync();
        }
    }
}

public sealed class SqliteNotifyingServer : NotifyingServer
{
    protected override string Provider => "sqlite";
}

public sealed class PostgresNotifyingServer : NotifyingServer
{
    protected override string Provider => "postgres";
}

/// <summary>
/// Targets configured but no Server:PublicBaseUrl: there is no public feed address to announce. A test may give it
/// one (<see cref="PublicAddressGiven"/>, then a restart), as an operator would.
/// </summary>
public abstract class PrivateNotifyingServer : NotifyingServer
{
    public bool PublicAddressGiven { get; set; }

    protected override bool HasPublicAddress => PublicAddressGiven;
}

public sealed class SqlitePrivateNotifyingServer : PrivateNotifyingServer
{
    protected override string Provider => "sqlite";
}

public sealed class PostgresPrivateNotifyingServer : PrivateNotifyingServer
{
    protected override string Provider => "postgres";
}

/// <summary>A live episode, and raising and watching the event that announces it.</summary>
public static class GoingLive
{
    public static string ReceiptsPath(object episodeId) => $"/api/v1/episodes/{episodeId}/publish-receipts";

    /// <summary>
    /// A published podcast with one processed, published episode, made through the API. <paramref name="beforeGoingLive"/>
    /// gets the podcast id just before the episode is published: scripted answers must be in place before the
    /// notification it sets off can reach the targets.
    /// </summary>
    public static async Task<(string PodcastId, string EpisodeId)> PublishedEpisodeAsync(TestUser owner, Action<string>? beforeGoingLive = null)
    {
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        (await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        var episodeId = await new TusTestClient(owner.Http).UploadAsync(podcastId, await TestMedia.AudioAsync($"notify-{Guid.NewGuid():N}.wav", 2, 1));
        (await EpisodeUploadTests.WaitForProcessingAsync(owner, episodeId))["processed_status"]!.GetValue<string>().ShouldBe("ready");
        beforeGoingLive?.Invoke(podcastId);
        var published = await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null);
        published.Status.ShouldBe(HttpStatusCode.OK, published.Body?.ToJsonString());
        return (podcastId, episodeId);
    }

    /// <summary>
    /// The EpisodeWentLive event of the episode's publication. Until Catalog raises it itself, the test appends it to
    /// the outbox as Catalog will (in a transaction, then waking the relay); once publishing writes it, that one is used.
    /// </summary>
    public static async Task<Guid> WentLiveAsync(ServerFixture server, string episodeId, string podcastId)
    {
        var database = server.Services.GetRequiredService<Database>();
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            var raised = await connection.QueryFirstOrDefaultAsync<Guid?>(
                "SELECT id FROM outbox_events WHERE type = @type AND payload LIKE @pattern ORDER BY occurred_at DESC",
                new { type = EventRegistry.NameOf(typeof(EpisodeWentLive)), pattern = $"%\"episodeId\":\"{episodeId}\"%" });
            if (raised is { } existing)
            {
                return existing;
            }
        }

        var now = DateTimeOffset.UtcNow;
        var @event = new EpisodeWentLive(Guid.CreateVersion7(), now, Guid.Parse(episodeId), Guid.Parse(podcastId), now);
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await EventOutbox.AppendAsync(connection, transaction, @event, CancellationToken.None);
            return true;
        }, CancellationToken.None);
        server.Services.GetRequiredService<EventOutbox>().Wake();
        return @event.Id;
    }

    /// <summary>Waits until the relay has delivered the event to every handler.</summary>
    public static async Task WaitForDeliveryAsync(ServerFixture server, Guid eventId)
    {
        var database = server.Services.GetRequiredService<Database>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var connection = await database.OpenAsync(CancellationToken.None);
            var row = await connection.QuerySingleAsync<OutboxState>(
                "SELECT dispatched_at, last_error FROM outbox_events WHERE id = @eventId", new { eventId });
            if (row.DispatchedAt is not null)
            {
                return;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"the event was not delivered: {row.LastError}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls the receipts until <paramref name="done"/> holds (at most a minute), and returns them.</summary>
    public static async Task<JsonArray> WaitForReceiptsAsync(HttpClient owner, string episodeId, Func<JsonArray, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var response = await owner.GetJsonAsync(ReceiptsPath(episodeId));
            response.Status.ShouldBe(HttpStatusCode.OK, response.Body?.ToJsonString());
            var receipts = response.Body!["receipts"]!.AsArray();
            if (done(receipts))
            {
                return receipts;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, receipts.ToJsonString());
            await Task.Delay(100);
        }
    }

    private sealed record OutboxState
    {
        public DateTimeOffset? DispatchedAt { get; init; }
        public string? LastError { get; init; }
    }

    public static bool AllSettled(JsonArray receipts) =>
        receipts.Count > 0 && receipts.All(r => r!["state"]!.GetValue<string>() is "succeeded" or "failed" or "skipped");

    public static JsonNode Receipt(JsonArray receipts, string kind) => receipts.Single(r => r!["kind"]!.GetValue<string>() == kind)!;
}
