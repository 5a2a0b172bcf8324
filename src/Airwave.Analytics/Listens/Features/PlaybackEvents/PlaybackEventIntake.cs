using System.Text.Json.Serialization;
using Airwave.Analytics.Listens.Contracts;
using Airwave.Analytics.Listens.Data;
using Airwave.Catalog.Contracts;
using Airwave.Core.Data;
using Airwave.Core.Events;

namespace Airwave.Analytics.Listens.Features.PlaybackEvents;

/// <summary>What became of one event: <c>accepted</c>, <c>duplicate</c> (already stored) or <c>rejected</c> with the reason.</summary>
internal sealed record PlaybackEventResult(
    string? EventId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason)
{
    public const string Accepted = "accepted";
    public const string Duplicate = "duplicate";
    public const string Rejected = "rejected";
}

/// <summary>An event as it arrived: its fields, or the reason they could not be read (a batch item of the wrong shape).</summary>
internal sealed record IncomingEvent(PlaybackEventInput? Input, string? EventId, string? Problem);

/// <summary>
/// Judges and stores the events of one request (single or batch) the same way: each checked on its own (fields,
/// episode, time window, positions), the accepted ones written in one transaction with one
/// <see cref="PlaybackEventsRecorded"/> in the outbox, so either the events and the message that updates the figures
/// are both stored or neither is. A rejected or duplicate event never fails the others.
/// </summary>
internal sealed class PlaybackEventIntake(Database database, EventOutbox outbox, IListenableEpisodes episodes, TimeProvider clock)
{
    public const string UnknownEpisode = "unknown episode";

    /// <summary>
    /// A request that presents a bearer token which does not authenticate is refused (401) rather than counted as the
    /// device's: the app can refresh its token and send again, and its listening stays one listener's. Anonymous
    /// requests carry no Authorization header at all.
    /// </summary>
    public static ProblemHttpResult? RefuseUnauthenticatedToken(HttpContext http, ClaimsPrincipal user) =>
        http.Request.Headers.Authorization.Count > 0 && user.Identity?.IsAuthenticated != true
            ? Problems.Unauthorized("The bearer token is invalid, expired or revoked; refresh it and send again, or send no Authorization header.")
            : null;

    public async Task<IReadOnlyList<PlaybackEventResult>> RecordAsync(
        IReadOnlyList<IncomingEvent> incoming, DateTimeOffset? sentAt, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var arrival = clock.GetUtcNow();
        var results = new PlaybackEventResult?[incoming.Count];
        var rows = new (int Index, PlaybackEventRow Row, ListenSessionKey Session)[incoming.Count];
        var candidates = 0;
        var found = new Dictionary<string, (ListenableEpisode? Episode, string? Problem)>(StringComparer.Ordinal);
        for (var i = 0; i < incoming.Count; i++)
        {
            var (input, eventId, problem) = incoming[i];
            problem ??= PlaybackEventRules.ShapeProblem(input!);
            if (problem is not null)
            {
                results[i] = new PlaybackEventResult(eventId, PlaybackEventResult.Rejected, problem);
                continue;
            }

            var e = input!;
            var (episode, episodeProblem) = await FindEpisodeAsync(e, user, found, cancellationToken);
            var createdAt = PlaybackEventRules.ParseTime(e.CreatedAt!)!.Value;
            var occurredAt = PlaybackEventRules.EventTime(createdAt, sentAt, arrival);
            problem = episodeProblem
                ?? PlaybackEventRules.TimeProblem(occurredAt, arrival)
                ?? PlaybackEventRules.LengthProblem(e, episode!.DurationSeconds);
            if (problem is not null)
            {
                results[i] = new PlaybackEventResult(e.EventId, PlaybackEventResult.Rejected, problem);
                continue;
            }

            var listener = PlaybackEventRules.ListenerKey(user.UserId(), e.DeviceId!);
            var row = new PlaybackEventRow
            {
                Id = Guid.CreateVersion7(arrival),
                DedupKey = PlaybackEventRules.DedupKey(e, episode!.EpisodeId, createdAt),
                EpisodeId = episode.EpisodeId,
                PodcastId = episode.PodcastId,
                ListenerKey = listener,
                SessionId = e.SessionId!,
                Sequence = e.Sequence,
                Type = e.Type!,
                PositionStart = e.PositionStart!.Value,
                PositionEnd = e.PositionEnd!.Value,
                DurationSeconds = episode.DurationSeconds,
                CreatedAt = createdAt,
                OccurredAt = occurredAt,
                ReceivedAt = arrival,
            };
            rows[candidates++] = (i, row, new ListenSessionKey(episode.EpisodeId, episode.PodcastId, listener, e.SessionId!));
        }

        if (candidates > 0)
        {
            var recorded = await database.InTransactionAsync(async (connection, transaction) =>
            {
                var sessions = new List<ListenSessionKey>();
                var named = new Dictionary<ListenSessionKey, int>();
                var recorded = new List<RecordedPlayback>();
                // In key order: two requests holding the same events in different orders then wait for each other
                // instead of deadlocking (PostgreSQL locks each inserted key until commit).
                foreach (var (index, row, session) in rows.Take(candidates).OrderBy(r => r.Row.DedupKey, StringComparer.Ordinal))
                {
                    var isNew = await PlaybackEventStore.TryInsertAsync(connection, transaction, row, cancellationToken);
                    results[index] = new PlaybackEventResult(incoming[index].EventId,
                        isNew ? PlaybackEventResult.Accepted : PlaybackEventResult.Duplicate, null);
                    if (!isNew)
                    {
                        continue;
                    }

                    if (!named.TryGetValue(session, out var sessionIndex))
                    {
                        sessionIndex = sessions.Count;
                        named.Add(session, sessionIndex);
                        sessions.Add(session);
                    }

                    recorded.Add(new RecordedPlayback(sessionIndex, row.Type, row.PositionStart, row.PositionEnd, row.DurationSeconds, row.OccurredAt));
                }

                if (sessions.Count > 0)
                {
                    await EventOutbox.AppendAsync(connection, transaction,
                        new PlaybackEventsRecorded(Guid.CreateVersion7(arrival), arrival, sessions) { Recorded = recorded }, cancellationToken);
                }

                return sessions.Count > 0;
            }, cancellationToken);
            if (recorded)
            {
                outbox.Wake();
            }
        }

        return results!;
    }

    /// <summary>
    /// The episode an event names, looked up once per request for each id or guid. Anything the caller may not know
    /// is <see cref="UnknownEpisode"/>, worded the same whether it is missing, a draft or premium.
    /// </summary>
    private async Task<(ListenableEpisode? Episode, string? Problem)> FindEpisodeAsync(PlaybackEventInput e, ClaimsPrincipal user,
        Dictionary<string, (ListenableEpisode?, string?)> found, CancellationToken cancellationToken)
    {
        var cacheKey = e.EpisodeId is { } id ? $"id:{id:D}" : $"guid:{e.EpisodeGuid}";
        if (!found.TryGetValue(cacheKey, out var answer))
        {
            if (e.EpisodeId is { } episodeId)
            {
                var episode = await episodes.FindAsync(episodeId, user, cancellationToken);
                answer = (episode, episode is null ? UnknownEpisode : null);
            }
            else
            {
                var lookup = await episodes.FindByGuidAsync(e.EpisodeGuid!, user, cancellationToken);
                answer = lookup.Ambiguous
                    ? (null, "episode_guid is used by episodes of more than one podcast; send episode_id")
                    : (lookup.Episode, lookup.Episode is null ? UnknownEpisode : null);
            }

            found[cacheKey] = answer;
        }

        return answer;
    }
}
