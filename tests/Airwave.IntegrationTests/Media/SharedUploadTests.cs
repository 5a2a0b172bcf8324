using System.Net;
using System.Net.Http.Headers;
using Airwave.IntegrationTests.Infrastructure;
using Airwave.Media.Uploads;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Media;

/// <summary>
/// tus uploads behind a load balancer without sticky sessions (ADR 0020): two instances on one database and one
/// bucket, each with a data directory of its own, take PATCHes for the same upload in any order; the bytes live in the
/// bucket as chunk objects until the upload completes, and nothing is left of them afterwards.
/// </summary>
public abstract class SharedUploadTests(ServerFixture server, TestS3Bucket bucket)
{
    [Fact]
    public async Task Upload_ChunksAlternateBetweenInstances_CompletesAndProcesses_NoChunksLeft()
    {
        await using var second = await server.StartInstanceAsync();
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync("Two Doors"))["id"]!.GetValue<string>();
        var source = await TestMedia.AudioAsync("alternating.wav", 8, 2);
        var bytes = await File.ReadAllBytesAsync(source);
        var tus = new[] { new TusTestClient(owner.Http), new TusTestClient(Authorized(second, owner)) };

        using var created = await tus[0].CreateAsync(podcastId, bytes.Length, TusTestClient.Metadata(("filename", "alternating.wav")));
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var path = PathOf(created.Headers.Location!);
        var episodeId = created.Headers.GetValues("Airwave-Episode-Id").Single();
        const int chunkSize = 300_000;
        var turn = 0;
        for (var offset = 0; offset < bytes.Length; offset += chunkSize, turn++)
        {
            var instance = tus[turn % 2];
            // The instance about to take the chunk knows the offset the other one acknowledged.
            (await instance.OffsetAsync(path)).ShouldBe(offset);
            using var patched = await instance.PatchAsync(path, offset, bytes.AsMemory(offset, Math.Min(chunkSize, bytes.Length - offset)));
            patched.StatusCode.ShouldBe(HttpStatusCode.NoContent, await patched.Content.ReadAsStringAsync());
        }

