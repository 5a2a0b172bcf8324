using System.Diagnostics;
using System.Net;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Media;

/// <summary>
/// The reference tus client (tus-js-client, tests/tus-client) uploads a real file, is killed half-way, is started
/// again with the upload URL, resumes from the server's offset and finishes; the episode ends ready.
/// </summary>
public sealed class TusJsClientTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private static readonly string Script = Path.Combine(RepositoryPaths.Root, "tests", "tus-client", "upload.mjs");

    [Fact]
    public async Task TusJsClient_KilledHalfWay_ResumesAndEpisodeBecomesReady()
    {
        File.Exists(Path.Combine(RepositoryPaths.Root, "tests", "tus-client", "node_modules", "tus-js-client", "package.json"))
            .ShouldBeTrue("tus-js-client is not installed; ./airwave test installs it (npm ci in tests/tus-client)");
        var owner = await server.SignUpAsync();
        var podcastId = (await owner.CreatePodcastAsync())["id"]!.GetValue<string>();
        var file = await TestMedia.AudioAsync("tus-js.wav", 15, 2);
        var endpoint = new Uri(server.BaseAddress, $"/api/v1/podcasts/{podcastId}/episodes/upload").ToString();

        string? url = null;
        string? episodeId = null;
        using (var first = Start(endpoint, owner.AccessToken, file))
        {
            while (await first.StandardOutput.ReadLineAsync() is { } line)
            {
                url = line.StartsWith("url ", StringComparison.Ordinal) ? line[4..] : url;
                episodeId = line.StartsWith("episode ", StringComparison.Ordinal) ? line[8..] : episodeId;
                if (line.StartsWith("progress ", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ');
                    if (long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) * 2 >= long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture))
                    {
                        first.Kill(entireProcessTree: true);
                        break;
                    }
                }
            }

            await first.WaitForExitAsync();
        }

        url.ShouldNotBeNull();
        episodeId.ShouldNotBeNull();
        // The chunk that was in flight when the client died is still being stored (the server keeps what arrived):
        // wait until the offset stops moving, or the resumed client may start after a later offset than this one.
        var tus = new TusTestClient(owner.Http);
        var offset = await tus.OffsetAsync(new Uri(url));
        for (var settled = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < settled;)
        {
            await Task.Delay(300);
            var again = await tus.OffsetAsync(new Uri(url));
            if (again == offset)
            {
                break;
            }

            offset = again;
        }

        offset.ShouldNotBeNull();
        offset.Value.ShouldBeGreaterThan(0);
        offset.Value.ShouldBeLessThan(new FileInfo(file).Length);

        using (var second = Start(endpoint, owner.AccessToken, file, url))
        {
            var output = await second.StandardOutput.ReadToEndAsync();
            await second.WaitForExitAsync();
            second.ExitCode.ShouldBe(0, output + await second.StandardError.ReadToEndAsync());
            output.ShouldContain("done");
            // It resumed: the second run's first progress report starts at the server's offset, not at zero.
            var firstProgress = output.Split('\n').First(l => l.StartsWith("progress ", StringComparison.Ordinal)).Split(' ')[1];
            long.Parse(firstProgress, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(offset.Value);
        }

        var deadline = DateTime.UtcNow.AddSeconds(90);
        string state;
        do
        {
            await Task.Delay(250);
            state = (await owner.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["processed_status"]!.GetValue<string>();
        }
        while (state is not ("ready" or "failed") && DateTime.UtcNow < deadline);

        state.ShouldBe("ready");
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{episodeId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
    }

    private static Process Start(string endpoint, string token, string file, string? resumeUrl = null)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Script, endpoint, token, file, resumeUrl ?? "" })
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info)!;
    }
}
