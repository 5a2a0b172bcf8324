using Airwave.Core.Data;
using Airwave.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Infrastructure;

/// <summary>
/// The real server (the same composition root `airwave run` uses) on a loopback port with its own database and
/// data directory, shared by the tests of one class. Tests isolate themselves by signing up their own users.
/// </summary>
public abstract class ServerFixture : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("airwave-data-").FullName;
    private WebApplication? _app;

    protected abstract string Provider { get; }

    /// <summary>Settings on top of the defaults; a fixture that tests a limit sets it here.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public TestDatabase Database { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The server's data directory (blobs, uploads, keys).</summary>
    public string DataDirectory => _dataDirectory;

    public IServiceProvider Services => _app!.Services;

    public virtual async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(Provider);
        await StartAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await StopAsync();
        await Database.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>Stops the server and starts a new one on the same database and data directory.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public HttpClient Client() => new() { BaseAddress = BaseAddress };

    /// <summary>Runs SQL against the server's database, for arranging states no public API can reach yet.</summary>
    public async Task ExecuteSqlAsync(string sql, object parameters)
    {
        var database = Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await Dapper.SqlMapper.ExecuteAsync(connection, sql, parameters);
    }

    /// <summary>A count read straight from the server's database, for what no API shows (e.g. events in the outbox).</summary>
    public async Task<long> CountSqlAsync(string sql, object parameters)
    {
        var database = Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, sql, parameters);
    }

    /// <summary>
    /// Waits (up to 30 s) until the delivery log holds at least <paramref name="atLeast"/> rows matching
    /// <paramref name="where"/> and returns their count: a row is queued when its response has ended on the server,
    /// which can be just after the client has seen the end.
    /// </summary>
    public async Task<long> WaitForDeliveryLogAsync(string where, object parameters, int atLeast = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await Services.GetRequiredService<Airwave.Delivery.Log.DeliveryLogWriter>().FlushAsync(CancellationToken.None);
            var count = await CountSqlAsync($"SELECT COUNT(*) FROM delivery_log WHERE {where}", parameters);
            if (count >= atLeast || DateTime.UtcNow > deadline)
            {
                return count;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Starts another instance of the server on the same database (and the same settings, storage included) with a
    /// data directory of its own, as a second API instance behind a load balancer: what it knows, it must get from
    /// the database or the storage, never from the first instance's disk.
    /// </summary>
    public async Task<ServerInstance> StartInstanceAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var directory = Directory.CreateTempSubdirectory("airwave-data-").FullName;
        var app = AirwaveApp.Build(Overrides(directory, settings));
        await app.StartAsync();
        return new ServerInstance(app, directory);
    }

    private Dictionary<string, string?> Overrides(string dataDirectory, IReadOnlyDictionary<string, string?>? extra)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Server:DataDirectory"] = dataDirectory,
            ["Database:Provider"] = Database.Provider,
            ["Database:ConnectionString"] = Database.ConnectionString,
            ["Accounts:AuthAttemptsPerMinute"] = "100000",
            // Tests serve feeds and audio to import from loopback sites.
            ["Import:AllowPrivateNetworks"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in Settings.Concat(extra ?? new Dictionary<string, string?>()))
        {
            overrides[key] = value;
        }

        return overrides;
    }

    private async Task StartAsync()
    {
        _app = AirwaveApp.Build(Overrides(_dataDirectory, null));
        await AirwaveApp.MigrateIfConfiguredAsync(_app, CancellationToken.None);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address);
    }

    private async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }
}

/// <summary>A second (third, …) instance started by <see cref="ServerFixture.StartInstanceAsync"/>; disposing stops it.</summary>
public sealed class ServerInstance : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private WebApplication? _app;

    internal ServerInstance(WebApplication app, string dataDirectory)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app!.Services;

    public HttpClient Client() => new() { BaseAddress = BaseAddress };

    /// <summary>
    /// Stops the instance without waiting for requests in flight (they are cut off, as a crash would cut them off);
    /// its data directory stays until disposal.
    /// </summary>
    public async Task KillAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(new CancellationToken(canceled: true));
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}

public sealed class SqliteServer : ServerFixture
{
    protected override string Provider => "sqlite";
}

public sealed class PostgresServer : ServerFixture
{
    protected override string Provider => "postgres";
}

/// <summary>A server with its blobs in a bucket of its own on the test S3 server, made before the server starts and removed after it stops.</summary>
public abstract class S3ServerFixture : ServerFixture
{
    public TestS3Bucket Bucket { get; } = new();

    public override async Task InitializeAsync()
    {
        await Bucket.InitializeAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Bucket.DisposeAsync();
    }
}

/// <summary>The server on SQLite with its blobs in a bucket of its own on the test S3 server, under a key prefix.</summary>
public sealed class SqliteS3Server : S3ServerFixture
{
    public const string Prefix = "airwave";

    protected override string Provider => "sqlite";

    protected override IReadOnlyDictionary<string, string?> Settings => Bucket.Settings(Prefix);
}

/// <summary>The server on PostgreSQL with its blobs in a bucket of its own on the test S3 server: the scale-out shape.</summary>
public sealed class PostgresS3Server : S3ServerFixture
{
    protected override string Provider => "postgres";

    protected override IReadOnlyDictionary<string, string?> Settings => Bucket.Settings(SqliteS3Server.Prefix);
}
