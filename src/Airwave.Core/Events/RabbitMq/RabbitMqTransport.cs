using System.Text;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Airwave.Core.Events.RabbitMq;

/// <summary>
/// Publishes outbox events to RabbitMQ with publisher confirms: a result is success only once the broker confirmed
/// the message (persistent, so it was written to its queues). Ordinary event types go to the events exchange with
/// the type as routing key; stream types go straight to the event stream. When the broker cannot be reached or the
/// connection drops, every result is <see cref="EventTransportUnavailableException"/>: the rows stay in the outbox
/// and the next round opens a new connection.
/// </summary>
internal sealed class RabbitMqTransport(RabbitMqConnector connector, EventDispatcher dispatcher, ILogger<RabbitMqTransport> logger)
    : IEventTransport, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;

    public async Task<IReadOnlyList<TransportResult>> SendAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var channel = await ChannelAsync(cancellationToken);
            var names = connector.Names;
            var publishes = messages.Select(message => (message, task: PublishAsync(channel, names, message, cancellationToken))).ToList();
            var results = new List<TransportResult>(messages.Count);
            var lost = false;
            foreach (var (message, task) in publishes)
            {
                try
                {
                    await task;
                    results.Add(new TransportResult(message.Id, null));
                }
                catch (PublishException nacked)
                {
                    // The broker refused this one (nack): it counts against the event like a handler failure.
                    results.Add(new TransportResult(message.Id, new InvalidOperationException($"RabbitMQ did not confirm event {message.Id}.", nacked)));
                }
                catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
                {
                    lost = true;
                    results.Add(new TransportResult(message.Id, new EventTransportUnavailableException("The RabbitMQ connection was lost.", e)));
                }
            }

            if (lost)
            {
                await ResetAsync();
            }

            return results;
        }
        catch (Exception e) when (e is BrokerUnreachableException or AlreadyClosedException or OperationInterruptedException or IOException
            or System.Net.Sockets.SocketException or TimeoutException or ConnectFailureException)
        {
            await ResetAsync();
            throw new EventTransportUnavailableException("RabbitMQ is unreachable.", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ResetAsync();
        _gate.Dispose();
    }

    private async Task PublishAsync(IChannel channel, RabbitMqNames names, OutboxMessage message, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties
        {
            MessageId = message.Id.ToString(),
            Type = message.Type,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Timestamp = new AmqpTimestamp(message.OccurredAt.ToUnixTimeSeconds()),
        };
        var body = Encoding.UTF8.GetBytes(message.Payload);
        // Stream types go to the stream through the default exchange, which routes by queue name.
        var streamed = dispatcher.IsStreamed(message.Type);
        await channel.BasicPublishAsync(streamed ? "" : names.Exchange, streamed ? names.Stream : message.Type, mandatory: false, properties, body,
            cancellationToken);
    }

    private async Task<IChannel> ChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }

        await ResetAsync();
        _connection = await connector.ConnectAsync("relay", cancellationToken);
        var topology = await RabbitMqTopology.DeclareAsync(_connection, connector.Names, connector.Options, dispatcher, logger, cancellationToken);
        await topology.DisposeAsync();
        _channel = await _connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
        logger.LogInformation("Connected to RabbitMQ; publishing events to {Exchange}", connector.Names.Exchange);
        return _channel;
    }

    private async Task ResetAsync()
    {
        var channel = _channel;
        var connection = _connection;
        _channel = null;
        _connection = null;
        foreach (var disposable in new IAsyncDisposable?[] { channel, connection })
        {
            try
            {
                if (disposable is not null)
                {
                    await disposable.DisposeAsync();
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Closing a connection the broker already dropped can fail; it is gone either way.
            }
        }
    }
}
