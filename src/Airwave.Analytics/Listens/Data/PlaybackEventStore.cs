using System.Data.Common;
using Airwave.Analytics.Listens.Contracts;
using Dapper;

namespace Airwave.Analytics.Listens.Data;

/// <summary>An accepted playback event as stored.</summary>
internal sealed record PlaybackEventRow
{
    public required Guid Id { get; init; }
    public required string DedupKey { get; init; }
    public required Guid EpisodeId { get; init; }
    public required Guid PodcastId { get; init; }
    public required string ListenerKey { get; init; }
    public required string SessionId { get; init; }
    public long? Sequence { get; init; }
    public required string Type { get; init; }
    public required double PositionStart { get; init; }
    public required double PositionEnd { get; init; }
    public double? DurationSeconds { get; init; }

    /// <summary>The device's own time for the event, as sent.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The event's time by the server's clock (device clock corrected).</summary>
    public required DateTimeOffset OccurredAt { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>
/// playback_events: every accepted event, once. Writes happen in the request's transaction (with the outbox event);
/// the unique <c>dedup_key</c> decides what is new, also between concurrent identical requests: the second insert
/// waits for the first to commit and then inserts nothing.
/// </summary>
internal static class PlaybackEventStore
{
    /// <summary>Inserts the event unless one with its key is stored; true when it was new.</summary>
    public static async Task<bool> TryInsertAsync(DbConnection connection, DbTransaction transaction, PlaybackEventRow row, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO playback_events (id, dedup_key, episode_id, podcast_id, listener_key, session_id, sequence, type,
                position_start, position_end, duration_seconds, created_at, occurred_at, received_at)
            VALUES (@Id, @DedupKey, @EpisodeId, @PodcastId, @ListenerKey, @SessionId, @Sequence, @Type,
                @PositionStart, @PositionEnd, @DurationSeconds, @CreatedAt, @OccurredAt, @ReceivedAt)
            ON CONFLICT (dedup_key) DO NOTHING
            """, row, transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>Every stored event of one listening session.</summary>
    public static async Task<IReadOnlyList<SessionEvent>> ForSessionAsync(DbConnection connection, DbTransaction transaction, ListenSessionKey key,
        CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<SessionEvent>(new CommandDefinition(
            """
            SELECT type, position_start, position_end, duration_seconds, occurred_at FROM playback_events
            WHERE episode_id = @EpisodeId AND listener_key = @ListenerKey AND session_id = @SessionId
            """, key, transaction, cancellationToken: cancellationToken))];

    /// <summary>
    /// How many events are stored for each of the sessions (a session's <c>events</c> figure): one grouped count over
    /// the session index for a whole batch, instead of reading the events themselves.
    /// </summary>
    public static async Task<IReadOnlyDictionary<(Guid, string, string), int>> CountAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyList<ListenSessionKey> keys, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<(Guid, string, string), int>();
        foreach (var chunk in keys.Chunk(200))
        {
            var (where, parameters) = ListenSessionStore.KeyCondition(chunk);
            var rows = await connection.QueryAsync<SessionCount>(new CommandDefinition(
                $"""
                SELECT episode_id, listener_key, session_id, COUNT(*) AS events FROM playback_events
                WHERE {where}
                GROUP BY episode_id, listener_key, session_id
                """, parameters, transaction, cancellationToken: cancellationToken));
            foreach (var row in rows)
            {
                counts[(row.EpisodeId, row.ListenerKey, row.SessionId)] = (int)row.Events;
            }
        }

        return counts;
    }

    internal sealed record SessionCount
    {
        public required Guid EpisodeId { get; init; }
        public required string ListenerKey { get; init; }
        public required string SessionId { get; init; }
        public required long Events { get; init; }
    }
}
