namespace Airwave.Core.Events;

/// <summary>
/// The embedded default: the relay's own process runs every consumer group's handlers, one event after another in
/// order of occurrence. An event whose handler throws is reported failed and retried by the relay; the groups that
/// did succeed are remembered and not run again.
/// </summary>
internal sealed class InProcessTransport(EventDispatcher dispatcher) : IEventTransport
{
    public async Task<IReadOnlyList<TransportResult>> SendAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var results = new List<TransportResult>(messages.Count);
        foreach (var message in messages)
        {
            try
            {
                await dispatcher.HandleAllAsync(message, cancellationToken);
                results.Add(new TransportResult(message.Id, null));
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                results.Add(new TransportResult(message.Id, e));
            }
        }

        return results;
    }
}
