using System.Data.Common;
using System.Reflection;
using System.Text.Json;
using Airwave.Core.Data;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.Core.Events;

/// <summary>
/// Runs a consumer group's handlers for one event, once: the group's record of processed event ids
/// (<c>processed_events</c>) turns a redelivery into a no-op. Plain handlers run first, outside any transaction
/// (they are idempotent by contract); then one transaction records the event as processed, runs the group's
/// <see cref="ITransactionalEventHandler{TEvent}"/>s and whatever the caller adds (a stream offset), and commits.
/// Both transports go through here, so a handler behaves the same in-process and behind RabbitMQ.
/// </summary>
public sealed class EventDispatcher
{
    private static readonly MethodInfo PlainHandle = typeof(EventDispatcher).GetMethod(nameof(RunPlainAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo TransactionalHandle = typeof(EventDispatcher).GetMethod(nameof(RunTransactionalAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly IServiceProvider _services;
    private readonly Database _database;
    private readonly TimeProvider _clock;
    private readonly HashSet<string> _streamTypes = new(StringComparer.Ordinal);
    private readonly List<EventHandlerRegistration> _registrations;

    public EventDispatcher(IServiceProvider services, Database database, TimeProvider clock)
    {
        _services = services;
        _database = database;
        _clock = clock;
        _registrations = [.. services.GetServices<EventHandlerRegistration>()];

        foreach (var stream in services.GetServices<EventStreamRegistration>())
        {
            _streamTypes.Add(EventRegistry.NameOf(stream.EventType));
        }
    }

    /// <summary>Every consumer group with its roles, in registration order.</summary>
    public IReadOnlyList<EventConsumer> Consumers => [.. _registrations.Select(r => r.Consumer).DistinctBy(c => c.Group)];

    /// <summary>The stored names of the event types <paramref name="group"/> handles.</summary>
    public IReadOnlyList<string> TypesOf(string group) =>
        [.. _registrations.Where(r => r.Consumer.Group == group).Select(r => EventRegistry.NameOf(r.EventType)).Distinct()];

    /// <summary>True when the type goes over the event stream (RabbitMQ transport) rather than the group queues.</summary>
    public bool IsStreamed(string type) => _streamTypes.Contains(type);

    /// <summary>Runs every group that handles the message's type (the in-process transport); false for an unknown type.</summary>
    public async Task HandleAllAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var groups = _registrations.Where(r => EventRegistry.NameOf(r.EventType) == message.Type).Select(r => r.Consumer.Group).Distinct().ToList();
        if (groups.Count == 0)
        {
            throw new InvalidOperationException($"No handler is registered for event type {message.Type}.");
        }

        foreach (var group in groups)
        {
            await HandleAsync(group, message, null, cancellationToken);
        }
    }

    /// <summary>
    /// Runs <paramref name="group"/>'s handlers for the message unless the group processed it before; returns false
    /// for such a duplicate (and for a type the group does not handle). <paramref name="alsoInTransaction"/> runs in
    /// the same transaction either way, so a consumer's position moves past duplicates too.
    /// </summary>
    public async Task<bool> HandleAsync(string group, OutboxMessage message, Func<DbConnection, DbTransaction, Task>? alsoInTransaction,
        CancellationToken cancellationToken)
    {
        var handlers = _registrations.Where(r => r.Consumer.Group == group && EventRegistry.NameOf(r.EventType) == message.Type).ToList();
        if (handlers.Count == 0 || await WasProcessedAsync(group, message.Id, cancellationToken))
        {
            if (alsoInTransaction is not null)
            {
                await _database.InTransactionAsync(async (c, t) =>
                {
                    await alsoInTransaction(c, t);
                    return 0;
                }, cancellationToken);
            }

            return false;
        }

        var type = handlers[0].EventType;
        var @event = JsonSerializer.Deserialize(message.Payload, type, EventOutbox.Json)
            ?? throw new InvalidOperationException($"Event {message.Id} of type {message.Type} has an empty payload.");
        var instances = handlers.Select(h => _services.GetRequiredService(h.HandlerType)).ToList();
        var transactionalType = typeof(ITransactionalEventHandler<>).MakeGenericType(type);
        foreach (var handler in instances.Where(h => !transactionalType.IsInstanceOfType(h)))
        {
            await (Task)PlainHandle.MakeGenericMethod(type).Invoke(null, [handler, @event, cancellationToken])!;
        }

        return await _database.InTransactionAsync(async (connection, transaction) =>
        {
            var inserted = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO processed_events (consumer_group, event_id, processed_at) VALUES (@group, @Id, @now)
                ON CONFLICT (consumer_group, event_id) DO NOTHING
                """, new { group, message.Id, now = _clock.GetUtcNow() }, transaction, cancellationToken: cancellationToken));
            if (inserted == 1)
            {
                foreach (var handler in instances.Where(transactionalType.IsInstanceOfType))
                {
                    await (Task)TransactionalHandle.MakeGenericMethod(type).Invoke(null, [handler, @event, connection, transaction, cancellationToken])!;
                }
            }

            if (alsoInTransaction is not null)
            {
                await alsoInTransaction(connection, transaction);
            }

            // Another consumer of the same group got there first (a redelivery racing the original): nothing ran twice.
            return inserted == 1;
        }, cancellationToken);
    }

    private async Task<bool> WasProcessedAsync(string group, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM processed_events WHERE consumer_group = @group AND event_id = @id",
            new { group, id }, cancellationToken: cancellationToken)) > 0;
    }

    private static Task RunPlainAsync<TEvent>(IEventHandler<TEvent> handler, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent => handler.HandleAsync(@event, cancellationToken);

    private static Task RunTransactionalAsync<TEvent>(ITransactionalEventHandler<TEvent> handler, TEvent @event, DbConnection connection,
        DbTransaction transaction, CancellationToken cancellationToken)
        where TEvent : IEvent => handler.HandleAsync(@event, connection, transaction, cancellationToken);
}
