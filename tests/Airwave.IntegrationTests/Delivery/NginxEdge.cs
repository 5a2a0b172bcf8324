using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Delivery;

/// <summary>
/// Airwave (SQLite, local media) behind its own nginx, started from deploy/nginx as an operator would render it: its
/// own prefix, a free port, a temporary cache, in the foreground (daemon off), never the system's nginx service. Airwave
/// trusts the edge (127.0.0.1) as a proxy, requires signed media URLs and redirects listeners to the edge (CdnBaseUrl).
/// </summary>
public sealed class NginxEdgeServer : ServerFixture
{
    private readonly int _edgePort = FreePort();
    private readonly string _root = CreateOpenDirectory();
    private Process? _nginx;
    private string _nginxPath = "nginx";

    public Uri EdgeAddress => new($"http://127.0.0.1:{_edgePort}");

    /// <summary>The edge's access log: one JSON object per line, the analytics importer's input.</summary>
    public string AccessLogPath => Path.Combine(_root, "logs", "access.json.log");

    protected override string Provider => "sqlite";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Server:TrustedProxies"] = "127.0.0.1",
        ["Delivery:SigningKey"] = DeliveryKit.SigningKey,
        ["Delivery:RequireSignedUrls"] = "true",
        ["Delivery:CdnBaseUrl"] = EdgeAddress.ToString(),
    };

    public HttpClient Edge() => new(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = EdgeAddress };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var nginx = _nginxPath = new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx is not installed. Run the tests with ./airwave test, which installs nginx and libnginx-mod-http-js.");
        foreach (var folder in new[] { "cache", "state", "logs", "conf" })
        {
            CreateOpenDirectory(Path.Combine(_root, folder));
        }

        await RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "deploy", "nginx", "render.sh"), Path.Combine(_root, "conf")], new Dictionary<string, string>
        {
            ["AIRWAVE_SIGNING_KEY"] = DeliveryKit.SigningKey,
            ["EDGE_REQUIRE_SIGNED_URLS"] = "1",
            ["EDGE_LISTEN"] = $"127.0.0.1:{_edgePort}",
            ["EDGE_UPSTREAM"] = $"127.0.0.1:{BaseAddress.Port}",
            ["EDGE_CACHE_DIR"] = Path.Combine(_root, "cache"),
            ["EDGE_CACHE_MAX_SIZE"] = "1g",
            ["EDGE_STATE_DIR"] = Path.Combine(_root, "state"),
            ["EDGE_LOG_DIR"] = Path.Combine(_root, "logs"),
        });
        var config = Path.Combine(_root, "conf", "nginx.conf");
        await RunAsync(nginx, ["-t", "-q", "-p", _root, "-c", config], []);

        var start = new ProcessStartInfo(nginx) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-p", _root, "-c", config, "-g", "daemon off;" })
        {
            start.ArgumentList.Add(argument);
        }

        _nginx = Process.Start(start)!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await AcceptsAsync(_edgePort))
        {
            if (_nginx.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"nginx did not start: {await _nginx.StandardError.ReadToEndAsync()}");
            }

            await Task.Delay(50);
        }
    }

    public override async Task DisposeAsync()
    {
        if (_nginx is { HasExited: false })
        {
            // SIGTERM through nginx's own signal option: the master stops its workers, which SIGKILL would orphan.
            await RunAsync(_nginxPath, ["-p", _root, "-c", Path.Combine(_root, "conf", "nginx.conf"), "-s", "stop"], [],
                check: false);
            using var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _nginx.WaitForExitAsync(stopped.Token);
            }
            catch (OperationCanceledException)
            {
                _nginx.Kill(entireProcessTree: true);
            }
        }

        _nginx?.Dispose();
        await base.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A directory nginx's workers (an unprivileged user when the tests run as root) can write to.</summary>
    private static string CreateOpenDirectory(string? path = null)
    {
        path ??= Directory.CreateTempSubdirectory("airwave-edge-").FullName;
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
        }

        return path;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task RunAsync(string file, string[] arguments, Dictionary<string, string> environment, bool check = true)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await errors}");
        }
    }
}
