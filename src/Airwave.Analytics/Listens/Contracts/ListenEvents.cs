using Airwave.Core.Events;

namespace Airwave.Analytics.Listens.Contracts;

/// <summary>
/// Playback events were accepted (one of these per request, however many events it carried). It names the listening
/// sessions that gained events rather than carrying the events, which are stored with it in the same transaction:
/// a handler recomputes each session from everything stored for it, so it does not matter in which order, how often
/// or by which transport (in-process relay, a message broker) these arrive.
/// </summary>
/// <param name="Sessions">Each session that gained at least one event, once.</param>
public sealed record PlaybackEventsRecorded(Guid Id, DateTimeOffset OccurredAt, IReadOnlyList<ListenSessionKey> Sessions) : IEvent;

/// <summary>One listener's listening to one episode in one player session.</summary>
/// <param name="ListenerKey">The account (<c>user:…</c>) or the hashed device (<c>device:…</c>); never a raw id.</param>
/// <param name="SessionId">The player's session id, as sent.</param>
public sealed record ListenSessionKey(Guid EpisodeId, Guid PodcastId, string ListenerKey, string SessionId);
