using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Airwave.Core.Data;
using Airwave.Core.Storage;
using Airwave.Delivery.Signing;
using Airwave.IntegrationTests.Infrastructure;
using Airwave.IntegrationTests.Media;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Delivery;

/// <summary>A delivery_log row as the tests read it back.</summary>
public sealed class DeliveryLogRow
{
    public Guid Id { get; set; }

    public string RequestId { get; set; } = "";

    public DateTimeOffset OccurredAt { get; set; }

    public string Kind { get; set; } = "";

    public string Method { get; set; } = "";

    public string Path { get; set; } = "";

    public int Status { get; set; }

    public Guid? EpisodeId { get; set; }

    public string? BlobKey { get; set; }

    public string? Rendition { get; set; }

    public string? RedirectTarget { get; set; }

    public string? ClientIp { get; set; }

    public string? UserAgent { get; set; }

    public string? Referer { get; set; }

    public string? RangeHeader { get; set; }

    public long? FirstByte { get; set; }

    public long BytesServed { get; set; }

    public long? ContentLength { get; set; }

    public bool Completed { get; set; }

    public string? PlaybackSessionId { get; set; }

    public int DurationMs { get; set; }
}

/// <summary>A file put in the server's blob store the way processing stores media: under its content hash.</summary>
public sealed record StoredMedia(string Key, string Path, byte[] Bytes);

/// <summary>Helpers for the delivery tests: stored media, signed paths, reading the log, clients from other addresses.</summary>
public static class DeliveryKit
{
    /// <summary>The signing key the delivery test servers are configured with.</summary>
    public const string SigningKey = "delivery-tests-signing-key-0123456789-abcdefghij";

    /// <summary>A second loopback address the tests connect from, listed as a trusted proxy by the delivery fixtures.</summary>
    public static readonly IPAddress TrustedProxyAddress = IPAddress.Parse("127.0.0.2");

    public static async Task<StoredMedia> StoreMediaAsync(this ServerFixture server, int length, string extension = "mp3")
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var key = $"media/{hash}.{extension}";
        using var content = new MemoryStream(bytes);
        await server.Services.GetRequiredService<IBlobStore>().PutAsync(key, content, "audio/mpeg", CancellationToken.None);
        return new StoredMedia(key, "/" + key, bytes);
    }

    /// <summary>The path with an expiry and a signature made with <see cref="SigningKey"/>.</summary>
    public static string SignedPath(string path, TimeSpan? validFor = null) =>
        new UrlSigner(SigningKey).Sign(path, DateTimeOffset.UtcNow + (validFor ?? TimeSpan.FromHours(1)));

    /// <summary>
    /// The delivery log rows matching <paramref name="where"/>, once there are at least <paramref name="atLeast"/>: a
    /// row is queued when its response has ended on the server, which can be just after the client has seen the end.
    /// </summary>
    public static async Task<List<DeliveryLogRow>> LogRowsAsync(this ServerFixture server, string where, object parameters, int atLeast = 1)
    {
        await server.WaitForDeliveryLogAsync(where, parameters, atLeast);
        await using var connection = await server.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None);
        return [.. await connection.QueryAsync<DeliveryLogRow>($"SELECT * FROM delivery_log WHERE {where} ORDER BY occurred_at, id", parameters)];
    }

    /// <summary>The one row of the request that sent <paramref name="sessionId"/> as X-Playback-Session-Id.</summary>
    public static async Task<DeliveryLogRow> LogRowOfSessionAsync(this ServerFixture server, string sessionId) =>
        (await server.LogRowsAsync("playback_session_id = @sessionId", new { sessionId })).ShouldHaveSingleItem();

    /// <summary>A request carrying a fresh X-Playback-Session-Id, by which its log row is found again.</summary>
    public static HttpRequestMessage Tagged(HttpMethod method, string url, out string sessionId)
    {
        sessionId = Guid.NewGuid().ToString("D").ToUpperInvariant();
        var request = new HttpRequestMessage(method, url);
        request.Headers.Add("X-Playback-Session-Id", sessionId);
        return request;
    }

    /// <summary>A client that does not follow redirects, so the tests see the 302 and its Location.</summary>
    public static HttpClient NoRedirects(this ServerFixture server, IPAddress? from = null) =>
        new(Handler(from, followRedirects: false)) { BaseAddress = server.BaseAddress };

    /// <summary>A client connecting from <paramref name="from"/> (another loopback address) instead of 127.0.0.1.</summary>
    public static HttpClient From(this ServerFixture server, IPAddress from) => new(Handler(from, followRedirects: true)) { BaseAddress = server.BaseAddress };

    /// <summary>An episode with processed audio, published in a published podcast.</summary>
    public static async Task<(TestUser Owner, string PodcastId, string EpisodeId, JsonNode Status)> PublishedEpisodeAsync(this ServerFixture server)
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        (await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        var episodeId = await new TusTestClient(owner.Http).UploadAsync(podcastId, await TestMedia.AudioAsync($"delivery-{Guid.NewGuid():N}.wav", 2, 1));
        var status = await EpisodeUploadTests.WaitForProcessingAsync(owner, episodeId);
        status["processed_status"]!.GetValue<string>().ShouldBe("ready", status.ToJsonString());
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        return (owner, podcastId, episodeId, status);
    }

    public static string RenditionKey(JsonNode status, string name) =>
        status["renditions"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == name)!["key"]!.GetValue<string>();

    private static SocketsHttpHandler Handler(IPAddress? from, bool followRedirects)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = followRedirects, PooledConnectionLifetime = TimeSpan.Zero };
        if (from is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return handler;
    }
}
