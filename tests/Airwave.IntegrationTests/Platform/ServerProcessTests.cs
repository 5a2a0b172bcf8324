using System.Diagnostics;
using System.Net;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Platform;

/// <summary>
/// The built executable as an operator runs it: `airwave run`, Ctrl-C (SIGINT) for a clean stop, a restart that
/// keeps everything, and the `users create-admin` verb reading the password from standard input.
/// </summary>
public sealed class ServerProcessTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("airwave-process-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Run_CtrlCStopsCleanly_RestartKeepsData_CreateAdminWorks()
    {
        var port = ServerProcess.FreePort();
        var email = $"proc-{Guid.NewGuid():N}@example.com";

        using (var server = Start($"run --urls http://127.0.0.1:{port} --data-dir {_dataDirectory}"))
        {
            using var client = await WaitUntilReadyAsync(port, server);
            var registered = await client.PostJsonAsync("/api/v1/users/register",
                new { email, password = Api.Password, display_name = "Proc", role = "creator" });
            registered.Status.ShouldBe(HttpStatusCode.Created);
            await InterruptAsync(server);
            server.ExitCode.ShouldBe(0);
        }

        using (var admin = Start($"users create-admin --email root-{email} --data-dir {_dataDirectory}", stdin: Api.Password + "\n"))
        {
            await admin.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            admin.ExitCode.ShouldBe(0, await admin.StandardError.ReadToEndAsync());
        }

        using (var server = Start($"run --urls http://127.0.0.1:{port} --data-dir {_dataDirectory}"))
        {
            using var client = await WaitUntilReadyAsync(port, server);
            (await client.PostJsonAsync("/api/v1/auth/login", new { email, password = Api.Password })).Status.ShouldBe(HttpStatusCode.OK);
            var admin = await client.PostJsonAsync("/api/v1/auth/login", new { email = $"root-{email}", password = Api.Password });
            admin.Status.ShouldBe(HttpStatusCode.OK);
            await InterruptAsync(server);
        }
    }

    [Fact]
    public async Task Help_ListsTheVerbs()
    {
        using var help = Start("--help");
        var output = await help.StandardOutput.ReadToEndAsync();
        await help.WaitForExitAsync();
        output.ShouldContain("run");
        output.ShouldContain("migrate");
        output.ShouldContain("users");
    }

    private static Process Start(string arguments, string? stdin = null) =>
        ServerProcess.Start(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries), stdin: stdin, captureOutput: true);

    private static Task<HttpClient> WaitUntilReadyAsync(int port, Process server) => ServerProcess.WaitUntilReadyAsync(port, server);

    private static async Task InterruptAsync(Process server)
    {
        ServerProcess.Interrupt(server);
        await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }
}
