using System.Data.Common;
using Airwave.Analytics.Listens.Contracts;
using Airwave.Analytics.Listens.Data;
using Airwave.Core.Data;
using Airwave.Core.Events;

namespace Airwave.Analytics.Listens;

/// <summary>
/// Keeps <c>listen_sessions</c> current, a batch of <see cref="PlaybackEventsRecorded"/> at a time, in the
/// transaction that records the batch as processed for the analytics group (ADR 0022): every session the batch names
/// is made to exist and locked once, the new events of all its messages are merged into the session's stored state
/// (<see cref="ListenSessionState"/>: earliest time, longest duration, union of the ranges played), and each session
/// is written once. Merging is indifferent to order and batching, and the processed ids keep a message from being
/// merged twice, so redeliveries, replays, late and out-of-order events give the same rows as rebuilding every session
/// from all its events. Sessions stored before the ranges were kept, and messages written before they carried their
/// events, are rebuilt from the stored events instead (which the merge then continues from).
/// </summary>
internal sealed class UpdateListenSessions(Database database, TimeProvider clock) : IBatchEventHandler<PlaybackEventsRecorded>
{
    public async Task HandleBatchAsync(IReadOnlyList<PlaybackEventsRecorded> events, DbConnection connection, DbTransaction transaction,
        CancellationToken cancellationToken)
    {
        var added = new Dictionary<ListenSessionKey, List<SessionEvent>>();
        var rebuild = new HashSet<ListenSessionKey>();
        foreach (var message in events)
        {
            foreach (var key in message.Sessions)
            {
                added.TryAdd(key, []);
            }

            if (message.Recorded is null)
            {
                rebuild.UnionWith(message.Sessions);
                continue;
            }

            foreach (var e in message.Recorded)
            {
                added[message.Sessions[e.Session]].Add(new SessionEvent
                {
                    Type = e.Type,
                    PositionStart = e.PositionStart,
                    PositionEnd = e.PositionEnd,
                    DurationSeconds = e.DurationSeconds,
                    OccurredAt = e.OccurredAt,
                });
            }
        }

        // A fixed order of locking, so consumers sharing sessions cannot deadlock each other.
        var keys = added.Keys
            .OrderBy(k => k.EpisodeId).ThenBy(k => k.ListenerKey, StringComparer.Ordinal).ThenBy(k => k.SessionId, StringComparer.Ordinal)
            .ToList();
        if (keys.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        await ListenSessionStore.EnsureAsync(connection, transaction, keys, now, cancellationToken);
        var stored = await ListenSessionStore.LockAsync(connection, transaction, database.Dialect, keys, cancellationToken);
        var counts = await PlaybackEventStore.CountAsync(connection, transaction, keys, cancellationToken);
        var rows = new List<(ListenSessionKey, ListenSessionSummary, string)>(keys.Count);
        foreach (var key in keys)
        {
            var id = (key.EpisodeId, key.ListenerKey, key.SessionId);
            var row = stored[id];
            var state = rebuild.Contains(key) || row.NeedsRebuild
                ? ListenSessionState.Add(null, await PlaybackEventStore.ForSessionAsync(connection, transaction, key, cancellationToken))
                : ListenSessionState.Add(row.State, added[key]);
            if (state is not null)
            {
                rows.Add((key, state.Summarize(counts.GetValueOrDefault(id)), state.RangesJson()));
            }
        }

        await ListenSessionStore.WriteAsync(connection, transaction, rows, now, cancellationToken);
    }
}
