using System.Diagnostics;
using System.Net;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Admin;

/// <summary>
/// `airwave admin takedown|restore` as an operator runs it: the built executable on the data folder of a stopped
/// server. The takedown is what the API does (the feed answers 410 when the server is back), the record names the
/// admin given with --by, and bad input, unknown ids and non-admins are refused with a reason and exit code 1.
/// </summary>
public sealed class AdminCommandTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("airwave-admin-cli-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Takedown_FromTheCommandLine_FeedGoneUntilRestored()
    {
        var port = ServerProcess.FreePort();
        string podcastId;
        using (var server = Start("run", "--urls", $"http://127.0.0.1:{port}", "--data-dir", _dataDirectory))
        {
            using var client = await ServerProcess.WaitUntilReadyAsync(port, server);
            var email = $"cli-{Guid.NewGuid():N}@example.com";
            (await client.PostJsonAsync("/api/v1/users/register", new { email, password = Api.Password, display_name = "Cli", role = "creator" }))
                .Status.ShouldBe(HttpStatusCode.Created);
            var login = await client.PostJsonAsync("/api/v1/auth/login", new { email, password = Api.Password });
            client.DefaultRequestHeaders.Authorization = new("Bearer", login.Body!["access_token"]!.GetValue<string>());
            podcastId = (await client.PostJsonAsync("/api/v1/podcasts", Api.ValidPodcast("CLI Show"))).Body!["id"]!.GetValue<string>();
            (await client.PostJsonAsync($"/api/v1/podcasts/{podcastId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
            await StopAsync(server);
        }

        using (var admin = Start(["users", "create-admin", "--email", "ops@example.com", "--data-dir", _dataDirectory], Api.Password + "\n"))
        {
            await admin.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            admin.ExitCode.ShouldBe(0);
        }

        // Refusals: unknown id, bad kind, someone who is not an admin.
        var unknown = await RunAsync("admin", "takedown", Guid.NewGuid().ToString(), "--podcast", "--kind", "dmca", "--reason", "x", "--by", "ops@example.com");
        unknown.ExitCode.ShouldBe(1);
        unknown.Errors.ShouldContain("There is no podcast");
        var badKind = await RunAsync("admin", "takedown", podcastId, "--podcast", "--kind", "copyright", "--reason", "x", "--by", "ops@example.com");
        badKind.ExitCode.ShouldBe(1);
        badKind.Errors.ShouldContain("--kind: 'copyright' is not a kind");
        var notAdmin = await RunAsync("admin", "takedown", podcastId, "--podcast", "--kind", "dmca", "--reason", "x", "--by", "nobody@example.com");
        notAdmin.ExitCode.ShouldBe(1);
        notAdmin.Errors.ShouldContain("no active admin account");

        var takedown = await RunAsync("admin", "takedown", podcastId, "--podcast", "--kind", "abuse", "--reason", "Reported spam", "--by", "OPS@example.com");
        takedown.ExitCode.ShouldBe(0, takedown.Output + takedown.Errors);
        takedown.Output.ShouldContain($"Took down podcast {podcastId} ('CLI Show'), abuse: Reported spam.");
        var twice = await RunAsync("admin", "takedown", podcastId, "--podcast", "--kind", "abuse", "--reason", "again", "--by", "ops@example.com");
        twice.ExitCode.ShouldBe(1);
        twice.Errors.ShouldContain("taken down already");

        using (var server = Start("run", "--urls", $"http://127.0.0.1:{port}", "--data-dir", _dataDirectory))
        {
            using var client = await ServerProcess.WaitUntilReadyAsync(port, server);
            (await client.GetJsonAsync($"/rss/{podcastId}")).ShouldBeProblem(HttpStatusCode.Gone);
            await StopAsync(server);
        }

        var restore = await RunAsync("admin", "restore", podcastId, "--podcast", "--reason", "Reviewed", "--by", "ops@example.com");
        restore.ExitCode.ShouldBe(0, restore.Output + restore.Errors);
        restore.Output.ShouldContain($"Restored podcast {podcastId}");

        using (var server = Start("run", "--urls", $"http://127.0.0.1:{port}", "--data-dir", _dataDirectory))
        {
            using var client = await ServerProcess.WaitUntilReadyAsync(port, server);
            (await client.GetAsync(new Uri($"/rss/{podcastId}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
            await StopAsync(server);
        }
    }

    private static Process Start(params string[] arguments) => ServerProcess.Start(arguments, captureOutput: true);

    private static Process Start(string[] arguments, string stdin) => ServerProcess.Start(arguments, stdin: stdin, captureOutput: true);

    private static async Task StopAsync(Process server)
    {
        ServerProcess.Interrupt(server);
        await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Runs a verb on this test's data folder.</summary>
    private async Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] arguments)
    {
        using var process = Start([.. arguments, "--data-dir", _dataDirectory]);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (process.ExitCode, await output, await errors);
    }
}
