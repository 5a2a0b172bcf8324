namespace Airwave.Core.Events.RabbitMq;

/// <summary>The RabbitMQ transport's settings (<c>Events:RabbitMq</c>); read only with <c>Events:Transport = rabbitmq</c>.</summary>
public sealed class RabbitMqOptions
{
    /// <summary>The broker, e.g. amqp://user:password@127.0.0.1:5672/vhost. The password is never logged.</summary>
    public string Uri { get; set; } = "amqp://guest:guest@127.0.0.1:5672/";

    /// <summary>Put before every exchange, queue and stream name, so several deployments can share one broker.</summary>
    public string Prefix { get; set; } = "airwave";

    /// <summary>Deliveries of one event to a consumer group before it is dead-lettered to the group's ".dead" queue.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>Unacknowledged deliveries a consumer holds at once (RabbitMQ prefetch).</summary>
    public int Prefetch { get; set; } = 50;

    /// <summary>How long the event stream keeps events for replay.</summary>
    public TimeSpan StreamRetention { get; set; } = TimeSpan.FromDays(7);

    internal IEnumerable<string> Validate()
    {
        if (!System.Uri.TryCreate(Uri, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            yield return "Events:RabbitMq:Uri must be an amqp:// or amqps:// address, e.g. amqp://guest:guest@127.0.0.1:5672/.";
        }

        if (string.IsNullOrWhiteSpace(Prefix) || Prefix.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            yield return "Events:RabbitMq:Prefix must be letters, digits, '-', '_' or '.'.";
        }

        if (MaxDeliveries is < 1 or > 100)
        {
            yield return "Events:RabbitMq:MaxDeliveries must be between 1 and 100.";
        }

        if (Prefetch is < 1 or > 10_000)
        {
            yield return "Events:RabbitMq:Prefetch must be between 1 and 10000.";
        }

        if (StreamRetention < TimeSpan.FromMinutes(1))
        {
            yield return "Events:RabbitMq:StreamRetention must be at least a minute.";
        }
    }
}
