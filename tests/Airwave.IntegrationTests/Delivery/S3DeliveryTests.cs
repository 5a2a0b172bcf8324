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
public sealed class SqliteS3RedirectServer : S3ServerFixture
{
    protected override string Provider => "sqlite";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(Bucket.Settings("airwave"))
    {
        ["Delivery:RedirectToStorage"] = "true",
        ["Delivery:SignedUrlLifetime"] = "00:10:00",
        ["Delivery:SigningKey"] = DeliveryKit.SigningKey,
        ["Delivery:LogFlushInterval"] = "00:01:00",
    };
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

    [Fact]
    public async Task Origin_S3_RangesFetchedFromTheBucket_LoggedWithExactBytes()
    {
        var media = await server.StoreMediaAsync(300_000);
        var url = DeliveryKit.SignedPath(media.Path);
        var etag = new EntityTagHeaderValue($"\"{media.Key[6..70]}\"");
        using var client = server.Client();

        async Task<(HttpResponseMessage Response, byte[] Body, string Session)> SendAsync(HttpMethod method, Action<HttpRequestMessage> arrange)
        {
            using var request = DeliveryKit.Tagged(method, url, out var session);
            arrange(request);
            var response = await client.SendAsync(request);
            return (response, await response.Content.ReadAsByteArrayAsync(), session);
        }

        var middle = await SendAsync(HttpMethod.Get, r => r.Headers.Range = new RangeHeaderValue(100_000, 199_999));
        var suffix = await SendAsync(HttpMethod.Get, r => r.Headers.Range = new RangeHeaderValue(null, 500));
        var beyond = await SendAsync(HttpMethod.Get, r => r.Headers.Range = new RangeHeaderValue(400_000, null));
        var stale = await SendAsync(HttpMethod.Get, r =>
        {
            r.Headers.Range = new RangeHeaderValue(10, 19);
            r.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue("\"other\""));
        });
        var head = await SendAsync(HttpMethod.Head, _ => { });
        var notModified = await SendAsync(HttpMethod.Get, r => r.Headers.IfNoneMatch.Add(etag));

        middle.Response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        middle.Body.ShouldBe(media.Bytes[100_000..200_000]);
        middle.Response.Content.Headers.ContentRange!.ToString().ShouldBe("bytes 100000-199999/300000");
        middle.Response.Headers.AcceptRanges.ShouldContain("bytes");
        suffix.Response.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        suffix.Body.ShouldBe(media.Bytes[^500..]);
        beyond.Response.StatusCode.ShouldBe(HttpStatusCode.RequestedRangeNotSatisfiable);
        stale.Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        stale.Body.ShouldBe(media.Bytes);
        head.Response.Content.Headers.ContentLength.ShouldBe(300_000);
        head.Body.ShouldBeEmpty();
        notModified.Response.StatusCode.ShouldBe(HttpStatusCode.NotModified);

        var rows = new[] { middle, suffix, beyond, stale, head, notModified };
        var logged = new List<(int, long?, long)>();
        foreach (var (response, _, session) in rows)
        {
            var row = await server.LogRowOfSessionAsync(session);
            logged.Add((row.Status, row.FirstByte, row.BytesServed));
            response.Dispose();
        }

        logged.ShouldBe([(206, 100_000L, 100_000L), (206, 299_500L, 500L), (416, null, 0L), (200, 0L, 300_000L), (200, null, 0L), (304, null, 0L)]);
    }
}
