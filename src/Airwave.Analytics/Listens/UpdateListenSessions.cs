using Airwave.Analytics.Listens.Contracts;
using Airwave.Analytics.Listens.Data;
using Airwave.Core.Data;
using Airwave.Core.Events;

namespace Airwave.Analytics.Listens;

/// <summary>
/// Keeps <c>listen_sessions</c> current: for each session named by a <see cref="PlaybackEventsRecorded"/>, reads all
/// its stored events and rewrites its row. Recomputing from the stored events (rather than adding what the message
/// carried) makes delivering the same message twice, or messages out of order, change nothing.
/// </summary>
internal sealed class UpdateListenSessions(Database database, TimeProvider clock) : IEventHandler<PlaybackEventsRecorded>
{
    public async Task HandleAsync(PlaybackEventsRecorded @event, CancellationToken cancellationToken)
    {
        // A fixed order of locking, so two handlers sharing sessions cannot deadlock each other.
        var keys = @event.Sessions.Distinct()
            .OrderBy(k => k.EpisodeId).ThenBy(k => k.ListenerKey, StringComparer.Ordinal).ThenBy(k => k.SessionId, StringComparer.Ordinal)
            .ToList();
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            var now = clock.GetUtcNow();
            foreach (var key in keys)
            {
                await ListenSessionStore.LockAsync(connection, transaction, key, now, cancellationToken);
                var events = await PlaybackEventStore.ForSessionAsync(connection, transaction, key, cancellationToken);
                if (events.Count > 0)
                {
                    await ListenSessionStore.WriteAsync(connection, transaction, key, ListenSession.Summarize([.. events]), now, cancellationToken);
                }
            }

            return keys.Count;
        }, cancellationToken);
    }
}
