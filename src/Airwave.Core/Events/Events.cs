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

/// <summary>
/// A handler whose whole effect is database writes, made inside the transaction that also records the event as
/// processed for its consumer group: it runs exactly once per event and group, however often the event is
/// delivered (counters and aggregates need this; plain <see cref="IEventHandler{TEvent}"/>s may run again after a
/// crash between their work and the record). The consumer commits, then acknowledges the delivery.
/// </summary>
public interface ITransactionalEventHandler<in TEvent> : IEventHandler<TEvent>
    where TEvent : IEvent
{
    Task HandleAsync(TEvent @event, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    Task IEventHandler<TEvent>.HandleAsync(TEvent @event, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Transactional handlers are called with the consumer's transaction.");
}

/// <summary>
/// A transactional handler that takes many events of its type at once, in one transaction with the record of all of
/// them as processed: for high-volume events (playback) whose cost is the transaction, not the work. The consumers
/// hand it the events of a batch its group has not processed yet (duplicates and events processed before are left
/// out), in order of delivery; a single event is a batch of one.
/// </summary>
public interface IBatchEventHandler<TEvent> : ITransactionalEventHandler<TEvent>
    where TEvent : IEvent
{
    Task HandleBatchAsync(IReadOnlyList<TEvent> events, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    Task ITransactionalEventHandler<TEvent>.HandleAsync(TEvent @event, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        HandleBatchAsync([@event], connection, transaction, cancellationToken);
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
    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> to <typeparamref name="TEvent"/> in its module's consumer group,
    /// run by workers (<see cref="EventConsumer.ForModuleOf"/>).
    /// </summary>
    public static IServiceCollection AddEventHandler<TEvent, THandler>(this IServiceCollection services)
        where TEvent : IEvent
        where THandler : class, IEventHandler<TEvent> =>
        services.AddEventHandler<TEvent, THandler>(EventConsumer.ForModuleOf(typeof(THandler)));

    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> to <typeparamref name="TEvent"/> in <paramref name="consumer"/>'s
    /// group, run by the processes of its roles (e.g. <see cref="EventConsumer.Analytics"/>).
    /// </summary>
    public static IServiceCollection AddEventHandler<TEvent, THandler>(this IServiceCollection services, EventConsumer consumer)
        where TEvent : IEvent
        where THandler : class, IEventHandler<TEvent>
    {
        if (!services.Any(d => d.ServiceType == typeof(THandler)))
        {
            services.AddSingleton<THandler>();
        }

        services.AddSingleton<IEventHandler<TEvent>>(provider => provider.GetRequiredService<THandler>());
        services.AddSingleton(new EventTypeRegistration(typeof(TEvent)));
        services.AddSingleton(new EventHandlerRegistration(typeof(TEvent), typeof(THandler), consumer));
        return services;
    }

    /// <summary>
    /// Sends <typeparamref name="TEvent"/> over the replayable event stream rather than the per-group queues (with
    /// the RabbitMQ transport; in-process it changes nothing). For high-volume analytics events: a stream keeps
    /// every event for its retention, and each consumer group reads it from an offset kept in the database.
    /// </summary>
    public static IServiceCollection AddEventStream<TEvent>(this IServiceCollection services)
        where TEvent : IEvent
    {
        services.AddSingleton(new EventStreamRegistration(typeof(TEvent)));
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
    public required DateTimeOffset OccurredAt { get; init; }
    public required int Attempts { get; init; }
}

internal static class OutboxSql
{
    /// <summary>
    /// Claims up to <paramref name="limit"/> due rows for this relay until <paramref name="claimedUntil"/> by moving
    /// their <c>available_at</c> forward, so relays in other processes skip them; a relay that dies leaves them due
    /// again when the claim runs out. The outer condition is re-checked on rows another relay changed meanwhile
    /// (PostgreSQL re-reads a row it waited for), so two relays never both claim one row.
    /// </summary>
    public static async Task<IReadOnlyList<OutboxRow>> ClaimDueAsync(Database database, DateTimeOffset now, DateTimeOffset claimedUntil, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            """
            UPDATE outbox_events SET available_at = @claimedUntil
            WHERE id IN (
                SELECT id FROM outbox_events
                WHERE dispatched_at IS NULL AND dead_at IS NULL AND available_at <= @now
                ORDER BY occurred_at, id LIMIT @limit)
              AND dispatched_at IS NULL AND dead_at IS NULL AND available_at <= @now
            RETURNING id, type, payload, occurred_at, attempts
            """, new { now, claimedUntil, limit }, cancellationToken: cancellationToken));
        return [.. rows.OrderBy(r => r.OccurredAt).ThenBy(r => r.Id)];
    }
}
