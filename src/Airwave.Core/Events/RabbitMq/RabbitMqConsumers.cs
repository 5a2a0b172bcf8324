using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Airwave.Core.Data;
using Airwave.Core.Hosting;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Airwave.Core.Events.RabbitMq;

/// <summary>
/// Consumes the RabbitMQ queues (and the event stream) of the consumer groups whose roles this process has. Each
/// delivery is handled through <see cref="EventDispatcher"/> (which skips event ids the group processed before)
/// and acknowledged only after that committed. A delivery that fails is requeued after a short pause; after
/// <see cref="RabbitMqOptions.MaxDeliveries"/> it is rejected and the queue dead-letters it to the group's ".dead"
/// queue. The stream is read from the offset each group keeps in the database, in batches: many deliveries handled in
/// one transaction that records them processed and moves the offset past the last (ADR 0022), then acknowledged at
/// once, so a restart resumes there and moving it back replays. A lost connection is reopened with a growing pause;
/// nothing is acknowledged that was not handled.
/// </summary>
internal sealed class RabbitMqConsumers(
    IOptions<EventOptions> options,
    RabbitMqConnector connector,
    EventDispatcher dispatcher,
    ActiveRoles roles,
    Database database,
    TimeProvider clock,
    ILogger<RabbitMqConsumers> logger) : BackgroundService
{
    private static readonly TimeSpan MaxReconnectPause = TimeSpan.FromSeconds(5);

    // Classic queues (the fallback) do not count deliveries; failures seen by this process stand in for the count.
    private readonly ConcurrentDictionary<Guid, int> _failures = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.UsesRabbitMq)
        {
            return;
        }

        var groups = dispatcher.Consumers.Where(c => roles.Has(c.Roles)).Select(c => c.Group).ToList();
        if (groups.Count == 0)
        {
            return;
        }

        var failedRounds = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ConsumeUntilLostAsync(groups, () => failedRounds = 0, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failedRounds++;
                if (failedRounds == 1)
                {
                    logger.LogWarning(e, "RabbitMQ consumers for {Groups} lost the broker; reconnecting", string.Join(", ", groups));
                }
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(MaxReconnectPause.TotalMilliseconds, 250 * Math.Pow(2, failedRounds))), clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ConsumeUntilLostAsync(IReadOnlyList<string> groups, Action connected, CancellationToken stoppingToken)
    {
        var names = connector.Names;
        await using var connection = await connector.ConnectAsync("consumers", stoppingToken);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, _) =>
        {
            lost.TrySetResult();
            return Task.CompletedTask;
        };
        await (await RabbitMqTopology.DeclareAsync(connection, names, connector.Options, dispatcher, logger, stoppingToken)).DisposeAsync();

        var channels = new List<IChannel>();
        var readings = new List<StreamReading>();
        try
        {
            foreach (var group in groups)
            {
                var types = dispatcher.TypesOf(group);
                if (types.Any(t => !dispatcher.IsStreamed(t)))
                {
                    channels.Add(await ConsumeQueueAsync(connection, group, lost, stoppingToken));
                }

                if (types.Any(dispatcher.IsStreamed))
                {
                    var reading = await ConsumeStreamAsync(connection, group, types.Where(dispatcher.IsStreamed).ToHashSet(StringComparer.Ordinal), lost, stoppingToken);
                    readings.Add(reading);
                    channels.Add(reading.Channel);
                }
            }

            connected();
            logger.LogInformation("Consuming events from RabbitMQ for {Groups}", string.Join(", ", groups));
            await lost.Task.WaitAsync(stoppingToken);
            throw new EventTransportUnavailableException("The RabbitMQ connection or a consumer channel closed.");
        }
        finally
        {
            foreach (var channel in channels)
            {
                await CloseQuietlyAsync(channel);
            }

            // A batch being handled finishes (its acknowledgement fails quietly on the closed channel) before a new
            // connection reads the stream again from the stored offset.
            foreach (var reading in readings)
            {
                reading.Inbox.TryComplete();
                await reading.Loop;
            }
        }
    }

    private async Task<IChannel> ConsumeQueueAsync(IConnection connection, string group, TaskCompletionSource lost, CancellationToken stoppingToken)
    {
        var channel = await OpenConsumerChannelAsync(connection, lost, connector.Options.Prefetch, stoppingToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (sender, delivery) =>
        {
            OutboxMessage message;
            try
            {
                message = ToMessage(delivery);
            }
            catch (FormatException e)
            {
                logger.LogError(e, "Dead-lettering a message without an event id or type from {Queue}", connector.Names.Queue(group));
                await SettleAsync(channel, delivery.DeliveryTag, ack: false, requeue: false);
                return;
            }

            try
            {
                await dispatcher.HandleAsync(group, message, null, stoppingToken);
                _failures.TryRemove(message.Id, out _);
                await SettleAsync(channel, delivery.DeliveryTag, ack: true, requeue: false);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                var deliveries = Math.Max(DeliveryCount(delivery.BasicProperties.Headers) + 1, _failures.AddOrUpdate(message.Id, 1, (_, n) => n + 1));
                var max = connector.Options.MaxDeliveries;
                if (deliveries >= max)
                {
                    logger.LogError(e, "Event {Type} {Id} failed in group {Group} on delivery {Delivery} of {Max}; dead-lettering it",
                        message.Type, message.Id, group, deliveries, max);
                    _failures.TryRemove(message.Id, out _);
                    await SettleAsync(channel, delivery.DeliveryTag, ack: false, requeue: false);
                }
                else
                {
                    logger.LogWarning(e, "Event {Type} {Id} failed in group {Group} (delivery {Delivery} of {Max}); requeueing it",
                        message.Type, message.Id, group, deliveries, max);
                    await PauseAsync(deliveries, stoppingToken);
                    await SettleAsync(channel, delivery.DeliveryTag, ack: false, requeue: true);
                }
            }
        };
        await channel.BasicConsumeAsync(connector.Names.Queue(group), autoAck: false, consumerTag: "", noLocal: false, exclusive: false,
            arguments: null, consumer, stoppingToken);
        return channel;
    }

    /// <summary>
    /// Reads the event stream for <paramref name="group"/> from its stored offset. Deliveries go, in order, to a loop
    /// that takes them in batches (up to <see cref="EventOptions.ConsumerBatchSize"/>, waiting at most
    /// <see cref="EventOptions.ConsumerBatchWait"/> for a batch to fill) and handles each batch in one transaction
    /// with the offset after its last event (<see cref="EventDispatcher.HandleBatchAsync"/>), then acknowledges it.
    /// </summary>
    private async Task<StreamReading> ConsumeStreamAsync(IConnection connection, string group, HashSet<string> types, TaskCompletionSource lost,
        CancellationToken stoppingToken)
    {
        var stream = connector.Names.Stream;
        // Unacknowledged deliveries bound a batch: room for two, so the next one arrives while one commits.
        var channel = await OpenConsumerChannelAsync(connection, lost, Math.Max(connector.Options.Prefetch, 2 * options.Value.ConsumerBatchSize),
            stoppingToken);
        var next = await StreamOffsets.GetAsync(database, group, stream, stoppingToken);
        var inbox = Channel.CreateUnbounded<StreamDelivery>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (sender, delivery) =>
        {
            var properties = delivery.BasicProperties;
            long? offset = TryStreamOffset(properties.Headers, out var value) ? value : null;
            OutboxMessage? message = null;
            if (offset is not null && types.Contains(properties.Type ?? ""))
            {
                try
                {
                    message = ToMessage(delivery);
                }
                catch (FormatException e)
                {
                    logger.LogError(e, "Skipping a streamed message without an event id at offset {Offset}", offset);
                }
            }

            // The body is the client's buffer only during this call: a message to handle keeps a copy.
            inbox.Writer.TryWrite(message is null
                ? new StreamDelivery(delivery.DeliveryTag, offset, null, null, null)
                : new StreamDelivery(delivery.DeliveryTag, offset, message, new BasicProperties(properties), delivery.Body.ToArray()));
            return Task.CompletedTask;
        };
        channel.ChannelShutdownAsync += (_, _) =>
        {
            inbox.Writer.TryComplete();
            return Task.CompletedTask;
        };
        var loop = Task.Run(() => HandleStreamAsync(channel, group, stream, inbox.Reader, stoppingToken), CancellationToken.None);
        // Streams need manual acknowledgement and a prefetch; the offset argument says where reading starts.
        await channel.BasicConsumeAsync(stream, autoAck: false, consumerTag: "", noLocal: false, exclusive: false,
            arguments: new Dictionary<string, object?> { ["x-stream-offset"] = next is { } from ? from : "first" }, consumer, stoppingToken);
        logger.LogInformation("Group {Group} reads {Stream} from {Offset}", group, stream, next?.ToString(CultureInfo.InvariantCulture) ?? "the first event kept");
        return new StreamReading(channel, inbox.Writer, loop);
    }

    private async Task HandleStreamAsync(IChannel channel, string group, string stream, ChannelReader<StreamDelivery> inbox, CancellationToken stoppingToken)
    {
        var batchSize = options.Value.ConsumerBatchSize;
        var wait = options.Value.ConsumerBatchWait;
        var batch = new List<StreamDelivery>(batchSize);
        try
        {
            while (await inbox.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < batchSize && inbox.TryRead(out var delivery))
                {
                    batch.Add(delivery);
                }

                if (batch.Count < batchSize && wait > TimeSpan.Zero)
                {
                    await FillAsync(batch, inbox, batchSize, wait, stoppingToken);
                }

                await HandleStreamBatchAsync(channel, group, stream, batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was not acknowledged is read again from the stored offset.
        }
        catch (Exception e)
        {
            // The channel is gone or the database failed past its retries: the connection is reopened and reading resumes from the stored offset.
            logger.LogWarning(e, "Reading {Stream} for group {Group} stopped; resuming from the stored offset", stream, group);
            await CloseQuietlyAsync(channel);
        }
    }

    /// <summary>Adds what arrives within <paramref name="wait"/> to a batch that is not full yet.</summary>
    private async Task FillAsync(List<StreamDelivery> batch, ChannelReader<StreamDelivery> inbox, int batchSize, TimeSpan wait,
        CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(wait, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        while (batch.Count < batchSize)
        {
            try
            {
                if (!await inbox.WaitToReadAsync(linked.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                return;
            }

            while (batch.Count < batchSize && inbox.TryRead(out var delivery))
            {
                batch.Add(delivery);
            }
        }
    }

    /// <summary>
    /// One transaction for the batch's events and the offset after it, then one acknowledgement for all of it. If the
    /// batch fails, its events are handled one at a time (a poison event is dead-lettered alone, as before batches).
    /// </summary>
    private async Task HandleStreamBatchAsync(IChannel channel, string group, string stream, List<StreamDelivery> batch, CancellationToken stoppingToken)
    {
        var messages = batch.Where(d => d.Message is not null).Select(d => d.Message!).ToList();
        var last = batch.Max(d => d.Offset);
        var handled = messages.Count == 0;
        if (!handled && last is { } lastOffset && messages.All(m => dispatcher.CanBatch(group, m.Type)))
        {
            try
            {
                await dispatcher.HandleBatchAsync(group, messages,
                    (c, t) => StreamOffsets.SaveAsync(c, t, group, stream, lastOffset + 1, clock.GetUtcNow(), stoppingToken), stoppingToken);
                handled = true;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "A batch of {Count} streamed events failed in group {Group}; handling them one at a time", messages.Count, group);
            }
        }

        if (!handled)
        {
            foreach (var delivery in batch.Where(d => d.Message is not null))
            {
                await HandleStreamedOneAsync(channel, group, stream, delivery, stoppingToken);
            }
        }

        // Every delivery of this channel passes through here in order, so one acknowledgement covers the batch.
        await SettleAsync(channel, batch[^1].Tag, ack: true, requeue: false, multiple: true);
    }

    private async Task HandleStreamedOneAsync(IChannel channel, string group, string stream, StreamDelivery delivery, CancellationToken stoppingToken)
    {
        var message = delivery.Message!;
        var offset = delivery.Offset!.Value;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await dispatcher.HandleAsync(group, message, (c, t) => StreamOffsets.SaveAsync(c, t, group, stream, offset + 1, clock.GetUtcNow(), stoppingToken),
                    stoppingToken);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (attempt < connector.Options.MaxDeliveries)
                {
                    logger.LogWarning(e, "Streamed event {Type} {Id} failed in group {Group} (attempt {Attempt}); retrying", message.Type, message.Id, group, attempt);
                    await PauseAsync(attempt, stoppingToken);
                    continue;
                }

                // A stream cannot reject one message; it is copied to the group's dead queue and the group moves on.
                logger.LogError(e, "Streamed event {Type} {Id} failed in group {Group} {Attempt} times; dead-lettering it", message.Type, message.Id, group, attempt);
                await channel.BasicPublishAsync(connector.Names.DeadExchange, group, mandatory: false, delivery.Properties!, delivery.Body!, stoppingToken);
                await database.InTransactionAsync(async (c, t) =>
                {
                    await StreamOffsets.SaveAsync(c, t, group, stream, offset + 1, clock.GetUtcNow(), stoppingToken);
                    return 0;
                }, stoppingToken);
                return;
            }
        }
    }

    private static async Task<IChannel> OpenConsumerChannelAsync(IConnection connection, TaskCompletionSource lost, int prefetch, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        channel.ChannelShutdownAsync += (_, _) =>
        {
            lost.TrySetResult();
            return Task.CompletedTask;
        };
        await channel.BasicQosAsync(0, (ushort)Math.Min(ushort.MaxValue, prefetch), global: false, cancellationToken);
        return channel;
    }

    private static OutboxMessage ToMessage(BasicDeliverEventArgs delivery)
    {
        var properties = delivery.BasicProperties;
        var id = Guid.Parse(properties.MessageId ?? throw new FormatException("The message has no message id."), CultureInfo.InvariantCulture);
        var type = properties.Type is { Length: > 0 } t ? t : throw new FormatException("The message has no type.");
        var occurredAt = DateTimeOffset.FromUnixTimeSeconds(properties.Timestamp.UnixTime);
        return new OutboxMessage(id, type, Encoding.UTF8.GetString(delivery.Body.Span), occurredAt, 0);
    }

    /// <summary>Quorum queues count earlier deliveries in x-delivery-count; classic queues do not.</summary>
    private static int DeliveryCount(IDictionary<string, object?>? headers) =>
        headers is not null && headers.TryGetValue("x-delivery-count", out var value) && value is not null
            ? (int)Convert.ToInt64(value, CultureInfo.InvariantCulture)
            : 0;

    private static bool TryStreamOffset(IDictionary<string, object?>? headers, out long offset)
    {
        offset = 0;
        if (headers is null || !headers.TryGetValue("x-stream-offset", out var value) || value is null)
        {
            return false;
        }

        offset = Convert.ToInt64(value, CultureInfo.InvariantCulture);
        return true;
    }

    private static Task PauseAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 200 * attempt)), cancellationToken);

    /// <summary>Acks or nacks; a channel that closed meanwhile redelivers the message anyway, so that failure is only logged.</summary>
    private async Task SettleAsync(IChannel channel, ulong tag, bool ack, bool requeue, bool multiple = false)
    {
        try
        {
            if (ack)
            {
                await channel.BasicAckAsync(tag, multiple);
            }
            else
            {
                await channel.BasicNackAsync(tag, multiple: false, requeue);
            }
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or ObjectDisposedException)
        {
            logger.LogDebug(e, "Channel closed before delivery {Tag} was settled; the broker delivers it again", tag);
        }
    }

    private static async Task CloseQuietlyAsync(IChannel channel)
    {
        try
        {
            await channel.DisposeAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The connection is going or gone.
        }
    }
}

