using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Media;

/// <summary>Upload an episode's audio over tus and follow it through processing to a publishable episode.</summary>
public abstract class EpisodeUploadTests(ServerFixture server)
{
    [Fact]
    public async Task Upload_StereoWav_ReadyWithLoudnessTargetMp3AacAndWaveform()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync("Loud Show"))["id"]!.GetValue<string>();
        var source = await TestMedia.AudioAsync("stereo.wav", 20, 2);

        var episodeId = await new TusTestClient(owner.Http).UploadAsync(podcastId, source, chunkSize: 700_000);
        var status = await WaitForProcessingAsync(owner, episodeId);

        status["processed_status"]!.GetValue<string>().ShouldBe("ready", status.ToJsonString());
        status["percent"]!.GetValue<int>().ShouldBe(100);
        var loudness = status["loudness"]!;
        loudness["target_integrated"]!.GetValue<double>().ShouldBe(-16);
        loudness["normalized"]!.GetValue<bool>().ShouldBeTrue();
        loudness["mode"]!.GetValue<string>().ShouldBeOneOf("linear", "dynamic");
        var renditions = status["renditions"]!.AsArray();
        renditions.Select(r => r!["name"]!.GetValue<string>()).ShouldBe(["mp3", "aac", "waveform"]);

        var mp3 = renditions.Single(r => r!["name"]!.GetValue<string>() == "mp3")!;
        var mp3Path = await BlobFileAsync(mp3["key"]!.GetValue<string>());
        var bytes = await File.ReadAllBytesAsync(mp3Path);
        mp3["size_bytes"]!.GetValue<long>().ShouldBe(bytes.Length);
        mp3["key"]!.GetValue<string>().ShouldBe($"media/{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))}.mp3");
        Id3Length(bytes).ShouldBe(mp3["header_bytes"]!.GetValue<long>());
        mp3["header_bytes"]!.GetValue<long>().ShouldBeGreaterThan(10);
        var (integrated, truePeak) = await TestMedia.MeasureAsync(mp3Path);
        integrated.ShouldBeInRange(-17, -15);
        truePeak.ShouldBeLessThanOrEqualTo(-0.5);

        var peaks = JsonNode.Parse(await File.ReadAllTextAsync(await BlobFileAsync(renditions[2]!["key"]!.GetValue<string>())))!;
        peaks["peaks"]!.AsArray().Count.ShouldBe(1000);
        peaks["peaks"]!.AsArray().Max(p => p!.GetValue<double>()).ShouldBeInRange(0.1, 1.0);

        var episode = (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!;
        episode["title"]!.GetValue<string>().ShouldBe("stereo");
        episode["duration_ms"]!.GetValue<long>().ShouldBeInRange(19_900, 20_100);
        episode["file_size_bytes"]!.GetValue<long>().ShouldBe(bytes.Length);
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Upload_MonoMp3WithChapters_MonoTargetChaptersAndCoverArtInId3()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var cover = new ByteArrayContent(await File.ReadAllBytesAsync(await TestMedia.PictureAsync($"art-{Guid.NewGuid():N}.jpg", 1400, 1400)));
        cover.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
        (await owner.Http.SendAsync(HttpMethod.Put, $"/api/v1/podcasts/{podcastId}/cover", cover)).Status.ShouldBe(HttpStatusCode.OK);
        var source = await TestMedia.Mp3WithChaptersAsync("chapters.mp3", 12);
        var episodeId = await new TusTestClient(owner.Http).UploadAsync(podcastId, source);
        var status = await WaitForProcessingAsync(owner, episodeId);
        status["processed_status"]!.GetValue<string>().ShouldBe("ready", status.ToJsonString());
        status["loudness"]!["target_integrated"]!.GetValue<double>().ShouldBe(-19);

        var mp3 = await BlobFileAsync(status["renditions"]![0]!["key"]!.GetValue<string>());
        var (integrated, _) = await TestMedia.MeasureAsync(mp3);
        integrated.ShouldBeInRange(-20, -18);
        var bytes = await File.ReadAllBytesAsync(mp3);
        var found = status["source"]!;
        found["codec"]!.GetValue<string>().ShouldBe("mp3");
        found["channels"]!.GetValue<int>().ShouldBe(1);
        found["tags"]!["title"]!.GetValue<string>().ShouldBe("Source title");
        found["chapters"]!.AsArray().Select(c => c!["title"]!.GetValue<string>()).ShouldBe(["Intro", "Main"]);
        var id3 = System.Text.Encoding.ASCII.GetString(bytes, 0, (int)Id3Length(bytes));
        id3.ShouldContain("CHAP");
        id3.ShouldContain("APIC");
        id3.ShouldContain("TALB");
    }

    [Fact]
    public async Task Upload_PodcastLoudnessPreferences_TargetAndSwitchOffHonoured()
    {
        var owner = await server.SignUpAsync();
        var custom = (await owner.CreatePodcastAsync("Quiet Show"))["id"]!.GetValue<string>();
        (await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{custom}", new { loudness_target_lufs = -20.0 })).Status.ShouldBe(HttpStatusCode.OK);
        var off = (await owner.CreatePodcastAsync("Raw Show"))["id"]!.GetValue<string>();
        (await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{off}", new { normalize_loudness = false })).Body!["normalize_loudness"]!
            .GetValue<bool>().ShouldBeFalse();
        var refused = await owner.Http.PatchJsonAsync($"/api/v1/podcasts/{off}", new { loudness_target_lufs = -3.0 });
        refused.ErrorsFor("loudness_target_lufs").Single().ShouldContain("between -30 and -10 LUFS");

        var source = await TestMedia.AudioAsync("prefs.wav", 10, 2);
        var customEpisode = await new TusTestClient(owner.Http).UploadAsync(custom, source);
        var offEpisode = await new TusTestClient(owner.Http).UploadAsync(off, source);

        var customStatus = await WaitForProcessingAsync(owner, customEpisode);
        customStatus["loudness"]!["target_integrated"]!.GetValue<double>().ShouldBe(-20);
        (await TestMedia.MeasureAsync(await BlobFileAsync(customStatus["renditions"]![0]!["key"]!.GetValue<string>()))).Integrated.ShouldBeInRange(-21, -19);

        var offStatus = await WaitForProcessingAsync(owner, offEpisode);
        var loudness = offStatus["loudness"]!;
        loudness["normalized"]!.GetValue<bool>().ShouldBeFalse();
        var measured = (await TestMedia.MeasureAsync(await BlobFileAsync(offStatus["renditions"]![0]!["key"]!.GetValue<string>()))).Integrated;
        measured.ShouldBeInRange(loudness["input_integrated"]!.GetValue<double>() - 1, loudness["input_integrated"]!.GetValue<double>() + 1);
    }

    [Fact]
    public async Task Upload_Silence_ReadyWithoutNormalising()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var episodeId = await new TusTestClient(owner.Http).UploadAsync(podcastId, await TestMedia.SilenceAsync($"silence-{Guid.NewGuid():N}.wav", 5));
        var status = await WaitForProcessingAsync(owner, episodeId);
        status["processed_status"]!.GetValue<string>().ShouldBe("ready", status.ToJsonString());
        status["loudness"]!["normalized"]!.GetValue<bool>().ShouldBeFalse();
        status["loudness"]!["mode"]!.GetValue<string>().ShouldBe("none");
        status["loudness"]!["input_integrated"].ShouldBeNull();
    }

    [Fact]
    public async Task Start_BadRequests_NamedAndNothingCreated()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var path = $"/api/v1/podcasts/{podcastId}/episodes/upload";
        (await owner.Http.PostJsonAsync(path, new { size = -5 })).ErrorsFor("size").Single().ShouldBe("must be 0 or more bytes");
        (await owner.Http.PostJsonAsync(path, new { filename = "x.mp3" })).ErrorsFor("size").Single().ShouldStartWith("is required");
        (await owner.Http.PostRawAsync(path, "size=5", "application/x-www-form-urlencoded")).ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
        using var oldTus = new HttpRequestMessage(HttpMethod.Post, path);
        oldTus.Headers.Add("Tus-Resumable", "0.2.2");
        oldTus.Headers.Add("Upload-Length", "100");
        using (var refused = await owner.Http.SendAsync(oldTus))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        }

        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}/episodes")).Body!["items"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Terminate_EpisodeAwaitsUploadAgain_ExpiredUploadRefusesChunks()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var tus = new TusTestClient(owner.Http);
        using var created = await tus.CreateAsync(podcastId, 1000);
        var episodeId = created.Headers.GetValues("Airwave-Episode-Id").Single();
        using var terminate = new HttpRequestMessage(HttpMethod.Delete, created.Headers.Location);
        terminate.Headers.Add("Tus-Resumable", "1.0.0");
        (await owner.Http.SendAsync(terminate)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await WaitForStateAsync(owner, episodeId, "awaiting_upload");

        using var second = await tus.CreateAsync(podcastId, 1000, TusTestClient.Metadata(("episodeId", episodeId)));
        second.Headers.GetValues("Airwave-Episode-Id").Single().ShouldBe(episodeId);
        await server.ExecuteSqlAsync("UPDATE uploads SET expires_at = @past WHERE id = @id",
            new { past = DateTimeOffset.UtcNow.AddMinutes(-1), id = Guid.Parse(second.Headers.Location!.Segments[^1]) });
        using var late = await tus.PatchAsync(second.Headers.Location!, 0, new byte[10]);
        late.StatusCode.ShouldBe(HttpStatusCode.Gone);
    }

    [Theory]
    [InlineData("text", "not audio Airwave can read")]
    [InlineData("png", "contains no audio")]
    [InlineData("empty", "The file is empty")]
    [InlineData("truncated", "it is truncated or damaged")]
    [InlineData("lying", "not audio Airwave can read")]
    public async Task Upload_BadFile_FailsWithReason_EpisodeAndPodcastIntact(string kind, string reason)
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync("Intact"))["id"]!.GetValue<string>();
        var file = kind switch
        {
            "text" => await TestMedia.TextAsAsync("notes.mp3"),
            "png" => await TestMedia.PngAsync($"cover-{Guid.NewGuid():N}.png"),
            "empty" => TestMedia.EmptyFile($"empty-{Guid.NewGuid():N}.mp3"),
            "truncated" => await TestMedia.TruncatedAsync(await TestMedia.AudioAsync($"whole-{Guid.NewGuid():N}.mp3", 30, 2, "-c:a libmp3lame -b:a 128k"),
                $"cut-{Guid.NewGuid():N}.mp3", 0.5),
            _ => await TestMedia.LyingHeaderAsync($"lying-{Guid.NewGuid():N}.wav"),
        };

        var episodeId = await new TusTestClient(owner.Http).UploadAsync(podcastId, file);
        var status = await WaitForProcessingAsync(owner, episodeId);

        status["processed_status"]!.GetValue<string>().ShouldBe("failed", status.ToJsonString());
        status["error"]!.GetValue<string>().ShouldContain(reason);
        var episode = (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!;
        episode["processing_error"]!.GetValue<string>().ShouldContain(reason);
        episode["status"]!.GetValue<string>().ShouldBe("draft");
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).ShouldBeProblem(HttpStatusCode.Conflict);
        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}")).Body!["title"]!.GetValue<string>().ShouldBe("Intact");
    }

    [Fact]
    public async Task Upload_ResumesAfterServerRestart_FromAcknowledgedOffset()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var bytes = await File.ReadAllBytesAsync(await TestMedia.AudioAsync("resume.wav", 8, 1));
        var tus = new TusTestClient(owner.Http);
        using var created = await tus.CreateAsync(podcastId, bytes.Length, TusTestClient.Metadata(("filename", "resume.wav")));
        var location = created.Headers.Location!;
        var episodeId = created.Headers.GetValues("Airwave-Episode-Id").Single();
        var half = bytes.Length / 2;
        (await tus.PatchAsync(location, 0, bytes.AsMemory(0, half))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["processed_status"]!.GetValue<string>().ShouldBe("uploading");

        await server.RestartAsync();
        // The restarted server listens on a new port; the upload's path is what lasts.
        location = new Uri(server.BaseAddress, location.AbsolutePath);

        using var again = server.WithToken(owner.AccessToken);
        var resumed = new TusTestClient(again);
        (await resumed.OffsetAsync(location)).ShouldBe(half);
        (await resumed.PatchAsync(location, half, bytes.AsMemory(half))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var status = await WaitForProcessingAsync(owner with { Http = again }, episodeId);
        status["processed_status"]!.GetValue<string>().ShouldBe("ready", status.ToJsonString());
    }

    [Fact]
    public async Task Patch_ProtocolErrors_ChangeNothing()
    {
        var owner = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var tus = new TusTestClient(owner.Http);
        using var created = await tus.CreateAsync(podcastId, 1000);
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        created.Headers.GetValues("Tus-Resumable").Single().ShouldBe("1.0.0");
        created.Headers.Contains("Upload-Expires").ShouldBeTrue();
        var location = created.Headers.Location!;
        var chunk = new byte[100];

        using (var badChecksum = await tus.PatchAsync(location, 0, chunk, checksum: "sha1 " + Convert.ToBase64String(new byte[20])))
        {
            ((int)badChecksum.StatusCode).ShouldBe(460);
        }

        using (var wrongOffset = await tus.PatchAsync(location, 50, chunk))
        {
            wrongOffset.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        }

        using (var tooLong = await tus.PatchAsync(location, 0, new byte[1001]))
        {
            tooLong.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        }

        using (var stranger = await new TusTestClient(other.Http).PatchAsync(location, 0, chunk))
        {
            stranger.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        (await new TusTestClient(other.Http).OffsetAsync(location)).ShouldBeNull();
        using (var noVersion = await owner.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, location)))
        {
            noVersion.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        }

        (await tus.OffsetAsync(location)).ShouldBe(0);
        (await tus.PatchAsync(location, 0, chunk)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await tus.OffsetAsync(location)).ShouldBe(100);

        using var terminate = new HttpRequestMessage(HttpMethod.Delete, location);
        terminate.Headers.Add("Tus-Resumable", "1.0.0");
        (await owner.Http.SendAsync(terminate)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await tus.OffsetAsync(location)).ShouldBeNull();
    }

    [Fact]
    public async Task Create_OverLimitOrNotOwner_Refused()
    {
        var owner = await server.SignUpAsync();
        var other = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        using (var huge = await new TusTestClient(owner.Http).CreateAsync(podcastId, 5L * 1024 * 1024 * 1024))
        {
            huge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        }

        using (var stranger = await new TusTestClient(other.Http).CreateAsync(podcastId, 100))
        {
            stranger.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}/episodes")).Body!["items"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Options_AdvertisesVersionExtensionsAndLimits()
    {
        using var client = server.Client();
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/v1/uploads"));
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        response.Headers.GetValues("Tus-Version").Single().ShouldBe("1.0.0");
        response.Headers.GetValues("Tus-Extension").Single().ShouldBe("creation,creation-with-upload,termination,checksum,expiration");
        response.Headers.GetValues("Tus-Checksum-Algorithm").Single().ShouldBe("sha1");
        long.Parse(response.Headers.GetValues("Tus-Max-Size").Single(), CultureInfo.InvariantCulture).ShouldBe(4L * 1024 * 1024 * 1024);
    }

    [Fact]
    public async Task Reprocess_ReadyEpisode_RunsAgainToReady()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var episodeId = await new TusTestClient(owner.Http).UploadAsync(podcastId, await TestMedia.AudioAsync("again.wav", 5, 1));
        (await WaitForProcessingAsync(owner, episodeId))["processed_status"]!.GetValue<string>().ShouldBe("ready");

        var accepted = await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/reprocess", null);
        accepted.Status.ShouldBe(HttpStatusCode.Accepted);
        (await WaitForProcessingAsync(owner, episodeId))["processed_status"]!.GetValue<string>().ShouldBe("ready");
    }

    [Fact]
    public async Task ProcessingEvents_StreamStatusUntilReady()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var episodeId = await new TusTestClient(owner.Http).UploadAsync(podcastId, await TestMedia.AudioAsync("sse.wav", 6, 2));

        using var stream = await owner.Http.GetStreamAsync(new Uri($"/api/v1/episodes/{episodeId}/processing/events", UriKind.Relative));
        using var reader = new StreamReader(stream);
        var states = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                states.Add(JsonNode.Parse(line[6..])!["processed_status"]!.GetValue<string>());
            }
        }

        // The stream ends by itself once processing is over, with the final state last.
        states.ShouldNotBeEmpty();
        states[^1].ShouldBe("ready");
    }

    [Fact]
    public async Task Expiry_UnfinishedUpload_DeletedAndEpisodeAwaitsUploadAgain()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var tus = new TusTestClient(owner.Http);
        using var created = await tus.CreateAsync(podcastId, 1000, TusTestClient.Metadata(("filename", "never-finished.mp3")));
        var location = created.Headers.Location!;
        var episodeId = created.Headers.GetValues("Airwave-Episode-Id").Single();
        (await tus.PatchAsync(location, 0, new byte[400])).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await server.ExecuteSqlAsync("UPDATE uploads SET expires_at = @past WHERE id = @id",
            new { past = DateTimeOffset.UtcNow.AddMinutes(-1), id = Guid.Parse(location.Segments[^1]) });
        var uploads = server.Services.GetRequiredService<Airwave.Media.Uploads.UploadService>();
        (await uploads.ExpireAsync(CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(1);

        (await tus.OffsetAsync(location)).ShouldBeNull();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string state;
        do
        {
            await Task.Delay(100);
            state = (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["processed_status"]!.GetValue<string>();
        }
        while (state != "awaiting_upload" && DateTime.UtcNow < deadline);
        state.ShouldBe("awaiting_upload");
    }

    /// <summary>A local copy of a stored blob, whichever storage the server uses.</summary>
    private async Task<string> BlobFileAsync(string key)
    {
        var path = Path.Combine(Path.GetTempPath(), $"airwave-blob-{Guid.NewGuid():N}{Path.GetExtension(key)}");
        await server.Services.GetRequiredService<Airwave.Core.Storage.IBlobStore>().DownloadToFileAsync(key, path, CancellationToken.None);
        return path;
    }

    private static long Id3Length(byte[] bytes) =>
        bytes.Length >= 10 && bytes[0] == 'I' && bytes[1] == 'D' && bytes[2] == '3'
            ? 10 + ((bytes[6] << 21) | (bytes[7] << 14) | (bytes[8] << 7) | bytes[9]) + ((bytes[5] & 0x10) != 0 ? 10 : 0)
            : 0;

    private static async Task WaitForStateAsync(TestUser owner, string episodeId, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string state;
        do
        {
            await Task.Delay(100);
            state = (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["processed_status"]!.GetValue<string>();
        }
        while (state != expected && DateTime.UtcNow < deadline);
        state.ShouldBe(expected);
    }

    internal static async Task<JsonNode> WaitForProcessingAsync(TestUser owner, string episodeId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var status = (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}/processing")).Body!;
            var state = status["processed_status"]!.GetValue<string>();
            if (state is "ready" or "failed" || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Delay(200);
        }
    }
}

public sealed class SqliteEpisodeUploadTests(SqliteServer server) : EpisodeUploadTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresEpisodeUploadTests(PostgresServer server) : EpisodeUploadTests(server), IClassFixture<PostgresServer>;

/// <summary>Everything above again with S3-compatible storage (s3rver) instead of the local disk.</summary>
public sealed class S3EpisodeUploadTests(SqliteS3Server server) : EpisodeUploadTests(server), IClassFixture<SqliteS3Server>;

/// <summary>Direct-to-storage uploads are an S3 feature; with local storage the server says so.</summary>
public sealed class LocalStorageUploadTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task DirectUpload_WithoutS3_RefusedBeforeAnythingIsCreated()
    {
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var refused = await owner.Http.PostJsonAsync($"/api/v1/podcasts/{podcastId}/episodes/upload", new { size = 1000, direct = true });
        refused.ErrorsFor("direct").Single().ShouldContain("S3-compatible storage");
        (await owner.Http.GetJsonAsync($"/api/v1/podcasts/{podcastId}/episodes")).Body!["items"]!.AsArray().Count.ShouldBe(0);
    }
}
