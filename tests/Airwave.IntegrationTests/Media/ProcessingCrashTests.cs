using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
        var port = FreePort();
        var source = await TestMedia.AudioAsync("long.wav", 20 * 60, 1);
        string episodeId;
        string token;
        using (var server = Start(port))
        {
            using var client = await WaitUntilReadyAsync(port);
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
            using var client = await WaitUntilReadyAsync(port);
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

    private Process Start(int port)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { RepositoryPaths.ServerDll, "run", "--urls", $"http://127.0.0.1:{port}", "--data-dir", _dataDirectory })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["AIRWAVE_Logging__LogLevel__Default"] = "Warning";
        // A short lease so the restarted server reclaims the dead worker's job within seconds.
        info.Environment["AIRWAVE_Jobs__Lease"] = "00:00:04";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<string> SignUpAsync(HttpClient client)
    {
        var email = $"crash-{Guid.NewGuid():N}@example.com";
        (await client.PostJsonAsync("/api/v1/users/register", new { email, password = Api.Password, display_name = "C", role = "creator" }))
            .Status.ShouldBe(HttpStatusCode.Created);
        return (await client.PostJsonAsync("/api/v1/auth/login", new { email, password = Api.Password })).Body!["access_token"]!.GetValue<string>();
    }

    private static async Task<HttpClient> WaitUntilReadyAsync(int port)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var ready = await client.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (ready.IsSuccessStatusCode)
                {
                    return client;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The server did not become ready.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
