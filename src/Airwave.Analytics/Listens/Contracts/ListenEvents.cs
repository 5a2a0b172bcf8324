using Airwave.Core.Events;

namespace Airwave.Analytics.Listens.Contracts;

/// <summary>
/// Playback events were accepted (one of these per request, however many events it carried), written in the same
/// transaction as the events. It names the listening sessions that gained events and carries what each new event adds
/// to its session (<see cref="Recorded"/>), so the analytics consumer merges them into the stored session instead of
/// reading every event of it again (ADR 0022). Merging is a minimum, a maximum and a union, so neither the order of
/// these messages nor their transport matters; the consumer group's processed ids keep one from being merged twice.
/// </summary>
/// <param name="Sessions">Each session that gained at least one event, once.</param>
public sealed record PlaybackEventsRecorded(Guid Id, DateTimeOffset OccurredAt, IReadOnlyList<ListenSessionKey> Sessions) : IEvent
{
    /// <summary>
    /// The events accepted, each pointing into <see cref="Sessions"/>. Null in messages written before it existed:
    /// their sessions are rebuilt from the stored events.
    /// </summary>
    public IReadOnlyList<RecordedPlayback>? Recorded { get; init; }
}

/// <summary>What one accepted event adds to its listen session.</summary>
/// <param name="Session">Its session, as an index into <see cref="PlaybackEventsRecorded.Sessions"/>.</param>
/// <param name="DurationSeconds">The episode's duration when the event was accepted, if known.</param>
/// <param name="OccurredAt">The event's time by the server's clock (as stored in <c>playback_events.occurred_at</c>).</param>
public sealed record RecordedPlayback(int Session, string Type, double PositionStart, double PositionEnd, double? DurationSeconds, DateTimeOffset OccurredAt);

/// <summary>One listener's listening to one episode in one player session.</summary>
/// <param name="ListenerKey">The account (<c>user:…</c>) or the hashed device (<c>device:…</c>); never a raw id.</param>
/// <param name="SessionId">The player's session id, as sent.</param>
public sealed record ListenSessionKey(Guid EpisodeId, Guid PodcastId, string ListenerKey, string SessionId);
