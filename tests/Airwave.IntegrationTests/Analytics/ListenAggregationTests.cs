using System.Globalization;
using System.Net;
using Airwave.Analytics.Listens;
using Airwave.Analytics.Listens.Contracts;
using Airwave.Core.Data;
using Airwave.Core.Events;
using Airwave.IntegrationTests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Analytics;

/// <summary>
/// The analytics consumer in batches (ADR 0022), on a real server and database: real playback messages from HTTP
/// handled again many to one transaction with duplicates inside a batch and across batches, and redelivered after
/// their commit (the crash between commit and acknowledgement), must leave exactly the rows a full rebuild from the
/// stored events gives, each message recorded once.
/// </summary>
public abstract class ListenAggregationTests(ServerFixture server)
{
    private static readonly string Type = EventRegistry.NameOf(typeof(PlaybackEventsRecorded));

    [Fact]
    public async Task Batches_DuplicatesInsideAndAcross_SameRowsAsRebuild_EachMessageOnce()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        var start = DateTimeOffset.UtcNow.AddHours(-2);
        await SendSessionsAsync(episodeId, start);
        await server.SettlePlaybackAsync();
        var messages = await MessagesAsync(episodeId);
        messages.Count.ShouldBe(6);
        var expected = await RowsAsync(episodeId);
        expected.Count.ShouldBe(3);
        await ShouldMatchRebuildAsync(episodeId, expected);

        // Forget what the relay did, then hand the same messages over again in batches with duplicates.
        await ForgetAsync(episodeId, messages);
        var dispatcher = server.Services.GetRequiredService<EventDispatcher>();
        var group = EventConsumer.Analytics.Group;
        var first = await dispatcher.HandleBatchAsync(group, [messages[0], messages[1], messages[0], messages[2], messages[1]], null, CancellationToken.None);
        first.ShouldBe([messages[0].Id, messages[1].Id, messages[2].Id], ignoreOrder: true);
        var second = await dispatcher.HandleBatchAsync(group, [messages[2], messages[3], messages[4], messages[5], messages[3]], null, CancellationToken.None);
        second.ShouldBe([messages[3].Id, messages[4].Id, messages[5].Id], ignoreOrder: true);

        (await RowsAsync(episodeId)).ShouldBe(expected);
        (await ProcessedAsync(messages)).ShouldBe(6);

        // Committed but never acknowledged: the whole lot comes again, in one batch and one at a time. Nothing moves.
        (await dispatcher.HandleBatchAsync(group, [.. messages.AsEnumerable().Reverse()], null, CancellationToken.None)).ShouldBeEmpty();
        foreach (var message in messages)
        {
            (await dispatcher.HandleAsync(group, message, null, CancellationToken.None)).ShouldBeFalse();
        }

