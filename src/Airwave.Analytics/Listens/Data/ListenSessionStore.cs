using System.Data.Common;
using Airwave.Analytics.Listens.Contracts;
using Dapper;

namespace Airwave.Analytics.Listens.Data;

/// <summary>
/// listen_sessions: one row per (episode, listener, session), rewritten from the session's events by
/// <see cref="UpdateListenSessions"/>. Rows are taken in a fixed order and locked before the events are read, so two
/// handlers working on the same session at once (several analytics processes) cannot write an older picture over a newer.
/// </summary>
internal static class ListenSessionStore
{
    /// <summary>
    /// Makes sure the session's row exists and holds its lock until the transaction ends. The insert waits for a
    /// concurrent insert of the same row; the update then takes the row lock (PostgreSQL; SQLite has one writer anyway).
    /// </summary>
    public static async Task LockAsync(DbConnection connection, DbTransaction transaction, ListenSessionKey key, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var parameters = new { key.EpisodeId, key.PodcastId, key.ListenerKey, key.SessionId, now };
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO listen_sessions (episode_id, listener_key, session_id, podcast_id, day, started_at, listened_seconds,
                duration_seconds, completion, events, updated_at)
            VALUES (@EpisodeId, @ListenerKey, @SessionId, @PodcastId, '', @now, 0, NULL, NULL, 0, @now)
            ON CONFLICT (episode_id, listener_key, session_id) DO NOTHING
            """, parameters, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE listen_sessions SET updated_at = @now
            WHERE episode_id = @EpisodeId AND listener_key = @ListenerKey AND session_id = @SessionId
            """, parameters, transaction, cancellationToken: cancellationToken));
    }

    public static async Task WriteAsync(DbConnection connection, DbTransaction transaction, ListenSessionKey key, ListenSessionSummary summary,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE listen_sessions SET day = @Day, started_at = @StartedAt, listened_seconds = @ListenedSeconds,
                duration_seconds = @DurationSeconds, completion = @Completion, events = @Events, updated_at = @now
            WHERE episode_id = @EpisodeId AND listener_key = @ListenerKey AND session_id = @SessionId
            """,
            new
            {
                key.EpisodeId, key.ListenerKey, key.SessionId, summary.Day, summary.StartedAt, summary.ListenedSeconds,
                summary.DurationSeconds, summary.Completion, summary.Events, now,
            },
            transaction, cancellationToken: cancellationToken));
}