/// <summary>One delivery from the event stream: its offset, and the message when it is one the group handles (with what dead-lettering needs).</summary>
internal sealed record StreamDelivery(ulong Tag, long? Offset, OutboxMessage? Message, BasicProperties? Properties, byte[]? Body);

/// <summary>A stream consumer's channel, the inbox its deliveries go to, and the loop handling them in batches.</summary>
internal sealed record StreamReading(IChannel Channel, ChannelWriter<StreamDelivery> Inbox, Task Loop);

/// <summary>Where each consumer group stands in a stream: the offset of the next event it has not handled.</summary>
internal static class StreamOffsets
{
    public static async Task<long?> GetAsync(Database database, string group, string stream, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT next_offset FROM event_stream_offsets WHERE consumer_group = @group AND stream = @stream",
            new { group, stream }, cancellationToken: cancellationToken));
    }

    /// <summary>Moves the group's position forward (never back: a slower duplicate consumer cannot rewind it).</summary>
    public static Task SaveAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, string group, string stream,
        long next, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO event_stream_offsets (consumer_group, stream, next_offset, updated_at) VALUES (@group, @stream, @next, @now)
            ON CONFLICT (consumer_group, stream) DO UPDATE SET next_offset = excluded.next_offset, updated_at = excluded.updated_at
            WHERE event_stream_offsets.next_offset < excluded.next_offset
            """, new { group, stream, next, now }, transaction, cancellationToken: cancellationToken));
}
