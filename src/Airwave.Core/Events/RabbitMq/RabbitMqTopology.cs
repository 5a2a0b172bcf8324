using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Airwave.Core.Events.RabbitMq;

/// <summary>
/// Declares the exchanges, queues and stream (idempotent). Both the publisher and the consumers declare all of it:
/// events published before any consumer of a group ever ran still wait in that group's queue.
/// Each consumer group gets a durable quorum queue bound to the exchange by the event types it handles, with a
/// delivery limit and a dead-letter exchange; a broker that refuses quorum queues (a single node built without
/// them, or an existing classic queue of that name) gets a classic durable queue with the same dead-lettering.
/// </summary>
internal static class RabbitMqTopology
{
    public static async Task<IChannel> DeclareAsync(IConnection connection, RabbitMqNames names, RabbitMqOptions options, EventDispatcher dispatcher,
        ILogger logger, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(names.Exchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(names.DeadExchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        channel = await DeclareQueueAsync(connection, channel, names.Stream, new Dictionary<string, object?>
        {
            ["x-queue-type"] = "stream",
            ["x-max-age"] = $"{Math.Max(1, (long)options.StreamRetention.TotalSeconds)}s",
        }, fallback: null, logger, cancellationToken);

        foreach (var consumer in dispatcher.Consumers)
        {
            var group = consumer.Group;
            channel = await DeclareQueueAsync(connection, channel, names.DeadQueue(group), new Dictionary<string, object?> { ["x-queue-type"] = "quorum" },
                fallback: new Dictionary<string, object?>(), logger, cancellationToken);
            await channel.QueueBindAsync(names.DeadQueue(group), names.DeadExchange, group, cancellationToken: cancellationToken);

            var deadLettering = new Dictionary<string, object?>
            {
                ["x-dead-letter-exchange"] = names.DeadExchange,
                ["x-dead-letter-routing-key"] = group,
            };
            channel = await DeclareQueueAsync(connection, channel, names.Queue(group),
                new Dictionary<string, object?>(deadLettering) { ["x-queue-type"] = "quorum", ["x-delivery-limit"] = options.MaxDeliveries },
                fallback: deadLettering, logger, cancellationToken);
            foreach (var type in dispatcher.TypesOf(group).Where(t => !dispatcher.IsStreamed(t)))
            {
                await channel.QueueBindAsync(names.Queue(group), names.Exchange, type, cancellationToken: cancellationToken);
            }
        }

        return channel;
    }

    /// <summary>Declares a durable queue; on refusal re-declares with <paramref name="fallback"/> arguments (a classic queue) if given.</summary>
    private static async Task<IChannel> DeclareQueueAsync(IConnection connection, IChannel channel, string name, Dictionary<string, object?> arguments,
        Dictionary<string, object?>? fallback, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken);
            return channel;
        }
        catch (OperationInterruptedException refused) when (fallback is not null && connection.IsOpen)
        {
            // The refusal closed the channel; a queue that exists already keeps whatever arguments it was made with.
            logger.LogWarning("Broker refused {Queue} as a quorum queue ({Reason}); using a classic durable queue", name, refused.ShutdownReason?.ReplyText);
            await channel.DisposeAsync();
            var retry = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
            try
            {
                await retry.QueueDeclarePassiveAsync(name, cancellationToken);
                return retry;
            }
            catch (OperationInterruptedException)
            {
                await retry.DisposeAsync();
                retry = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                await retry.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, fallback, cancellationToken: cancellationToken);
                return retry;
            }
        }
    }
}
