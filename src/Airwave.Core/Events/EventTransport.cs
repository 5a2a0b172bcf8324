using Airwave.Core.Hosting;

namespace Airwave.Core.Events;

/// <summary>An outbox row on its way to the handlers: the serialized event and what identifies it.</summary>
public sealed record OutboxMessage(Guid Id, string Type, string Payload, DateTimeOffset OccurredAt, int Attempts);

/// <summary>What became of one message handed to a transport: <see cref="Error"/> is null when it was accepted.</summary>
public sealed record TransportResult(Guid Id, Exception? Error);

/// <summary>
/// Carries outbox events from the relay to the consumers. The relay marks a row dispatched only when its result
/// says it was accepted: handled (in-process) or confirmed by the broker (RabbitMQ). Implementations are picked
/// from <c>Events:Transport</c> in <see cref="EventTransportSetup"/>; a Kafka one would be a third implementation
/// with the same contract.
/// </summary>
public interface IEventTransport
{
    /// <summary>
    /// Hands <paramref name="messages"/> (in order of occurrence) over. A result whose error is an
    /// <see cref="EventTransportUnavailableException"/> means the transport could not take it (a broker away): the
    /// relay keeps the row without counting an attempt. Any other error is the event's own failure and counts.
    /// </summary>
    Task<IReadOnlyList<TransportResult>> SendAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);
}

/// <summary>The transport cannot take events now (broker unreachable, connection lost); they wait in the outbox.</summary>
public sealed class EventTransportUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Who consumes a handler's events: a consumer group (one durable queue per group with the RabbitMQ transport, and
/// the key its processed events are remembered under) and the roles whose processes run the group.
/// </summary>
public sealed record EventConsumer(string Group, ServerRoles Roles)
{
    /// <summary>The analytics consumers: run by processes with the analytics role.</summary>
    public static EventConsumer Analytics { get; } = new("analytics", ServerRoles.Analytics);

    /// <summary>The default for a module's handlers: a group named after the module, run by workers.</summary>
    public static EventConsumer ForModuleOf(Type handlerType)
    {
        var name = handlerType.Assembly.GetName().Name ?? "airwave";
        var module = name.StartsWith("Airwave.", StringComparison.Ordinal) ? name["Airwave.".Length..] : name;
        return new EventConsumer(module.ToLowerInvariant(), ServerRoles.Worker);
    }
}

/// <summary>One handler subscribed to one event type, in one consumer group.</summary>
public sealed record EventHandlerRegistration(Type EventType, Type HandlerType, EventConsumer Consumer);

/// <summary>
/// Marks an event type as high-volume: with the RabbitMQ transport it goes on the replayable stream instead of the
/// per-group queues (see <see cref="EventSetup.AddEventStream{TEvent}"/>).
/// </summary>
public sealed record EventStreamRegistration(Type EventType);
