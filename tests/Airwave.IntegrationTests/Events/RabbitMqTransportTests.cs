using Airwave.Core.Events;
using Airwave.Core.Hosting;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Events;

/// <summary>
/// The RabbitMQ transport against a real broker and both databases: publish with confirms and consume once per
/// group, duplicates handled once, dead-lettering after the delivery limit, the stream with offsets kept in the
/// database (resume and replay), the broker going away mid-flow, and the classic-queue fallback.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public abstract class RabbitMqTransportTests(string provider)
{
    private const string Outstanding = "SELECT COUNT(*) FROM outbox_events WHERE dispatched_at IS NULL";

    [Fact]
    public async Task Publish_EachGroupHandlesEachEventOnce_RowsDispatchedAfterConfirm()
    {
        await using var bus = await EventBusHarness.CreateAsync(provider);
        var pings = Enumerable.Range(1, 40).Select(Pinged.New).ToArray();
        await bus.AppendAsync(pings);
        await bus.RelayAllAsync();
        (await bus.CountAsync(Outstanding)).ShouldBe(0);
        // Published before any consumer ran: the queues were declared by the publisher and kept the events.
        (await TestRabbitMq.ReadyAsync(bus.Names.Queue("pings"))).ShouldBe(40u);

        await bus.StartAsync();
        await EventBusHarness.WaitUntilAsync(async () => (await bus.TallyAsync("ping")).Count == 40 && bus.Counter.Calls.Count == 40, "40 pings in both groups");
        await EventBusHarness.WaitUntilAsync(async () => await bus.CountAsync("SELECT COUNT(*) FROM processed_events") == 80, "80 processed rows");
        (await bus.TallyAsync("ping")).Values.ShouldAllBe(n => n == 1);
        bus.Counter.Calls.Values.ShouldAllBe(n => n == 1);
        (await bus.CountAsync("SELECT COUNT(*) FROM outbox_events WHERE attempts > 0 OR dead_at IS NOT NULL")).ShouldBe(0);
    }

    [Fact]
    public async Task DuplicateDelivery_SameEventPublishedTwice_HandledOnce()
    {
        await using var bus = await EventBusHarness.CreateAsync(provider);
        await bus.StartAsync();
        await bus.AppendAsync([.. Enumerable.Range(1, 10).Select(Pinged.New)]);
        await bus.RelayAllAsync();
        await EventBusHarness.WaitUntilAsync(async () => (await bus.TallyAsync("ping")).Count == 10, "the first delivery");

        // The relay publishes the same rows again, as after a crash between the broker's confirm and the row update.
        await bus.ExecuteAsync("UPDATE outbox_events SET dispatched_at = NULL");
        await bus.RelayAllAsync();
        // A later event in the same queues: once it is handled, the duplicates before it were consumed.
        await bus.AppendAsync(Pinged.New(11));
        await bus.RelayAllAsync();
        await EventBusHarness.WaitUntilAsync(async () => (await bus.TallyAsync("ping")).ContainsKey(11) && bus.Counter.Calls.ContainsKey(11), "the sentinel");

        (await bus.TallyAsync("ping")).Values.ShouldAllBe(n => n == 1);
        bus.Counter.Calls.Values.ShouldAllBe(n => n == 1);
    }

    [Fact]
    public async Task FailingEvent_DeadLetteredAfterMaxDeliveries_OthersFlow()
    {
        await using var bus = await EventBusHarness.CreateAsync(provider, maxDeliveries: 3);
        bus.Counter.Failing[7] = true;
        await bus.StartAsync();
        await bus.AppendAsync([.. Enumerable.Range(1, 12).Select(Pinged.New)]);
        await bus.RelayAllAsync();

        await EventBusHarness.WaitUntilAsync(async () => await TestRabbitMq.ReadyAsync(bus.Names.DeadQueue("pings")) == 1, "ping 7 in the dead queue");
        await EventBusHarness.WaitUntilAsync(() => Task.FromResult(bus.Counter.Calls.Count == 12), "every ping tried");
        bus.Counter.Calls[7].ShouldBe(3);
        bus.Counter.Calls.Where(c => c.Key != 7).ShouldAllBe(c => c.Value == 1);
        (await bus.CountAsync("SELECT COUNT(*) FROM processed_events WHERE consumer_group = 'pings'")).ShouldBe(11);
        // The other group was not held back by the failure.
        await EventBusHarness.WaitUntilAsync(async () => (await bus.TallyAsync("ping")).Count == 12, "the tally group");
        // The outbox did its part: the row was confirmed by the broker, the failure is the consumer's.
        (await bus.CountAsync(Outstanding)).ShouldBe(0);
    }

    [Fact]
    public async Task Stream_OffsetsInDatabase_RestartResumes_ResetReplays()
    {
        await using var bus = await EventBusHarness.CreateAsync(provider);
        await bus.AppendAsync([.. Enumerable.Range(1, 25).Select(Played.New)]);
        await bus.RelayAllAsync();
        (await TestRabbitMq.ReadyAsync(bus.Names.Queue("analytics"))).ShouldBe(0u, "streamed types do not go to the group queue");

        await bus.StartAsync();
        await EventBusHarness.WaitUntilAsync(async () => (await bus.TallyAsync("play")).Count == 25, "25 plays");
        await EventBusHarness.WaitUntilAsync(async () => await bus.CountAsync(
            "SELECT next_offset FROM event_stream_offsets WHERE consumer_group = 'analytics'") > 0, "the offset");
        await bus.StopAsync();

        // A restart reads on from the stored offset: the 25 are not handled again, the new one is.
        await bus.AppendAsync(Played.New(26));
        await bus.RelayAllAsync();
        await bus.StartAsync();
        await EventBusHarness.WaitUntilAsync(async () => (await bus.TallyAsync("play")).ContainsKey(26), "play 26");
        (await bus.TallyAsync("play")).Values.ShouldAllBe(n => n == 1);
        await bus.StopAsync();

        // Replay: the operator forgets the group's processed events and moves its offset back to the start.
        await bus.ExecuteAsync("DELETE FROM test_tally");
        await bus.ExecuteAsync("DELETE FROM processed_events WHERE consumer_group = 'analytics'");
        await bus.ExecuteAsync("UPDATE event_stream_offsets SET next_offset = 0 WHERE consumer_group = 'analytics'");
        await bus.StartAsync();
        await EventBusHarness.WaitUntilAsync(async () => (await bus.TallyAsync("play")).Count == 26, "the replay");
        (await bus.TallyAsync("play")).Values.ShouldAllBe(n => n == 1);
    }

    [Fact]
    public async Task Stream_HandledInBatches_RedeliveredAfterCommit_HandledOnce()
    {
        // A batch waits up to 5 s to fill, so the 200 events already in the stream are taken many to a transaction.
        await using var bus = await EventBusHarness.CreateAsync(provider, batchWait: TimeSpan.FromSeconds(5));
        await bus.AppendAsync([.. Enumerable.Range(1, 200).Select(Played.New)]);
        await bus.RelayAllAsync();
        await bus.StartAsync();
        await EventBusHarness.WaitUntilAsync(async () => (await bus.TallyAsync("play")).Count == 200, "200 plays");
        (await bus.TallyAsync("play")).Values.ShouldAllBe(n => n == 1);
        // One transaction records a whole batch with one time: fewer distinct times than events means batches.
        (await bus.CountAsync("SELECT COUNT(DISTINCT processed_at) FROM processed_events WHERE consumer_group = 'analytics'")).ShouldBeLessThan(200);
        await EventBusHarness.WaitUntilAsync(async () => await bus.CountAsync(
            "SELECT next_offset FROM event_stream_offsets WHERE consumer_group = 'analytics'") >= 200, "the offset past the last event");
        var end = await bus.CountAsync("SELECT next_offset FROM event_stream_offsets WHERE consumer_group = 'analytics'");
        await bus.StopAsync();

        // As if the process died after a commit and before its acknowledgement, with the offset not yet moved on:
        // the events come again, the processed ids turn them into no-ops, and the offset ends where it was.
        await bus.ExecuteAsync("UPDATE event_stream_offsets SET next_offset = 0 WHERE consumer_group = 'analytics'");
        await bus.AppendAsync(Played.New(201));
        await bus.RelayAllAsync();
        await bus.StartAsync();
        await EventBusHarness.WaitUntilAsync(async () => (await bus.TallyAsync("play")).ContainsKey(201), "play 201");
        (await bus.TallyAsync("play")).Values.ShouldAllBe(n => n == 1);
        await EventBusHarness.WaitUntilAsync(async () => await bus.CountAsync(
            "SELECT next_offset FROM event_stream_offsets WHERE consumer_group = 'analytics'") == end + 1, "the offset past play 201");
        (await bus.CountAsync("SELECT COUNT(*) FROM processed_events WHERE consumer_group = 'analytics'")).ShouldBe(201);
    }

    [Fact]
    public async Task BrokerStopped_RequestsStillWrite_EventsWaitAndFlowOnceWhenBack()
    {
        await using var bus = await EventBusHarness.CreateAsync(provider);
        await bus.StartAsync(relay: true);
        await bus.AppendAsync([.. Enumerable.Range(1, 20).Select(Pinged.New)]);
        await EventBusHarness.WaitUntilAsync(async () => (await bus.TallyAsync("ping")).Count == 20, "the first 20");

        await TestRabbitMq.StopAsync();
        try
        {
            // Writers are not held up: the events go to the outbox and wait there.
            for (var burst = 0; burst < 3; burst++)
            {
                await bus.AppendAsync([.. Enumerable.Range(21 + (burst * 10), 10).Select(Pinged.New)]);
            }

            await Should.ThrowAsync<EventTransportUnavailableException>(() => bus.Relay.DeliverDueAsync(CancellationToken.None));
            (await bus.CountAsync(Outstanding)).ShouldBe(30);
            (await bus.CountAsync("SELECT COUNT(*) FROM outbox_events WHERE attempts > 0")).ShouldBe(0, "the broker's absence is no event's failure");
        }
        finally
        {
            await TestRabbitMq.StartAsync();
        }

        // The background relay and consumers reconnect by themselves.
        await EventBusHarness.WaitUntilAsync(async () => (await bus.TallyAsync("ping")).Count == 50 && bus.Counter.Calls.Count == 50, "all 50 after the restart");
        // A consumer can finish before the relay has recorded the broker's confirm.
        await EventBusHarness.WaitUntilAsync(async () => await bus.CountAsync(Outstanding) == 0, "every row dispatched");
        (await bus.TallyAsync("ping")).Values.ShouldAllBe(n => n == 1);
        (await bus.CountAsync("SELECT COUNT(*) FROM processed_events WHERE consumer_group = 'tally'")).ShouldBe(50);
    }

    [Fact]
    public async Task QuorumRefused_ExistingClassicQueue_IsUsed()
    {
        await using var bus = await EventBusHarness.CreateAsync(provider);
        await using (var connection = await TestRabbitMq.ConnectAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            // A classic queue of the group's name: declaring it as quorum is refused (PRECONDITION_FAILED).
            await channel.QueueDeclareAsync(bus.Names.Queue("pings"), durable: true, exclusive: false, autoDelete: false);
        }

        await bus.StartAsync();
        await bus.AppendAsync([.. Enumerable.Range(1, 5).Select(Pinged.New)]);
        await bus.RelayAllAsync();
        await EventBusHarness.WaitUntilAsync(() => Task.FromResult(bus.Counter.Calls.Count == 5), "5 pings through the classic queue");
        bus.Counter.Calls.Values.ShouldAllBe(n => n == 1);
    }

    [Fact]
    public async Task Roles_ConsumersRunOnlyTheirGroups()
    {
        await using var bus = await EventBusHarness.CreateAsync(provider, roles: ServerRoles.Analytics);
        await bus.StartAsync();
        await bus.AppendAsync(Played.New(1), Pinged.New(1));
        await bus.RelayAllAsync();
        await EventBusHarness.WaitUntilAsync(async () => (await bus.TallyAsync("play")).Count == 1, "the analytics group");
        // The worker groups' queues keep their event for a worker.
        (await TestRabbitMq.ReadyAsync(bus.Names.Queue("pings"))).ShouldBe(1u);
        (await TestRabbitMq.ReadyAsync(bus.Names.Queue("tally"))).ShouldBe(1u);
    }
}

