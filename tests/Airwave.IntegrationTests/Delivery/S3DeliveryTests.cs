using System.Net;
using System.Net.Http.Headers;
using System.Web;
using Airwave.Core.Storage;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Delivery;

/// <summary>
/// The server on SQLite with its media in a bucket of the test S3 server, redirecting listeners to pre-signed object
/// URLs. Media URLs are signed but not required to be, so the origin also streams unsigned requests.
/// </summary>
public sealed class SqliteS3RedirectServer : ServerFixture
{
    public TestS3Bucket Bucket { get; } = new();

    protected override string Provider => "sqlite";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(Bucket.Settings("airwave"))
    {
        ["Delivery:RedirectToStorage"] = "true",
        ["Delivery:SignedUrlLifetime"] = "00:10:00",
        ["Delivery:SigningKey"] = DeliveryKit.SigningKey,
        ["Delivery:LogFlushInterval"] = "00:01:00",
    };

    public override async Task InitializeAsync()
    {
        await Bucket.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Bucket.DisposeAsync();
    }
}

public sealed class S3DeliveryTests(SqliteS3RedirectServer server) : IClassFixture<SqliteS3RedirectServer>
{
    [Fact]
    public async Task Redirect_S3_PresignedObjectUrl_DownloadsTheRightBytes()
    {
        var (_, _, episodeId, status) = await server.PublishedEpisodeAsync();
        var mp3Key = DeliveryKit.RenditionKey(status, "mp3");
        await using var stored = await server.Services.GetRequiredService<IBlobStore>().OpenReadAsync(mp3Key, CancellationToken.None);
        using var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        var expected = copy.ToArray();
        using var client = server.NoRedirects();

        using var request = DeliveryKit.Tagged(HttpMethod.Get, $"/api/v1/episodes/{episodeId}/audio", out var session);
        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Found);
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var location = response.Headers.Location!;
        location.GetLeftPart(UriPartial.Authority).ShouldBe(new Uri(server.Bucket.ServiceUrl).GetLeftPart(UriPartial.Authority));
        location.AbsolutePath.ShouldBe($"/{server.Bucket.Name}/airwave/{mp3Key}");
        var query = HttpUtility.ParseQueryString(location.Query);
        query["response-content-type"].ShouldBe("audio/mpeg");
        query["X-Amz-Expires"].ShouldBe("600");
        query["X-Amz-Signature"].ShouldNotBeNullOrEmpty();

        using var storage = new HttpClient();
        using var download = await storage.GetAsync(location);
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        download.Content.Headers.ContentType!.MediaType.ShouldBe("audio/mpeg");
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(expected);
        status["renditions"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "mp3")!["size_bytes"]!.GetValue<long>().ShouldBe(expected.Length);
        using var ranged = new HttpRequestMessage(HttpMethod.Get, location);
        ranged.Headers.Range = new RangeHeaderValue(100, 199);
        using var part = await storage.SendAsync(ranged);
        part.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await part.Content.ReadAsByteArrayAsync()).ShouldBe(expected[100..200]);

        // Only the redirect passes through Airwave; the bytes came from the bucket.
        var row = await server.LogRowOfSessionAsync(session);
        (row.Kind, row.Status, row.RedirectTarget, row.BlobKey, row.EpisodeId).ShouldBe(("redirect", 302, "storage", mp3Key, Guid.Parse(episodeId)));
    }

    [Fact]
    public async Task Origin_S3_UnsignedStreamedWhenNotRequired_TamperedRefused()
    {
        var media = await server.StoreMediaAsync(70_000);
        using var client = server.Client();

        using var unsigned = DeliveryKit.Tagged(HttpMethod.Get, media.Path, out var unsignedSession);
        using var streamed = await client.SendAsync(unsigned);
        var signed = DeliveryKit.SignedPath(media.Path);
        using var tampered = await client.GetAsync(new Uri(signed.Replace("expires=", "expires=1", StringComparison.Ordinal), UriKind.Relative));

        streamed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await streamed.Content.ReadAsByteArrayAsync()).ShouldBe(media.Bytes);
        streamed.Headers.CacheControl!.ToString().ShouldBe("public, max-age=31536000, immutable");
        tampered.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var row = await server.LogRowOfSessionAsync(unsignedSession);
        (row.Status, row.BytesServed, row.Completed, row.FirstByte).ShouldBe((200, 70_000L, true, 0L));
    }
}
