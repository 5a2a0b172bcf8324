using System.Diagnostics.Metrics;

namespace Airwave.Core.Events;

/// <summary>
/// Event bus metrics (meter <c>Airwave.Events</c>, on <c>/metrics</c>): what the outbox relay handed to the transport
/// and with what outcome, and what each consumer group handled or recognised as already processed, so operators see
/// a broker outage (relayed with outcome "unavailable") and a consumer falling behind.
/// </summary>
public sealed class EventMetrics
{
    private readonly Counter<long> _relayed;
    private readonly Counter<long> _handled;

    public EventMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Airwave.Events");
        _relayed = meter.CreateCounter<long>("airwave.events.relayed", "{event}",
            "Outbox events offered to the transport, by outcome: delivered, unavailable (waits for the broker), retrying, dead.");
        _handled = meter.CreateCounter<long>("airwave.events.handled", "{event}",
            "Events a consumer group received, by group and outcome: handled, or duplicate (processed before, nothing ran).");
    }

    public void Relayed(string outcome, int count)
    {
        if (count > 0)
        {
            _relayed.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void Handled(string group, int handled, int duplicates)
    {
        var groupTag = new KeyValuePair<string, object?>("group", group);
        if (handled > 0)
        {
            _handled.Add(handled, groupTag, new KeyValuePair<string, object?>("outcome", "handled"));
        }

        if (duplicates > 0)
        {
            _handled.Add(duplicates, groupTag, new KeyValuePair<string, object?>("outcome", "duplicate"));
        }
    }
}
