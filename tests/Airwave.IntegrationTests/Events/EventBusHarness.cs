using System.Collections.Concurrent;
using System.Data.Common;
using Airwave.Core.Data;
using Airwave.Core.Events;
using Airwave.Core.Events.RabbitMq;
using Airwave.Core.Hosting;
using Airwave.IntegrationTests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Airwave.IntegrationTests.Events;

/// <summary>An ordinary event, consumed from a group queue.</summary>
public sealed record Pinged(Guid Id, DateTimeOffset OccurredAt, int Number) : IEvent
{
    public static Pinged New(int number) => new(Guid.CreateVersion7(), DateTimeOffset.UtcNow, number);
}

/// <summary>A high-volume event, sent over the stream.</summary>
public sealed record Played(Guid Id, DateTimeOffset OccurredAt, int Number) : IEvent
{
    public static Played New(int number) => new(Guid.CreateVersion7(), DateTimeOffset.UtcNow, number);
}

/// <summary>Counts every call (a plain handler: idempotent by contract); fails for the numbers in <see cref="Failing"/>.</summary>
public sealed class PingCounter : IEventHandler<Pinged>
{
    public ConcurrentDictionary<int, int> Calls { get; } = new();

    public ConcurrentDictionary<int, bool> Failing { get; } = new();

    public Task HandleAsync(Pinged @event, CancellationToken cancellationToken)
    {
        Calls.AddOrUpdate(@event.Number, 1, (_, n) => n + 1);
        return Failing.ContainsKey(@event.Number)
            ? throw new InvalidOperationException($"ping {@event.Number} always fails")
            : Task.CompletedTask;
    }
}

/// <summary>Writes one row per handled event in the consumer's transaction: duplicates would show as extra rows.</summary>
public sealed class Tally : ITransactionalEventHandler<Pinged>, ITransactionalEventHandler<Played>
{
    public Task HandleAsync(Pinged @event, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        InsertAsync("ping", @event.Id, @event.Number, connection, transaction, cancellationToken);

    public Task HandleAsync(Played @event, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        InsertAsync("play", @event.Id, @event.Number, connection, transaction, cancellationToken);

    private static Task<int> InsertAsync(string kind, Guid id, int number, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("INSERT INTO test_tally (kind, event_id, number) VALUES (@kind, @id, @number)",
            new { kind, id = id.ToString(), number }, transaction, cancellationToken: cancellationToken));
}

/// <summary>
/// The event bus as a process wires it (the real relay, dispatcher, RabbitMQ transport and consumers, on a real
/// database and broker), without the HTTP server: tests write events to the outbox and watch handlers.
/// Groups: "pings" (a plain counter, worker role), "tally" (transactional, worker role) and "analytics"
/// (transactional, analytics role, reads <see cref="Played"/> from the stream).
/// </summary>
public sealed class EventBusHarness : IAsyncDisposable
{
    private readonly TestDatabase _testDatabase;
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _started = [];

    private EventBusHarness(TestDatabase testDatabase, ServiceProvider services, string prefix)
    {
        _testDatabase = testDatabase;
        _services = services;
        Prefix = prefix;
    }

    public string Prefix { get; }

    public RabbitMqNames Names => new(Prefix);

    public Database Database => _services.GetRequiredService<Database>();

    public PingCounter Counter => _services.GetRequiredService<PingCounter>();

    public OutboxRelay Relay => _services.GetRequiredService<OutboxRelay>();

    public static async Task<EventBusHarness> CreateAsync(string provider, ServerRoles roles = ServerRoles.All, int maxDeliveries = 3,
        string transport = "rabbitmq", TimeSpan? batchWait = null)
    {
        var testDatabase = await TestDatabase.CreateAsync(provider);
        var prefix = $"test-{Guid.NewGuid():N}"[..17];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Events:Transport"] = transport,
            ["Events:RabbitMq:Uri"] = transport == "rabbitmq" ? TestRabbitMq.Uri : "amqp://127.0.0.1/",
            ["Events:RabbitMq:Prefix"] = prefix,
            ["Events:RabbitMq:MaxDeliveries"] = maxDeliveries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Events:RabbitMq:Prefetch"] = "20",
            ["Events:ConsumerBatchWait"] = (batchWait ?? TimeSpan.FromMilliseconds(50)).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new Database(SqlDialect.FromProvider(provider), testDatabase.ConnectionString));
        services.AddAirwaveEvents();
        services.AddSingleton<PingCounter>();
        services.AddEventHandler<Pinged, PingCounter>(new EventConsumer("pings", ServerRoles.Worker));
        services.AddEventHandler<Pinged, Tally>(new EventConsumer("tally", ServerRoles.Worker));
        services.AddEventHandler<Played, Tally>(EventConsumer.Analytics);
        services.AddEventStream<Played>();
        services.AddAirwaveRoles(roles);
        var built = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var database = built.GetRequiredService<Database>();
        await new Migrator(database, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("CREATE TABLE test_tally (kind TEXT NOT NULL, event_id TEXT NOT NULL, number INTEGER NOT NULL)");
        }

        return new EventBusHarness(testDatabase, built, prefix);
    }

    /// <summary>Writes the events to the outbox in one transaction, as a request would.</summary>
    public async Task AppendAsync(params IEvent[] events)
    {
        await Database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var @event in events)
            {
                await EventOutbox.AppendAsync(connection, transaction, @event, CancellationToken.None);
            }

            return 0;
        }, CancellationToken.None);
        _services.GetRequiredService<EventOutbox>().Wake();
    }

    /// <summary>Relays everything due now (the test's own relay round, not the background loop).</summary>
    public async Task RelayAllAsync()
    {
        while (await Relay.DeliverDueAsync(CancellationToken.None) > 0)
        {
        }
    }

    /// <summary>Starts the consumers (and the relay's background loop when <paramref name="relay"/>), as a host would.</summary>
    public async Task StartAsync(bool relay = false)
    {
        var consumers = _services.GetServices<IHostedService>().Single(s => s.GetType().Name == "RabbitMqConsumers");
        await consumers.StartAsync(CancellationToken.None);
        _started.Add(consumers);
        if (relay)
        {
            await Relay.StartAsync(CancellationToken.None);
            _started.Add(Relay);
        }
    }

    public async Task StopAsync()
    {
        foreach (var service in Enumerable.Reverse(_started))
        {
            await service.StopAsync(CancellationToken.None);
        }

        _started.Clear();
    }

    public async Task<long> CountAsync(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>(sql, parameters);
    }

    public async Task ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>Rows in test_tally per number for one kind: every value 1 means each event was handled exactly once.</summary>
    public async Task<Dictionary<int, int>> TallyAsync(string kind)
    {
        await using var connection = await Database.OpenAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<(long Number, long Count)>(
            "SELECT number, COUNT(*) FROM test_tally WHERE kind = @kind GROUP BY number", new { kind });
        return rows.ToDictionary(r => (int)r.Number, r => (int)r.Count);
    }

    /// <summary>Waits (polling) until <paramref name="condition"/> holds; fails after a generous limit, never on speed.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still waiting for {what} after {seconds} s.");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _services.DisposeAsync();
        try
        {
            string[] groups = ["pings", "tally", "analytics"];
            await TestRabbitMq.DeleteAsync(
                [.. groups.Select(Names.Queue), .. groups.Select(Names.DeadQueue), Names.Stream],
                [Names.Exchange, Names.DeadExchange]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The broker may be away in a failed test; the prefix is unique, nothing else uses these names.
        }

        await _testDatabase.DisposeAsync();
    }
}
