using System.Data;
using System.Data.Common;
using Airwave.Analytics.Listens.Contracts;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Analytics.Listens.Data;

/// <summary>A listen session's row as the consumer reads it before adding a batch's events.</summary>
internal sealed record StoredListenSession
{
    public required Guid EpisodeId { get; init; }
    public required string ListenerKey { get; init; }
    public required string SessionId { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public double? DurationSeconds { get; init; }
    public required int Events { get; init; }

    /// <summary>The union of the ranges played (JSON); null on a new row and on rows written before ADR 0022.</summary>
    public string? PlayedRanges { get; init; }

    /// <summary>A row written before the ranges were kept: its state has to be rebuilt from its stored events once.</summary>
    public bool NeedsRebuild => PlayedRanges is null && Events > 0;

    /// <summary>What the row holds; null for a row without events yet (the placeholder <see cref="ListenSessionStore.EnsureAsync"/> made).</summary>
    public ListenSessionState? State => PlayedRanges is null ? null : new ListenSessionState(StartedAt, DurationSeconds, ListenSessionState.ParseRanges(PlayedRanges));
}

/// <summary>
/// listen_sessions: one row per (episode, listener, session), kept by <see cref="UpdateListenSessions"/> a batch at a
/// time. Rows are made to exist in a fixed order, then read under lock, so two consumers working on the same session at
/// once (several analytics processes) wait for each other instead of writing an older picture over a newer one.
/// Statements take a few hundred sessions each, so a batch costs a handful of round trips, not several per session.
/// </summary>
internal static class ListenSessionStore
{
    /// <summary>Sessions per statement: 12 parameters each stays far below SQLite's and PostgreSQL's limits.</summary>
    private const int PerStatement = 200;

    /// <summary>
    /// Makes sure every session's row exists (an empty placeholder, rewritten in the same transaction). In the given
    /// order: an insert waits for a concurrent insert of the same row, and a fixed order keeps those waits from
    /// forming a cycle.
    /// </summary>
    public static async Task EnsureAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ListenSessionKey> keys, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        foreach (var chunk in keys.Chunk(PerStatement))
        {
            var parameters = new DynamicParameters();
            parameters.Add("now", now);
            var rows = new List<string>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                parameters.Add($"e{i}", chunk[i].EpisodeId);
                parameters.Add($"l{i}", chunk[i].ListenerKey);
                parameters.Add($"s{i}", chunk[i].SessionId);
                parameters.Add($"p{i}", chunk[i].PodcastId);
                rows.Add($"(@e{i}, @l{i}, @s{i}, @p{i}, '', @now, 0, NULL, NULL, 0, NULL, @now)");
            }

            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO listen_sessions (episode_id, listener_key, session_id, podcast_id, day, started_at, listened_seconds,
                    duration_seconds, completion, events, played_ranges, updated_at)
                VALUES {string.Join(", ", rows)}
                ON CONFLICT (episode_id, listener_key, session_id) DO NOTHING
                """, parameters, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>Reads the sessions' rows and holds their locks until the transaction ends (PostgreSQL; SQLite has one writer anyway).</summary>
    public static async Task<IReadOnlyDictionary<(Guid, string, string), StoredListenSession>> LockAsync(DbConnection connection,
        DbTransaction transaction, SqlDialect dialect, IReadOnlyList<ListenSessionKey> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<(Guid, string, string), StoredListenSession>();
        foreach (var chunk in keys.Chunk(PerStatement))
        {
            var (where, parameters) = KeyCondition(chunk);
            // Ordered, so PostgreSQL takes the row locks in one order in every consumer.
            var rows = await connection.QueryAsync<StoredListenSession>(new CommandDefinition(
                $"""
                SELECT episode_id, listener_key, session_id, started_at, duration_seconds, events, played_ranges FROM listen_sessions
                WHERE {where}
                ORDER BY episode_id, listener_key, session_id
                {dialect.LockRowsClause}
                """, parameters, transaction, cancellationToken: cancellationToken));
            foreach (var row in rows)
            {
                found[(row.EpisodeId, row.ListenerKey, row.SessionId)] = row;
            }
        }

        return found;
    }

    /// <summary>Rewrites the sessions' rows (each exists and is locked: <see cref="EnsureAsync"/>, <see cref="LockAsync"/>).</summary>
    public static async Task WriteAsync(DbConnection connection, DbTransaction transaction,
        IReadOnlyList<(ListenSessionKey Key, ListenSessionSummary Summary, string PlayedRanges)> sessions, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        foreach (var chunk in sessions.Chunk(PerStatement))
        {
            var parameters = new DynamicParameters();
            parameters.Add("now", now);
            var rows = new List<string>(chunk.Length);
            for (var i = 0; i < chunk.Length; i++)
            {
                var (key, summary, ranges) = chunk[i];
                parameters.Add($"e{i}", key.EpisodeId);
                parameters.Add($"l{i}", key.ListenerKey);
                parameters.Add($"s{i}", key.SessionId);
                parameters.Add($"p{i}", key.PodcastId);
                parameters.Add($"d{i}", summary.Day);
                parameters.Add($"t{i}", summary.StartedAt);
                parameters.Add($"ls{i}", summary.ListenedSeconds, DbType.Double);
                parameters.Add($"ds{i}", summary.DurationSeconds, DbType.Double);
                parameters.Add($"c{i}", summary.Completion, DbType.Double);
                parameters.Add($"n{i}", summary.Events, DbType.Int32);
                parameters.Add($"r{i}", ranges, DbType.String);
                rows.Add($"(@e{i}, @l{i}, @s{i}, @p{i}, @d{i}, @t{i}, @ls{i}, @ds{i}, @c{i}, @n{i}, @r{i}, @now)");
            }

            await connection.ExecuteAsync(new CommandDefinition(
                $"""
                INSERT INTO listen_sessions (episode_id, listener_key, session_id, podcast_id, day, started_at, listened_seconds,
                    duration_seconds, completion, events, played_ranges, updated_at)
                VALUES {string.Join(", ", rows)}
                ON CONFLICT (episode_id, listener_key, session_id) DO UPDATE SET day = excluded.day, started_at = excluded.started_at,
                    listened_seconds = excluded.listened_seconds, duration_seconds = excluded.duration_seconds,
                    completion = excluded.completion, events = excluded.events, played_ranges = excluded.played_ranges,
                    updated_at = excluded.updated_at
                """, parameters, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>"Row is one of these sessions", for a few hundred sessions (both databases accept it; the primary key serves it).</summary>
    internal static (string Where, DynamicParameters Parameters) KeyCondition(IReadOnlyList<ListenSessionKey> keys)
    {
        var parameters = new DynamicParameters();
        var terms = new List<string>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            parameters.Add($"e{i}", keys[i].EpisodeId);
            parameters.Add($"l{i}", keys[i].ListenerKey);
            parameters.Add($"s{i}", keys[i].SessionId);
            terms.Add($"(episode_id = @e{i} AND listener_key = @l{i} AND session_id = @s{i})");
        }

        return (string.Join(" OR ", terms), parameters);
    }
}
