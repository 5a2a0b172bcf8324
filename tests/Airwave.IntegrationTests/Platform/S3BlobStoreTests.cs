using System.Collections.Concurrent;
using System.Net;
using Airwave.Core.Storage;
using Airwave.IntegrationTests.Infrastructure;
using Amazon.Runtime;

namespace Airwave.IntegrationTests.Platform;

/// <summary>
/// The blob store contract on a real S3-compatible server (s3rver, started by ./airwave test), through a key
/// prefix, plus what only S3 does: pre-signed read URLs, stored content types, multipart uploads.
/// </summary>
public sealed class S3BlobStoreTests : BlobStoreContractTests, IClassFixture<TestS3Bucket>
{
    private const string Prefix = "airwave/contract";
    private readonly TestS3Bucket _bucket;
    private readonly S3BlobStore _store;
    private readonly ConcurrentQueue<string> _requests = new();

    public S3BlobStoreTests(TestS3Bucket bucket)
    {
        _bucket = bucket;
        _store = new S3BlobStore(bucket.Options(Prefix), TimeProvider.System);
        _store.Client.BeforeRequestEvent += (_, e) => _requests.Enqueue(((WebServiceRequestEventArgs)e).Request.GetType().Name);
    }

    protected override IBlobStore Store => _store;

    public override void Dispose()
    {
        _store.Dispose();
        base.Dispose();
    }

    [Fact]
    public async Task Put_ObjectUnderPrefix_OnePut_WithContentTypeAndPlainBody()
    {
        var key = NewKey("episode.mp3");
        var bytes = Bytes(70_000, seed: 30);
        await _store.PutAsync(key, new MemoryStream(bytes), "audio/mpeg", CancellationToken.None);
        _requests.ShouldBe(["PutObjectRequest"]);

        // Read past the store: the object itself must hold exactly the bytes (no aws-chunked framing) and the type.
        using var stored = await _bucket.Client.GetObjectAsync(_bucket.Name, $"{Prefix}/{key}");
        stored.Headers.ContentType.ShouldBe("audio/mpeg");
        using var copy = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(copy);
        copy.ToArray().ShouldBe(bytes);
    }

    [Fact]
    public async Task Put_WithoutPrefix_ObjectKeyIsTheBlobKey()
    {
        using var store = new S3BlobStore(_bucket.Options(), TimeProvider.System);
        var key = NewKey("plain.txt");
        await store.PutAsync(key, new MemoryStream([1, 2, 3]), "text/plain", CancellationToken.None);
        (await _bucket.Client.GetObjectMetadataAsync(_bucket.Name, key)).ContentLength.ShouldBe(3);
        (await _store.LengthAsync(key, CancellationToken.None)).ShouldBeNull("the prefixed store does not see it");
    }

    [Fact]
    public void LocalPath_AlwaysNull()
    {
        _store.LocalPath(NewKey("anything")).ShouldBeNull();
    }

    [Fact]
    public async Task GetReadUrl_FetchedWithHttpClient_ServesTheBlobItsTypeAndRanges()
    {
        var key = NewKey("listen.mp3");
        var bytes = Bytes(123_456, seed: 31);
        await _store.PutAsync(key, new MemoryStream(bytes), "audio/mpeg", CancellationToken.None);

        var url = await _store.GetReadUrlAsync(key, TimeSpan.FromMinutes(10), null, CancellationToken.None);

        url.ShouldNotBeNull();
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("audio/mpeg");
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(bytes);

        // Players seek with ranges; the signature covers the host only, so a range request is as good.
        using var ranged = new HttpRequestMessage(HttpMethod.Get, url);
        ranged.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199);
        using var part = await http.SendAsync(ranged);
        part.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await part.Content.ReadAsByteArrayAsync()).ShouldBe(bytes[100..200]);
    }

    [Fact]
    public async Task GetReadUrl_SignedForTheEndpointBucketKeyAndLifetime()
    {
        var key = NewKey("signed.mp3");
        var url = (await _store.GetReadUrlAsync(key, TimeSpan.FromMinutes(10), null, CancellationToken.None))!;

        // s3rver does not check V4 signatures, so check this one the way AWS S3 would.
        var endpoint = new Uri(_bucket.ServiceUrl);
        url.Scheme.ShouldBe(endpoint.Scheme, "the SDK signs https URLs unless told the endpoint is http");
        url.Authority.ShouldBe(endpoint.Authority);
        url.AbsolutePath.ShouldBe($"/{_bucket.Name}/{Prefix}/{key}");
        var parameters = SigV4.Parameters(url);
        parameters["X-Amz-Expires"].ShouldBe("600");
        parameters["X-Amz-Credential"].ShouldStartWith($"{TestS3Bucket.AccessKey}/");
        parameters["X-Amz-Credential"].ShouldEndWith("/us-east-1/s3/aws4_request");
        url.ToString().ShouldNotContain(TestS3Bucket.SecretKey + "&");
        parameters["X-Amz-Signature"].ShouldBe(SigV4.ExpectedSignature(url, TestS3Bucket.SecretKey));
        SigV4.ExpectedSignature(url, "another-secret").ShouldNotBe(parameters["X-Amz-Signature"]);
    }

    [Fact]
    public async Task GetReadUrl_MissingKey_NotFoundWhenFetched()
    {
        var url = (await _store.GetReadUrlAsync(NewKey("never-written"), TimeSpan.FromMinutes(10), null, CancellationToken.None))!;
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GetReadUrl_AfterItsLifetime_Refused()
    {
        var key = NewKey("brief.mp3");
        await _store.PutAsync(key, new MemoryStream(Bytes(1_000, seed: 33)), "audio/mpeg", CancellationToken.None);
        var url = (await _store.GetReadUrlAsync(key, TimeSpan.FromSeconds(1), null, CancellationToken.None))!;
        using var http = new HttpClient();

        await Task.Delay(TimeSpan.FromSeconds(2.5));

        using var response = await http.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    protected override async Task AfterLargeUploadAsync(string key, string contentType)
    {
        // 70 MiB in 16 MiB parts is five parts, in one multipart upload, and no single PUT.
        var requests = _requests.ToArray();
        requests.Count(r => r == "InitiateMultipartUploadRequest").ShouldBe(1);
        requests.Count(r => r == "UploadPartRequest").ShouldBe(5);
        requests.Count(r => r == "CompleteMultipartUploadRequest").ShouldBe(1);
        requests.ShouldNotContain("PutObjectRequest");
        (await _bucket.Client.GetObjectMetadataAsync(_bucket.Name, $"{Prefix}/{key}")).Headers.ContentType.ShouldBe(contentType);
    }
}
