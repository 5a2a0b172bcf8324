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

    [Fact]
    public async Task DirectUpload_PartsToPresignedUrls_ThenComplete_EpisodeReady()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync("Direct Show"))["id"]!.GetValue<string>();
        // Two parts: the first exactly one part size (16 MiB), the second the rest.
        var bytes = await File.ReadAllBytesAsync(await TestMedia.AudioAsync("direct.wav", 200, 1));
        var started = await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/episodes/upload",
            new { size = bytes.Length, filename = "direct.wav", direct = true });
        started.Status.ShouldBe(System.Net.HttpStatusCode.Created, started.Body?.ToJsonString());
        var direct = started.Body!["direct"]!;
        var partSize = direct["part_size"]!.GetValue<long>();
        var parts = direct["parts"]!.AsArray();
        parts.Count.ShouldBe((int)((bytes.Length + partSize - 1) / partSize));
        parts.Count.ShouldBe(2);

        using var storage = new HttpClient();
        var etags = new List<object>();
        foreach (var part in parts)
        {
            var number = part!["part_number"]!.GetValue<int>();
            var offset = (number - 1) * partSize;
            var content = new ByteArrayContent(bytes, (int)offset, (int)Math.Min(partSize, bytes.Length - offset));
            using var put = await storage.PutAsync(new Uri(part["url"]!.GetValue<string>()), content);
            put.IsSuccessStatusCode.ShouldBeTrue(await put.Content.ReadAsStringAsync());
            etags.Add(new { part_number = number, etag = put.Headers.ETag!.Tag });
        }

        var completeUrl = direct["complete_path"]!.GetValue<string>();
        var wrong = await owner.Http.PostJsonAsync(completeUrl, new { parts = new[] { new { part_number = 1, etag = "\"a\"" }, new { part_number = 1, etag = "\"b\"" } } });
        wrong.ShouldBeProblem(System.Net.HttpStatusCode.BadRequest);
        wrong.ErrorsFor("parts").ShouldContain("lists a part_number twice");

        var completed = await owner.Http.PostJsonAsync(completeUrl, new { parts = etags });
        completed.Status.ShouldBe(System.Net.HttpStatusCode.Accepted, completed.Body?.ToJsonString());
        var episodeId = started.Body["episode_id"]!.GetValue<string>();
        var status = await EpisodeUploadTests.WaitForProcessingAsync(owner, episodeId);
        status["processed_status"]!.GetValue<string>().ShouldBe("ready", status.ToJsonString());
        status["duration_ms"]!.GetValue<long>().ShouldBeInRange(199_000, 201_000);
    }
}
