using Airwave.Core.Hosting;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Airwave.Core.Events.RabbitMq;

/// <summary>
/// Opens connections to the configured broker. The client's own automatic recovery is off: the relay and the
/// consumers notice a lost connection themselves and open a new one with their backoff, so what happens while the
/// broker is away is decided in one place each and can be tested.
/// </summary>
public sealed class RabbitMqConnector(IOptions<EventOptions> options, ActiveRoles roles)
{
    public RabbitMqOptions Options => options.Value.RabbitMq;

    public RabbitMqNames Names => new(Options.Prefix);

    public Task<IConnection> ConnectAsync(string purpose, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(Options.Uri),
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            ClientProvidedName = $"airwave {purpose} ({roles}, pid {Environment.ProcessId})",
        };
        return factory.CreateConnectionAsync(cancellationToken);
    }
}

/// <summary>The broker's object names, all under the configured prefix.</summary>
public sealed record RabbitMqNames(string Prefix)
{
    /// <summary>The direct exchange events are published to, with the event type name as routing key.</summary>
    public string Exchange => $"{Prefix}.events";

    /// <summary>Where a group's queue sends what failed too often (routing key: the group).</summary>
    public string DeadExchange => $"{Prefix}.dead";

    /// <summary>The stream high-volume event types go on (see <see cref="EventSetup.AddEventStream{TEvent}"/>).</summary>
    public string Stream => $"{Prefix}.stream";

    public string Queue(string group) => $"{Prefix}.{group}";

    public string DeadQueue(string group) => $"{Prefix}.{group}.dead";
}
