using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Airwave.IntegrationTests.Infrastructure;

/// <summary>The built executable run as an operator runs it, on a free loopback port.</summary>
public static class ServerProcess
{
    /// <summary>Starts <c>airwave ARGS</c>; output is drained unless <paramref name="captureOutput"/> keeps it for the test.</summary>
    public static Process Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? stdin = null,
        bool captureOutput = false)
    {
        // Through env, which starts dotnet with SIGINT at its default: a shell without job control starts background
        // commands with SIGINT ignored, all their descendants inherit that, and a .NET process then never sees the
        // Ctrl-C that Interrupt sends. How the test run was started must not decide what the tests see.
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(RepositoryPaths.ServerDll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["AIRWAVE_Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!captureOutput)
        {
            // A server that logs into a full pipe would block; nobody reads these.
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        return process;
    }

    public static async Task<HttpClient> WaitUntilReadyAsync(int port, Process server)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            server.HasExited.ShouldBeFalse($"the server exited with code {(server.HasExited ? server.ExitCode : 0)}");
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

    /// <summary>Sends SIGINT, as Ctrl-C in a terminal does.</summary>
    public static void Interrupt(Process process) => kill(process.Id, SigInt).ShouldBe(0);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private const int SigInt = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