        (await RowsAsync(episodeId)).ShouldBe(expected);
        (await ProcessedAsync(messages)).ShouldBe(6);
    }

    [Fact]
    public async Task OneMessageABatch_OrAllInOne_InAnyOrder_SameRows()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        await SendSessionsAsync(episodeId, DateTimeOffset.UtcNow.AddHours(-3));
        await server.SettlePlaybackAsync();
        var messages = await MessagesAsync(episodeId);
        var expected = await RowsAsync(episodeId);
        var dispatcher = server.Services.GetRequiredService<EventDispatcher>();

        await ForgetAsync(episodeId, messages);
        foreach (var message in messages.AsEnumerable().Reverse())
        {
            await dispatcher.HandleBatchAsync(EventConsumer.Analytics.Group, [message], null, CancellationToken.None);
        }

        (await RowsAsync(episodeId)).ShouldBe(expected);

        await ForgetAsync(episodeId, messages);
        await dispatcher.HandleBatchAsync(EventConsumer.Analytics.Group, [.. messages.OrderBy(m => m.Id.ToString("N")[^4..], StringComparer.Ordinal)],
            null, CancellationToken.None);
        (await RowsAsync(episodeId)).ShouldBe(expected);
    }

    [Fact]
    public async Task RelayRedeliversAfterCommit_NothingCountedTwice()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        await SendSessionsAsync(episodeId, DateTimeOffset.UtcNow.AddHours(-1));
        await server.SettlePlaybackAsync();
        var messages = await MessagesAsync(episodeId);
        var expected = await RowsAsync(episodeId);

        // The crash between the consumer's commit and the relay recording the delivery: the rows go out again.
        await server.ExecuteSqlAsync($"UPDATE outbox_events SET dispatched_at = NULL WHERE type = @Type AND payload LIKE @like",
            new { Type, like = $"%{episodeId}%" });
        await server.SettlePlaybackAsync();

        (await RowsAsync(episodeId)).ShouldBe(expected);
        (await ProcessedAsync(messages)).ShouldBe(messages.Count);
    }

    [Fact]
    public async Task BatchWithAFailingMessage_NothingOfItCommitted()
    {
        var (_, _, episodeId, _) = await server.ListenShowAsync();
        await SendSessionsAsync(episodeId, DateTimeOffset.UtcNow.AddHours(-1));
        await server.SettlePlaybackAsync();
        var messages = await MessagesAsync(episodeId);
        var expected = await RowsAsync(episodeId);
        await ForgetAsync(episodeId, messages);

        // A message whose payload cannot be read fails the batch: neither the sessions nor any processed id commit.
        var broken = new OutboxMessage(Guid.CreateVersion7(), Type, "{\"id\":", DateTimeOffset.UtcNow, 0);
        var dispatcher = server.Services.GetRequiredService<EventDispatcher>();
        await Should.ThrowAsync<Exception>(() => dispatcher.HandleBatchAsync(EventConsumer.Analytics.Group, [.. messages, broken], null, CancellationToken.None));
        (await RowsAsync(episodeId)).ShouldBeEmpty();
        (await ProcessedAsync([.. messages, broken])).ShouldBe(0);

        (await dispatcher.HandleBatchAsync(EventConsumer.Analytics.Group, messages, null, CancellationToken.None)).Count.ShouldBe(messages.Count);
        (await RowsAsync(episodeId)).ShouldBe(expected);
    }

    /// <summary>
    /// Six requests, three sessions of two devices: ranges overlapping and out of order, a seek, a late event from
    /// before the session began, and one request repeating earlier events (duplicates that store nothing).
    /// </summary>
    private async Task SendSessionsAsync(Guid episodeId, DateTimeOffset start)
    {
        using var client = server.Client();
        await BatchAsync(client, Event(episodeId, "dev-a", "s1", 60, 120, start.AddSeconds(120), "a1"), Event(episodeId, "dev-a", "s1", 100, 200, start.AddSeconds(200), "a2"));
        await BatchAsync(client, Event(episodeId, "dev-a", "s1", 0, 60, start.AddSeconds(60), "a3"), Event(episodeId, "dev-a", "s1", 200, 450, start.AddSeconds(450), "a4", "seek"));
        await BatchAsync(client, Event(episodeId, "dev-a", "s2", 500, 600, start.AddSeconds(900), "a5"), Event(episodeId, "dev-b", "s1", 0, 20, start.AddSeconds(30), "b1"));
        await BatchAsync(client, Event(episodeId, "dev-b", "s1", 20, 40, start.AddSeconds(50), "b2"), Event(episodeId, "dev-a", "s1", 0, 60, start.AddSeconds(60), "a3"));
        await BatchAsync(client, Event(episodeId, "dev-b", "s1", 0, 0, start.AddSeconds(-30), "b0", "play"));
        await BatchAsync(client, Event(episodeId, "dev-a", "s2", 590, 605, start.AddSeconds(1000), "a6", "complete"));
    }

    private static Dictionary<string, object?> Event(Guid episode, string device, string session, double from, double to, DateTimeOffset at, string id,
        string type = "progress") => new()
    {
        ["event_id"] = id,
        // Event ids are unique per device: a device of its own per episode keeps the tests apart.
        ["device_id"] = $"{device}-{episode:N}",
        ["episode_id"] = episode,
        ["session_id"] = session,
        ["type"] = type,
        ["position_start"] = from,
        ["position_end"] = to,
        ["created_at"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
    };
    private static async Task BatchAsync(HttpClient client, params object[] events)
    {
        var response = await client.PostJsonAsync("/api/v1/playback-events/batch", new { events });
        response.Status.ShouldBe(HttpStatusCode.OK, response.Body?.ToJsonString());
        response.Body!["results"]!.AsArray().Select(r => r!["status"]!.GetValue<string>()).ShouldAllBe(s => s != "rejected", response.Body.ToJsonString());
    }

    private async Task<List<OutboxMessage>> MessagesAsync(Guid episodeId)
    {
        await using var connection = await server.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<(string Id, string Payload)>(
            "SELECT CAST(id AS TEXT), payload FROM outbox_events WHERE type = @Type AND payload LIKE @like ORDER BY occurred_at, id",
            new { Type, like = $"%{episodeId}%" });
        return [.. rows.Select(r => new OutboxMessage(Guid.Parse(r.Id), Type, r.Payload, DateTimeOffset.UtcNow, 0))];
    }

    private async Task ForgetAsync(Guid episodeId, IReadOnlyList<OutboxMessage> messages)
    {
        await server.ExecuteSqlAsync("DELETE FROM listen_sessions WHERE episode_id = @episodeId", new { episodeId });
        foreach (var message in messages)
        {
            await server.ExecuteSqlAsync("DELETE FROM processed_events WHERE consumer_group = 'analytics' AND event_id = @Id", new { message.Id });
        }
    }

    private async Task<long> ProcessedAsync(IReadOnlyList<OutboxMessage> messages)
    {
        var total = 0L;
        foreach (var message in messages)
        {
            total += await server.CountSqlAsync("SELECT COUNT(*) FROM processed_events WHERE consumer_group = 'analytics' AND event_id = @Id", new { message.Id });
        }

        return total;
    }

    /// <summary>The session rows of the episode (everything but updated_at), in key order.</summary>
    private async Task<List<SessionRow>> RowsAsync(Guid episodeId)
    {
        await using var connection = await server.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None);
        return [.. await connection.QueryAsync<SessionRow>(
            """
            SELECT listener_key, session_id, day, started_at, listened_seconds, duration_seconds, completion, events, played_ranges
            FROM listen_sessions WHERE episode_id = @episodeId ORDER BY listener_key, session_id
            """, new { episodeId })];
    }

    /// <summary>Each row equals <see cref="ListenSession.Summarize"/> over all the session's stored events.</summary>
    private async Task ShouldMatchRebuildAsync(Guid episodeId, IReadOnlyList<SessionRow> rows)
    {
        await using var connection = await server.Services.GetRequiredService<Database>().OpenAsync(CancellationToken.None);
        foreach (var row in rows)
        {
            var events = (await connection.QueryAsync<SessionEvent>(
                """
                SELECT type, position_start, position_end, duration_seconds, occurred_at FROM playback_events
                WHERE episode_id = @episodeId AND listener_key = @ListenerKey AND session_id = @SessionId
                """, new { episodeId, row.ListenerKey, row.SessionId })).ToList();
            var rebuilt = ListenSession.Summarize(events);
            new SessionRow
            {
                ListenerKey = row.ListenerKey,
                SessionId = row.SessionId,
                Day = rebuilt.Day,
                StartedAt = rebuilt.StartedAt,
                ListenedSeconds = rebuilt.ListenedSeconds,
                DurationSeconds = rebuilt.DurationSeconds,
                Completion = rebuilt.Completion,
                Events = rebuilt.Events,
                PlayedRanges = row.PlayedRanges,
            }.ShouldBe(row);
        }

        rows.Sum(r => r.Events).ShouldBe(9, "nine distinct events were stored");
    }

    internal sealed record SessionRow
    {
        public required string ListenerKey { get; init; }
        public required string SessionId { get; init; }
        public required string Day { get; init; }
        public required DateTimeOffset StartedAt { get; init; }
        public required double ListenedSeconds { get; init; }
        public double? DurationSeconds { get; init; }
        public double? Completion { get; init; }
        public required int Events { get; init; }
        public string? PlayedRanges { get; init; }
    }
}

public sealed class SqliteListenAggregationTests(SqliteServer server) : ListenAggregationTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresListenAggregationTests(PostgresServer server) : ListenAggregationTests(server), IClassFixture<PostgresServer>;
