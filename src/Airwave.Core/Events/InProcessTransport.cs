namespace Airwave.Core.Events;

/// <summary>
/// The embedded default: the relay's own process runs every consumer group's handlers for the events it claimed, in
/// order of occurrence, group after group in registration order. Per group, a run of consecutive events that the group handles only transactionally goes
/// through <see cref="EventDispatcher.HandleBatchAsync"/> as one transaction (the analytics consumer under a burst of
/// playback events); any other event is handled on its own, in its place. A batch that fails is handled again one
/// event at a time, so only the event that fails is reported failed and retried by the relay; the groups that did
/// succeed are remembered and not run again.
/// </summary>
internal sealed class InProcessTransport(EventDispatcher dispatcher) : IEventTransport
{
    public async Task<IReadOnlyList<TransportResult>> SendAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<Guid, Exception>();
        foreach (var message in messages)
        {
            if (!dispatcher.Consumers.Any(c => dispatcher.TypesOf(c.Group).Contains(message.Type)))
            {
                errors[message.Id] = new InvalidOperationException($"No handler is registered for event type {message.Type}.");
            }
        }

        // Groups in registration order, as before batches: an event that failed in one group waits for its retry
        // before the groups after it see it.
        foreach (var group in dispatcher.Consumers.Select(c => c.Group))
        {
            var types = dispatcher.TypesOf(group);
            var mine = messages.Where(m => types.Contains(m.Type) && !errors.ContainsKey(m.Id)).ToList();
            var i = 0;
            while (i < mine.Count)
            {
                var run = mine.Skip(i).TakeWhile(m => dispatcher.CanBatch(group, m.Type)).ToList();
                if (run.Count > 1)
                {
                    await HandleRunAsync(group, run, errors, cancellationToken);
                    i += run.Count;
                    continue;
                }

                await HandleOneAsync(group, mine[i], errors, cancellationToken);
                i++;
            }
        }

        return [.. messages.Select(m => new TransportResult(m.Id, errors.GetValueOrDefault(m.Id)))];
    }

    private async Task HandleRunAsync(string group, List<OutboxMessage> run, Dictionary<Guid, Exception> errors, CancellationToken cancellationToken)
    {
        try
        {
            await dispatcher.HandleBatchAsync(group, run, null, cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Nothing of the batch committed: one at a time, so the events that can be handled are.
            foreach (var message in run)
            {
                await HandleOneAsync(group, message, errors, cancellationToken);
            }
        }
    }

    private async Task HandleOneAsync(string group, OutboxMessage message, Dictionary<Guid, Exception> errors, CancellationToken cancellationToken)
    {
        try
        {
            await dispatcher.HandleAsync(group, message, null, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            errors.TryAdd(message.Id, e);
        }
    }
}
