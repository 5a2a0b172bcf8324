using System.Data.Common;
using System.Text.Json;
using Airwave.Core.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.Core.Events;

/// <summary>
/// Something that happened, named in the past tense (<c>MediaUploaded</c>). Written to the outbox in the same
/// transaction as the change it reports; delivered to handlers at least once, so handlers are idempotent.
/// </summary>
public interface IEvent
{
    Guid Id { get; }

    DateTimeOffset OccurredAt { get; }
}

/// <summary>Reacts to one kind of event. Must be idempotent: a retry after a crash delivers the same event again.</summary>
public interface IEventHandler<in TEvent>
    where TEvent : IEvent
{
    Task HandleAsync(TEvent @event, CancellationToken cancellationToken);
}

/// <summary>Maps stored event names to types and to the handlers registered for them.</summary>
public sealed class EventRegistry
{
    private readonly Dictionary<string, Type> _types = new(StringComparer.Ordinal);

    public static string NameOf(Type type) => type.FullName!;

    public void Register(Type eventType) => _types[NameOf(eventType)] = eventType;

    public Type? Find(string name) => _types.GetValueOrDefault(name);
}

public static class EventSetup
{
    /// <summary>Subscribes <typeparamref name="THandler"/> to <typeparamref name="TEvent"/>.</summary>
    public static IServiceCollection AddEventHandler<TEvent, THandler>(this IServiceCollection services)
        where TEvent : IEvent
        where THandler : class, IEventHandler<TEvent>
    {
        services.AddSingleton<IEventHandler<TEvent>, THandler>();
        services.AddSingleton(new EventTypeRegistration(typeof(TEvent)));
        return services;
    }
}

/// <summary>A registered event type, collected into the <see cref="EventRegistry"/>.</summary>
public sealed record EventTypeRegistration(Type EventType);

/// <summary>Appends events to the outbox inside the caller's transaction.</summary>
public sealed class EventOutbox(OutboxSignal signal)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task AppendAsync(DbConnection connection, DbTransaction transaction, IEvent @event, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO outbox_events (id, type, payload, occurred_at, available_at, attempts)
            VALUES (@Id, @Type, @Payload, @OccurredAt, @OccurredAt, 0)
            """,
            new { @event.Id, Type = EventRegistry.NameOf(@event.GetType()), Payload = JsonSerializer.Serialize(@event, @event.GetType(), Json), @event.OccurredAt },
            transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Call after the transaction commits so the relay delivers without waiting for its next poll.</summary>
    public void Wake() => signal.Set();
}

/// <summary>Lets writers in this process wake the relay early.</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Dispose() => _semaphore.Dispose();

    public void Set()
    {
        if (_semaphore.CurrentCount == 0)
        {
            try
            {
                _semaphore.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);
}

/// <summary>One row of the outbox.</summary>
internal sealed record OutboxRow
{
    public required Guid Id { get; init; }
    public required string Type { get; init; }
    public required string Payload { get; init; }
    public required int Attempts { get; init; }
}

internal static class OutboxSql
{
    public static async Task<IReadOnlyList<OutboxRow>> DueAsync(Database database, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            """
            SELECT id, type, payload, attempts FROM outbox_events
            WHERE dispatched_at IS NULL AND dead_at IS NULL AND available_at <= @now
            ORDER BY occurred_at, id LIMIT @limit
            """, new { now, limit }, cancellationToken: cancellationToken))];
    }
}
