using System.Diagnostics;
using System.Net;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Media;

/// <summary>
/// The real executable is killed (SIGKILL, no chance to clean up) while it encodes an episode. Nothing is
/// published half-way; after a restart the job is claimed again once its lease runs out and finishes exactly once.
/// </summary>
public sealed class ProcessingCrashTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("airwave-crash-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task KilledMidJob_RestartedServerFinishesTheJobOnce()
    {
        var port = ServerProcess.FreePort();
        var source = await TestMedia.AudioAsync("long.wav", 20 * 60, 1);
        string episodeId;
        string token;
        using (var server = Start(port))
        {
            using var client = await ServerProcess.WaitUntilReadyAsync(port, server);
            token = await SignUpAsync(client);
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var podcast = await client.PostJsonAsync("/api/v1/podcasts", Api.ValidPodcast());
            episodeId = await new TusTestClient(client).UploadAsync(podcast.Body!["id"]!.GetValue<string>(), source, 8 * 1024 * 1024);

            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var status = (await client.GetJsonAsync($"/api/v1/episodes/{episodeId}/processing")).Body!;
                status["processed_status"]!.GetValue<string>().ShouldNotBe("ready", "the job finished before it could be interrupted");
                if (status["percent"]!.GetValue<int>() >= 5)
                {
                    break;
                }

                DateTime.UtcNow.ShouldBeLessThan(deadline);
                await Task.Delay(100);
            }

            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }

        // Nothing of the interrupted run was published.
        Directory.Exists(Path.Combine(_dataDirectory, "blobs", "media")).ShouldBeFalse();

        using (var server = Start(port))
        {
            using var client = await ServerProcess.WaitUntilReadyAsync(port, server);
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var deadline = DateTime.UtcNow.AddSeconds(120);
            System.Text.Json.Nodes.JsonNode status;
            do
            {
                await Task.Delay(250);
                status = (await client.GetJsonAsync($"/api/v1/episodes/{episodeId}/processing")).Body!;
            }
            while (status["processed_status"]!.GetValue<string>() is not ("ready" or "failed") && DateTime.UtcNow < deadline);

            status["processed_status"]!.GetValue<string>().ShouldBe("ready", status.ToJsonString());
            status["attempts"]!.GetValue<int>().ShouldBe(2);
            Directory.GetFiles(Path.Combine(_dataDirectory, "blobs", "media")).Length.ShouldBe(3);
            server.Kill(entireProcessTree: true);
        }
    }

    private Process Start(int port) =>
        ServerProcess.Start(["run", "--urls", $"http://127.0.0.1:{port}", "--data-dir", _dataDirectory],
            // A short lease so the restarted server reclaims the dead worker's job within seconds.
            new Dictionary<string, string> { ["AIRWAVE_Jobs__Lease"] = "00:00:04" });

    private static async Task<string> SignUpAsync(HttpClient client)
    {
        var email = $"crash-{Guid.NewGuid():N}@example.com";
        (await client.PostJsonAsync("/api/v1/users/register", new { email, password = Api.Password, display_name = "C", role = "creator" }))
            .Status.ShouldBe(HttpStatusCode.Created);
        return (await client.PostJsonAsync("/api/v1/auth/login", new { email, password = Api.Password })).Body!["access_token"]!.GetValue<string>();
    }
}
