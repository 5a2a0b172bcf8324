using Airwave.Core.Events.RabbitMq;
using Airwave.Core.Hosting;
using Airwave.Core.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Airwave.Core.Events;

/// <summary>Event bus settings; bound from the <c>Events</c> configuration section.</summary>
public sealed class EventOptions
{
    public const string Section = "Events";
    public const string InProcess = "in-process";
    public const string RabbitMqTransport = "rabbitmq";

    /// <summary>"in-process" (embedded default: the relay runs the handlers) or "rabbitmq" (scale-out).</summary>
    public string Transport { get; set; } = InProcess;

    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>How long consumer groups remember handled event ids (longer than any redelivery or replay can reach back).</summary>
    public TimeSpan ProcessedRetention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// Most events a consumer takes from the event stream to handle in one transaction (the analytics consumer; see
    /// <see cref="IBatchEventHandler{TEvent}"/>). In-process, a batch is what the outbox relay claimed at once.
    /// </summary>
    public int ConsumerBatchSize { get; set; } = 500;

    /// <summary>
    /// How long a consumer waits for more events once the first of a batch arrived, before handling what it has. A
    /// burst fills batches without waiting; a trickle is handled this much later than it could be.
    /// </summary>
    public TimeSpan ConsumerBatchWait { get; set; } = TimeSpan.FromMilliseconds(50);

    public bool UsesRabbitMq => string.Equals(Transport.Trim(), RabbitMqTransport, StringComparison.OrdinalIgnoreCase);

    internal IEnumerable<string> Validate()
    {
        if (!string.Equals(Transport.Trim(), InProcess, StringComparison.OrdinalIgnoreCase) && !UsesRabbitMq)
        {
            yield return $"Events:Transport must be '{InProcess}' or '{RabbitMqTransport}', not '{Transport}'.";
        }

        if (ProcessedRetention < TimeSpan.FromDays(1))
        {
            yield return "Events:ProcessedRetention must be at least one day.";
        }

        if (ConsumerBatchSize is < 1 or > 5000)
        {
            yield return "Events:ConsumerBatchSize must be between 1 and 5000.";
        }

        if (ConsumerBatchWait < TimeSpan.Zero || ConsumerBatchWait > TimeSpan.FromSeconds(10))
        {
            yield return "Events:ConsumerBatchWait must be between 00:00:00 and 00:00:10.";
        }

        if (!UsesRabbitMq)
        {
            yield break;
        }

        foreach (var problem in RabbitMq.Validate())
        {
            yield return problem;
        }
    }
}

/// <summary>
/// Picks the event transport from <c>Events:Transport</c>, in this one place: the in-process dispatcher unless
/// RabbitMQ is configured. The relay and the RabbitMQ consumers are background services of every role; the
/// consumers run only the groups of the process's roles, and only with the RabbitMQ transport.
/// </summary>
public static class EventTransportSetup
{
    public static IServiceCollection AddAirwaveEvents(this IServiceCollection services)
    {
        services.AddOptions<EventOptions>().BindConfiguration(EventOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EventOptions>>(new RulesValidator<EventOptions>(o => o.Validate()));
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<EventOutbox>();
        services.AddMetrics();
        services.AddSingleton<EventMetrics>();
        services.AddSingleton<EventDispatcher>();
        services.AddSingleton<InProcessTransport>();
        services.AddSingleton<RabbitMqConnector>();
        services.AddSingleton<RabbitMqTransport>();
        services.AddSingleton<IEventTransport>(provider => provider.GetRequiredService<IOptions<EventOptions>>().Value.UsesRabbitMq
            ? provider.GetRequiredService<RabbitMqTransport>()
            : provider.GetRequiredService<InProcessTransport>());
        // Every role writes events (requests, jobs, consumers), and any relay may deliver any row.
        services.AddRoleService<OutboxRelay>(ServerRoles.All);
        services.AddRoleService<RabbitMqConsumers>(ServerRoles.All);
        services.AddRoleService<ProcessedEventsCleanup>(ServerRoles.Worker);
        return services;
    }
}