public sealed class SqliteRabbitMqTransportTests() : RabbitMqTransportTests("sqlite");

public sealed class PostgresRabbitMqTransportTests() : RabbitMqTransportTests("postgres");

/// <summary>The in-process transport through the same dispatcher: each group once, transactional handlers exactly once.</summary>
public sealed class InProcessTransportTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Relay_RunsEveryGroup_RetryRunsOnlyTheGroupThatFailed(string provider)
    {
        await using var bus = await EventBusHarness.CreateAsync(provider, transport: "in-process");
        bus.Counter.Failing[2] = true;
        await bus.AppendAsync(Pinged.New(1), Pinged.New(2), Played.New(3));
        await bus.Relay.DeliverDueAsync(CancellationToken.None);

        // Groups run in registration order: "pings" failed on ping 2, so "tally" has not seen it yet.
        (await bus.TallyAsync("ping")).ShouldBe(new Dictionary<int, int> { [1] = 1 });
        (await bus.TallyAsync("play")).ShouldBe(new Dictionary<int, int> { [3] = 1 });
        (await bus.CountAsync("SELECT attempts FROM outbox_events WHERE attempts > 0")).ShouldBe(1);
        (await bus.CountAsync(Outstanding)).ShouldBe(1);

        // The retry, and every event delivered once more: only what had not run for a group runs.
        bus.Counter.Failing.Clear();
        await bus.ExecuteAsync("UPDATE outbox_events SET available_at = occurred_at, dispatched_at = NULL");
        await bus.Relay.DeliverDueAsync(CancellationToken.None);
        (await bus.TallyAsync("ping")).ShouldBe(new Dictionary<int, int> { [1] = 1, [2] = 1 });
        (await bus.TallyAsync("play")).ShouldBe(new Dictionary<int, int> { [3] = 1 });
        bus.Counter.Calls[1].ShouldBe(1);
        bus.Counter.Calls[2].ShouldBe(2);
        (await bus.CountAsync(Outstanding)).ShouldBe(0);
    }

    private const string Outstanding = "SELECT COUNT(*) FROM outbox_events WHERE dispatched_at IS NULL";
}
