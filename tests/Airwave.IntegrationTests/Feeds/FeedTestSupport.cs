using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Airwave.Core.Data;
using Airwave.IntegrationTests.Infrastructure;
using Airwave.IntegrationTests.Media;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Feeds;

/// <summary>A stored feed row as the tests look at it.</summary>
public sealed record StoredFeedRow
{
    public required DateTimeOffset BuiltAt { get; init; }
    public required string Etag { get; init; }
    public required long FeedVersion { get; init; }
    public required int PageCount { get; init; }
}

/// <summary>An event in the outbox table.</summary>
public sealed record OutboxEventRow
{
    public required string Type { get; init; }
    public required string Payload { get; init; }
}

/// <summary>Arranging shows with processed episodes, and looking at what the server stored and raised.</summary>
public static class FeedTestSupport
{
    public static readonly XNamespace Itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    public static readonly XNamespace Podcast = "https://podcastindex.org/namespace/1.0";
    public static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    public static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    public static readonly XNamespace History = "http://purl.org/syndication/history/1.0";

    public const string EpisodeWentLive = "Airwave.Catalog.Contracts.EpisodeWentLive";
    public const string FeedChanged = "Airwave.Catalog.Contracts.FeedChanged";

    /// <summary>A published podcast of <paramref name="owner"/>; returns its id.</summary>
    public static async Task<string> PublishedPodcastAsync(TestUser owner, string title = "The Feed Show")
    {
        var podcastId = (await owner.CreatePodcastAsync(title))["id"]!.GetValue<string>();
        (await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        return podcastId;
    }

    /// <summary>Uploads real audio for a new episode and waits until it is processed; returns the episode id.</summary>
    public static async Task<string> ProcessedEpisodeAsync(TestUser owner, string podcastId, string? file = null)
    {
        var episodeId = await new TusTestClient(owner.Http).UploadAsync(podcastId, file ?? await TestMedia.AudioAsync($"feed-{Guid.NewGuid():N}.wav", 2, 1));
        var status = await EpisodeUploadTests.WaitForProcessingAsync(owner, episodeId);
        status["processed_status"]!.GetValue<string>().ShouldBe("ready", status.ToJsonString());
        return episodeId;
    }

    public static async Task<string> FeedTextAsync(HttpClient client, string podcastId, string query = "")
    {
        using var response = await client.GetAsync(new Uri($"/rss/{podcastId}{query}", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsStringAsync();
    }

    public static async Task<XElement> ChannelAsync(HttpClient client, string podcastId, string query = "") =>
        XDocument.Parse(await FeedTextAsync(client, podcastId, query)).Root!.Element("channel")!;

    /// <summary>Asks for the feed until <paramref name="done"/> holds (the change is asynchronous); the last channel read.</summary>
    public static async Task<XElement> WaitForFeedAsync(Func<HttpClient> client, string podcastId, Func<XElement, bool> done, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            using var http = client();
            var channel = await ChannelAsync(http, podcastId);
            if (done(channel) || DateTime.UtcNow > deadline)
            {
                return channel;
            }

            await Task.Delay(250);
        }
    }

    public static async Task<StoredFeedRow?> StoredFeedAsync(ServerFixture server, string podcastId, int page = 1)
    {
        await using var connection = await server.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None);
        return await connection.QuerySingleOrDefaultAsync<StoredFeedRow>(
            "SELECT built_at, etag, feed_version, page_count FROM stored_feeds WHERE podcast_id = @id AND page = @page",
            new { id = Guid.Parse(podcastId), page });
    }

    public static async Task<int> StoredFeedCountAsync(ServerFixture server, string podcastId)
    {
        await using var connection = await server.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM stored_feeds WHERE podcast_id = @id", new { id = Guid.Parse(podcastId) });
    }

    /// <summary>The payloads of the events of <paramref name="type"/> in the outbox that mention <paramref name="subject"/>.</summary>
    public static async Task<IReadOnlyList<JsonNode>> EventsAsync(ServerFixture server, string type, string subject)
    {
        await using var connection = await server.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<OutboxEventRow>("SELECT type, payload FROM outbox_events WHERE type = @type ORDER BY occurred_at", new { type });
        return [.. rows.Select(r => JsonNode.Parse(r.Payload)!).Where(p => p.ToJsonString().Contains(subject, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>Waits until the outbox holds at least <paramref name="count"/> such events; returns them.</summary>
    public static async Task<IReadOnlyList<JsonNode>> WaitForEventsAsync(ServerFixture server, string type, string subject, int count, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var events = await EventsAsync(server, type, subject);
            if (events.Count >= count || DateTime.UtcNow > deadline)
            {
                return events;
            }

            await Task.Delay(200);
        }
    }

    public static async Task<Response> PutFileAsync(HttpClient client, string path, string file, string contentType)
    {
        var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await client.SendAsync(HttpMethod.Put, path, content);
    }
}