        turn.ShouldBeGreaterThan(3);
        var status = await EpisodeUploadTests.WaitForProcessingAsync(owner, episodeId);
        status["processed_status"]!.GetValue<string>().ShouldBe("ready", status.ToJsonString());
        var uploadId = UploadIdOf(path);
        (await ReadSourceAsync(uploadId)).ShouldBe(bytes);
        (await ChunkObjectsAsync(uploadId)).ShouldBeEmpty();
        (await server.CountSqlAsync("SELECT COUNT(*) FROM upload_chunks WHERE upload_id = @uploadId", new { uploadId })).ShouldBe(0);
        Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "uploads")).ShouldBeEmpty("nothing of the upload stays on an instance's disk");
    }

    [Fact]
    public async Task Patch_ToTheOtherInstance_ContinuesAtTheAcknowledgedOffset_WrongOffsetRefused()
    {
        await using var second = await server.StartInstanceAsync();
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var first = new TusTestClient(owner.Http);
        var other = new TusTestClient(Authorized(second, owner));
        var bytes = RandomBytes(1_000_000);
        using var created = await first.CreateAsync(podcastId, bytes.Length);
        var path = PathOf(created.Headers.Location!);
        (await first.PatchAsync(path, 0, bytes.AsMemory(0, 250_000))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await first.PatchAsync(path, 250_000, bytes.AsMemory(250_000, 250_000))).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await other.OffsetAsync(path)).ShouldBe(500_000);
        using (var stale = await other.PatchAsync(path, 250_000, bytes.AsMemory(250_000, 100)))
        {
            stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            stale.Headers.GetValues("Upload-Offset").Single().ShouldBe("500000");
        }

        using (var next = await other.PatchAsync(path, 500_000, bytes.AsMemory(500_000, 300_000)))
        {
            next.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            next.Headers.GetValues("Upload-Offset").Single().ShouldBe("800000");
        }

        (await first.OffsetAsync(path)).ShouldBe(800_000);
        var uploadId = UploadIdOf(path);
        (await ChunkObjectsAsync(uploadId)).Count.ShouldBe(3, "one object per acknowledged chunk, none for the refused one");
    }

    [Fact]
    public async Task InstanceKilledMidUpload_ClientResumesOnTheOther_FileWhole()
    {
        var second = await server.StartInstanceAsync();
        await using var _ = second;
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var source = await TestMedia.AudioAsync("interrupted.wav", 6, 1);
        var bytes = await File.ReadAllBytesAsync(source);
        using var toSecond = Authorized(second, owner);
        var doomed = new TusTestClient(toSecond);
        using var created = await doomed.CreateAsync(podcastId, bytes.Length, TusTestClient.Metadata(("filename", "interrupted.wav")));
        var path = PathOf(created.Headers.Location!);
        var episodeId = created.Headers.GetValues("Airwave-Episode-Id").Single();
        (await doomed.PatchAsync(path, 0, bytes.AsMemory(0, 200_000))).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        // A chunk that is half sent when the instance goes away.
        var halfSent = new TaskCompletionSource();
        var body = new StalledContent(bytes.AsMemory(200_000, bytes.Length - 200_000), 100_000, halfSent);
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = body };
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        request.Content.Headers.Add("Upload-Offset", "200000");
        var inFlight = toSecond.SendAsync(request);
        await halfSent.Task;
        await second.KillAsync();
        // The rest of the body now meets a closed connection.
        body.Release();
        try
        {
            using var cut = await inFlight;
        }
        catch (HttpRequestException)
        {
            // The connection went with the instance.
        }

        await ResumeAsync(new TusTestClient(owner.Http), path, bytes);
        var status = await EpisodeUploadTests.WaitForProcessingAsync(owner, episodeId);
        status["processed_status"]!.GetValue<string>().ShouldBe("ready", status.ToJsonString());
        (await ReadSourceAsync(UploadIdOf(path))).ShouldBe(bytes);
    }

    [Fact]
    public async Task ConcurrentPatches_SameOffset_TwoInstances_OneWins_OtherGets409_ItsChunkDeleted()
    {
        await using var second = await server.StartInstanceAsync();
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var bytes = RandomBytes(40 << 20);
        using var created = await new TusTestClient(owner.Http).CreateAsync(podcastId, bytes.Length);
        var path = PathOf(created.Headers.Location!);

        // Both requests are past their offset check before either finishes: each has sent 16 MiB, more than the
        // socket and server buffers hold, so its server has started reading the body, which it does after the check.
        var firstHalf = new TaskCompletionSource();
        var secondHalf = new TaskCompletionSource();
        var bodies = new[]
        {
            new StalledContent(bytes.AsMemory(0, 20 << 20), 16 << 20, firstHalf),
            new StalledContent(bytes.AsMemory(0, 18 << 20), 16 << 20, secondHalf),
        };
        using var toFirst = server.Client();
        toFirst.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", owner.AccessToken);
        using var toSecond = Authorized(second, owner);
        var sends = new[] { Patch(toFirst, path, bodies[0]), Patch(toSecond, path, bodies[1]) };
        await Task.WhenAll(firstHalf.Task, secondHalf.Task).WaitAsync(TimeSpan.FromMinutes(2));
        foreach (var body in bodies)
        {
            body.Release();
        }

        var answers = await Task.WhenAll(sends);
        answers.Select(a => a.Status).OrderBy(s => s).ShouldBe([HttpStatusCode.NoContent, HttpStatusCode.Conflict]);
        var winner = Array.FindIndex(answers, a => a.Status == HttpStatusCode.NoContent);
        var expected = winner == 0 ? 20 << 20 : 18 << 20;
        (await new TusTestClient(owner.Http).OffsetAsync(path)).ShouldBe(expected);
        answers[1 - winner].Body!["detail"]!.GetValue<string>().ShouldContain("changed");
        var uploadId = UploadIdOf(path);
        (await ChunkObjectsAsync(uploadId)).Count.ShouldBe(1, "the losing chunk is deleted");
        (await server.CountSqlAsync("SELECT COUNT(*) FROM upload_chunks WHERE upload_id = @uploadId AND length = @expected",
            new { uploadId, expected = (long)expected })).ShouldBe(1);

        // The upload carries on from the winner's offset.
        await ResumeAsync(new TusTestClient(toSecond), path, bytes);
        (await ReadSourceAsync(uploadId)).ShouldBe(bytes);
    }

    [Fact]
    public async Task AbandonedUploads_ExpiredOrTerminated_ChunkObjectsDeleted()
    {
        await using var second = await server.StartInstanceAsync();
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var first = new TusTestClient(owner.Http);
        var other = new TusTestClient(Authorized(second, owner));
        var bytes = RandomBytes(600_000);
        var paths = new List<Uri>();
        for (var i = 0; i < 2; i++)
        {
            using var created = await first.CreateAsync(podcastId, bytes.Length);
            var path = PathOf(created.Headers.Location!);
            (await first.PatchAsync(path, 0, bytes.AsMemory(0, 200_000))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
            (await other.PatchAsync(path, 200_000, bytes.AsMemory(200_000, 200_000))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
            (await ChunkObjectsAsync(UploadIdOf(path))).Count.ShouldBe(2);
            paths.Add(path);
        }

        // One expires (the other instance's expiry run deletes it), one is terminated by its owner on the other instance.
        var expired = UploadIdOf(paths[0]);
        await server.ExecuteSqlAsync("UPDATE uploads SET expires_at = @past WHERE id = @id", new { past = DateTimeOffset.UtcNow.AddMinutes(-1), id = expired });
        (await second.Services.GetRequiredService<UploadService>().ExpireAsync(CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(1);
        using var terminate = new HttpRequestMessage(HttpMethod.Delete, paths[1]);
        terminate.Headers.Add("Tus-Resumable", "1.0.0");
        using var toSecond = Authorized(second, owner);
        (await toSecond.SendAsync(terminate)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        foreach (var path in paths)
        {
            var uploadId = UploadIdOf(path);
            (await ChunkObjectsAsync(uploadId)).ShouldBeEmpty();
            (await server.CountSqlAsync("SELECT COUNT(*) FROM upload_chunks WHERE upload_id = @uploadId", new { uploadId })).ShouldBe(0);
            (await first.OffsetAsync(path)).ShouldBeNull();
        }
    }

    [Fact]
    public async Task LeftoverChunks_OfAnUploadThatIsGone_DeletedByTheExpiryRun()
    {
        // What a crash between storing a chunk and acknowledging it leaves when its upload is later deleted with its owner.
        var uploadId = Guid.CreateVersion7();
        var key = $"{UploadService.ChunkPrefix(uploadId)}000000000000000-{Guid.NewGuid():N}";
        await server.Services.GetRequiredService<Airwave.Core.Storage.IBlobStore>()
            .PutAsync(key, new MemoryStream(RandomBytes(1000)), "application/octet-stream", CancellationToken.None);
        await server.ExecuteSqlAsync(
            "INSERT INTO upload_chunks (chunk_key, upload_id, start_offset, length, created_at) VALUES (@key, @uploadId, 0, NULL, @created)",
            new { key, uploadId, created = DateTimeOffset.UtcNow.AddHours(-2) });
        (await ChunkObjectsAsync(uploadId)).Count.ShouldBe(1);

        await server.Services.GetRequiredService<UploadService>().ExpireAsync(CancellationToken.None);
        (await ChunkObjectsAsync(uploadId)).ShouldBeEmpty();
        (await server.CountSqlAsync("SELECT COUNT(*) FROM upload_chunks WHERE chunk_key = @key", new { key })).ShouldBe(0);
    }

    /// <summary>Asks for the offset and sends the rest from there, as a tus client does after an error; again on a 409.</summary>
    private static async Task ResumeAsync(TusTestClient tus, Uri path, byte[] bytes)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var offset = (int)(await tus.OffsetAsync(path))!.Value;
            if (offset == bytes.Length)
            {
                return;
            }

            using var patched = await tus.PatchAsync(path, offset, bytes.AsMemory(offset));
            if (patched.StatusCode == HttpStatusCode.NoContent)
            {
                return;
            }

            patched.StatusCode.ShouldBe(HttpStatusCode.Conflict, await patched.Content.ReadAsStringAsync());
        }

        throw new InvalidOperationException("The upload could not be resumed in five attempts.");
    }

    private static async Task<Response> Patch(HttpClient http, Uri path, HttpContent body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = body };
        request.Headers.Add("Tus-Resumable", "1.0.0");
        body.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        body.Headers.Add("Upload-Offset", "0");
        return await http.ReadAsync(request);
    }

    private static HttpClient Authorized(ServerInstance instance, TestUser user)
    {
        var client = instance.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        return client;
    }

    /// <summary>The upload's address without a host, so the same upload can be sent to either instance.</summary>
    private static Uri PathOf(Uri location) => location.IsAbsoluteUri ? new Uri(location.PathAndQuery, UriKind.Relative) : location;

    private static Guid UploadIdOf(Uri path) => Guid.Parse(path.OriginalString.Split('/')[^1]);

    private async Task<byte[]> ReadSourceAsync(Guid uploadId)
    {
        await using var stream = await server.Services.GetRequiredService<Airwave.Core.Storage.IBlobStore>()
            .OpenReadAsync(UploadService.SourceKey(uploadId), CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task<IReadOnlyList<string>> ChunkObjectsAsync(Guid uploadId)
    {
        var listing = await bucket.Client.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = bucket.Name,
            Prefix = $"{SqliteS3Server.Prefix}/{UploadService.ChunkPrefix(uploadId)}",
        });
        return [.. (listing.S3Objects ?? []).Select(o => o.Key)];
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A body that sends its first <c>before</c> bytes, says so, and waits for <see cref="Release"/> to send the rest.</summary>
    private sealed class StalledContent(ReadOnlyMemory<byte> bytes, int before, TaskCompletionSource sent) : HttpContent
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes[..before]);
            await stream.FlushAsync();
            sent.TrySetResult();
            await _release.Task;
            await stream.WriteAsync(bytes[before..]);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}

public sealed class SqliteS3SharedUploadTests(SqliteS3Server server)
    : SharedUploadTests(server, server.Bucket), IClassFixture<SqliteS3Server>;

public sealed class PostgresS3SharedUploadTests(PostgresS3Server server)
    : SharedUploadTests(server, server.Bucket), IClassFixture<PostgresS3Server>;
