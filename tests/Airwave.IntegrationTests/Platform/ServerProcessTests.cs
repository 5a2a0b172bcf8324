using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
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
        var port = FreePort();
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

    private static Process Start(string arguments, string? stdin = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(RepositoryPaths.ServerDll);
        foreach (var argument in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["AIRWAVE_Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        return process;
    }

    private static async Task<HttpClient> WaitUntilReadyAsync(int port, Process server)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            server.HasExited.ShouldBeFalse(await ErrorsOf(server));
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

        throw new TimeoutException("The server did not become ready within 60 seconds.");
    }

    private static async Task InterruptAsync(Process server)
    {
        kill(server.Id, SigInt).ShouldBe(0);
        await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task<string> ErrorsOf(Process process) =>
        process.HasExited ? await process.StandardError.ReadToEndAsync() : "";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private const int SigInt = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
