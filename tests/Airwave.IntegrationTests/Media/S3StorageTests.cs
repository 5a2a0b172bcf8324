using Airwave.Core.Storage;
using Airwave.IntegrationTests.Infrastructure;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Media;

/// <summary>
/// The server with S3-compatible storage chosen by configuration alone: an upload and its processing keep every
/// blob in the bucket (under the configured prefix) and nothing on the server's disk.
/// </summary>
public sealed class S3StorageTests(SqliteS3Server server) : IClassFixture<SqliteS3Server>
{
    [Fact]
    public async Task Upload_WithS3Storage_SourceAndRenditionsInTheBucket_NoLocalBlobs()
    {
        server.Services.GetRequiredService<IBlobStore>().ShouldBeOfType<S3BlobStore>();
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync("Cloud Show"))["id"]!.GetValue<string>();
        var episodeId = await new TusTestClient(owner.Http).UploadAsync(podcastId, await TestMedia.AudioAsync("s3.wav", 6, 1));

        var status = await EpisodeUploadTests.WaitForProcessingAsync(owner, episodeId);

        status["processed_status"]!.GetValue<string>().ShouldBe("ready", status.ToJsonString());
        var bucket = server.Bucket;
        foreach (var rendition in status["renditions"]!.AsArray())
        {
            var key = rendition!["key"]!.GetValue<string>();
            var stored = await bucket.Client.GetObjectMetadataAsync(bucket.Name, $"{SqliteS3Server.Prefix}/{key}");
            stored.ContentLength.ShouldBe(rendition["size_bytes"]!.GetValue<long>(), key);
            stored.Headers.ContentType.ShouldBe(rendition["content_type"]!.GetValue<string>(), key);
        }

        var sources = await bucket.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket.Name, Prefix = $"{SqliteS3Server.Prefix}/sources/" });
        (sources.S3Objects ?? []).Count.ShouldBe(1);
        Directory.Exists(Path.Combine(server.DataDirectory, "blobs")).ShouldBeFalse();
    }
}
