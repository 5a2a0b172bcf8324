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
/// Both transports go through here, so a handler behaves the same in-process and behind RabbitMQ. Groups whose
/// handlers are all transactional can also be given many events in one transaction (<see cref="HandleBatchAsync"/>).
/// </summary>
public sealed class EventDispatcher
{
    private static readonly MethodInfo PlainHandle = typeof(EventDispatcher).GetMethod(nameof(RunPlainAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo TransactionalHandle = typeof(EventDispatcher).GetMethod(nameof(RunTransactionalAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo BatchHandle = typeof(EventDispatcher).GetMethod(nameof(RunBatchAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Ids recorded as processed per statement: well below the parameter limits of SQLite and PostgreSQL.</summary>
    private const int IdsPerStatement = 500;

    private readonly IServiceProvider _services;
    private readonly Database _database;
    private readonly TimeProvider _clock;
    private readonly HashSet<string> _streamTypes = new(StringComparer.Ordinal);
    private readonly List<EventHandlerRegistration> _registrations;
    private readonly EventMetrics _metrics;

    public EventDispatcher(IServiceProvider services, Database database, TimeProvider clock)
    {
        _services = services;
        _metrics = services.GetRequiredService<EventMetrics>();
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
            _metrics.Handled(group, 0, handlers.Count == 0 ? 0 : 1);
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

        var handled = await _database.InTransactionAsync(async (connection, transaction) =>
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
        _metrics.Handled(group, handled ? 1 : 0, handled ? 0 : 1);
        return handled;
    }

    /// <summary>
    /// True when <paramref name="group"/> handles <paramref name="type"/> only with transactional handlers, so
    /// messages of that type can be handled many to one transaction by <see cref="HandleBatchAsync"/>.
    /// </summary>
    public bool CanBatch(string group, string type)
    {
        var handlers = _registrations.Where(r => r.Consumer.Group == group && EventRegistry.NameOf(r.EventType) == type).ToList();
        return handlers.Count > 0 && handlers.All(h => typeof(ITransactionalEventHandler<>).MakeGenericType(h.EventType).IsAssignableFrom(h.HandlerType));
    }

    /// <summary>
    /// Handles many messages for <paramref name="group"/> in ONE transaction: records every id not processed before
    /// (one statement per few hundred ids; a duplicate inside the batch or from an earlier one inserts nothing), runs
    /// the group's handlers for the new ones only (an <see cref="IBatchEventHandler{TEvent}"/> once per type with all
    /// of them), then <paramref name="alsoInTransaction"/> (a stream offset), and commits. Either all of it commits
    /// or none does, so the caller acknowledges the whole batch after this returns and redelivers the whole batch if
    /// it throws. Every message must be of a type <see cref="CanBatch"/> accepts. Returns the ids handled now.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> HandleBatchAsync(string group, IReadOnlyList<OutboxMessage> messages,
        Func<DbConnection, DbTransaction, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        var unique = messages.DistinctBy(m => m.Id).ToList();
        if (unique.FirstOrDefault(m => !CanBatch(group, m.Type)) is { } other)
        {
            throw new InvalidOperationException($"Group {group} cannot handle event type {other.Type} in a batch.");
        }

        var handledNow = await _database.InTransactionAsync(async (connection, transaction) =>
        {
            // Ids in one order, so two consumers of the group inserting overlapping batches wait for each other, not deadlock.
            var fresh = new HashSet<Guid>();
            var now = _clock.GetUtcNow();
            foreach (var chunk in unique.Select(m => m.Id).Order().Chunk(IdsPerStatement))
            {
                var parameters = new DynamicParameters();
                parameters.Add("group", group);
                parameters.Add("now", now);
                var rows = new List<string>(chunk.Length);
                for (var i = 0; i < chunk.Length; i++)
                {
                    parameters.Add($"id{i}", chunk[i]);
                    rows.Add($"(@group, @id{i}, @now)");
                }

                var inserted = await connection.QueryAsync<Guid>(new CommandDefinition(
                    $"""
                    INSERT INTO processed_events (consumer_group, event_id, processed_at) VALUES {string.Join(", ", rows)}
                    ON CONFLICT (consumer_group, event_id) DO NOTHING
                    RETURNING event_id
                    """, parameters, transaction, cancellationToken: cancellationToken));
                fresh.UnionWith(inserted);
            }

            // Per type, in order of first appearance; within a type, in the order delivered.
            foreach (var byType in unique.Where(m => fresh.Contains(m.Id)).GroupBy(m => m.Type))
            {
                var handlers = _registrations.Where(r => r.Consumer.Group == group && EventRegistry.NameOf(r.EventType) == byType.Key).ToList();
                var type = handlers[0].EventType;
                var events = byType.Select(m => JsonSerializer.Deserialize(m.Payload, type, EventOutbox.Json)
                    ?? throw new InvalidOperationException($"Event {m.Id} of type {m.Type} has an empty payload.")).ToList();
                var batchType = typeof(IBatchEventHandler<>).MakeGenericType(type);
                foreach (var handler in handlers.Select(h => _services.GetRequiredService(h.HandlerType)))
                {
                    if (batchType.IsInstanceOfType(handler))
                    {
                        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(type), events.Count)!;
                        foreach (var @event in events)
                        {
                            list.Add(@event);
                        }

                        await (Task)BatchHandle.MakeGenericMethod(type).Invoke(null, [handler, list, connection, transaction, cancellationToken])!;
                        continue;
                    }

                    foreach (var @event in events)
                    {
                        await (Task)TransactionalHandle.MakeGenericMethod(type).Invoke(null, [handler, @event, connection, transaction, cancellationToken])!;
                    }
                }
            }

            if (alsoInTransaction is not null)
            {
                await alsoInTransaction(connection, transaction);
            }

            return (IReadOnlySet<Guid>)fresh;
        }, cancellationToken);
        _metrics.Handled(group, handledNow.Count, messages.Count - handledNow.Count);
        return handledNow;
    }

    private async Task<bool> WasProcessedAsync(string group, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM processed_events WHERE consumer_group = @group AND event_id = @id",
            new { group, id }, cancellationToken: cancellationToken)) > 0;
    }

    private static Task RunBatchAsync<TEvent>(IBatchEventHandler<TEvent> handler, List<TEvent> events, DbConnection connection,
        DbTransaction transaction, CancellationToken cancellationToken)
        where TEvent : IEvent => handler.HandleBatchAsync(events, connection, transaction, cancellationToken);

    private static Task RunPlainAsync<TEvent>(IEventHandler<TEvent> handler, TEvent @event, CancellationToken cancellationToken)
        where TEvent : IEvent => handler.HandleAsync(@event, cancellationToken);

    private static Task RunTransactionalAsync<TEvent>(ITransactionalEventHandler<TEvent> handler, TEvent @event, DbConnection connection,
        DbTransaction transaction, CancellationToken cancellationToken)
        where TEvent : IEvent => handler.HandleAsync(@event, connection, transaction, cancellationToken);
}
