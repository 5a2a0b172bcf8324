using System.Globalization;
using System.Text.Json;

namespace Airwave.Analytics.Listens;

/// <summary>What a stored playback event contributes to its session.</summary>
internal sealed record SessionEvent
{
    public required string Type { get; init; }
    public required double PositionStart { get; init; }
    public required double PositionEnd { get; init; }
    public double? DurationSeconds { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>One listening session summed up: the row of <c>listen_sessions</c> the figures are read from.</summary>
internal sealed record ListenSessionSummary(
    string Day, DateTimeOffset StartedAt, double ListenedSeconds, double? DurationSeconds, double? Completion, int Events);

/// <summary>Sums up a session's events; the same events in any order give the same summary.</summary>
internal static class ListenSession
{
    /// <summary>
    /// The session belongs to the UTC day of its earliest event (a session across midnight counts once, on the day it
    /// began). Played audio is the union of the ranges of every event but <c>seek</c>, whose range is a jump, not
    /// listening. The duration is the longest one reported with the events (media can be replaced, rarely shorter).
    /// </summary>
    public static ListenSessionSummary Summarize(IReadOnlyCollection<SessionEvent> events)
    {
        if (events.Count == 0)
        {
            throw new ArgumentException("A session has at least one event.", nameof(events));
        }

        var started = events.Min(e => e.OccurredAt);
        var duration = events.Max(e => e.DurationSeconds);
        var listened = ListenRanges.UnionSeconds(
            events.Where(e => e.Type != "seek").Select(e => new PlayedRange(e.PositionStart, e.PositionEnd)), duration);
        return new ListenSessionSummary(DayOf(started), started, listened, duration, ListenRanges.Completion(listened, duration), events.Count);
    }

    /// <summary>A UTC day as the figures store and report it: <c>yyyy-MM-dd</c> (text order is time order).</summary>
    public static string DayOf(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// What a listen session keeps between batches of new events (ADR 0022): when it began, the longest duration reported
/// and the union of the ranges played, unclipped (<see cref="ListenRanges.Merge"/>). Adding events to it gives the
/// same summary as <see cref="ListenSession.Summarize"/> over all the events, whatever the order and the batches
/// (minimum, maximum and union are each indifferent to both), so the consumer never reads a session's events again.
/// </summary>
internal sealed record ListenSessionState(DateTimeOffset StartedAt, double? DurationSeconds, IReadOnlyList<PlayedRange> Ranges)
{
    /// <summary><paramref name="state"/> (null: a session without events yet) with <paramref name="events"/> added; null only when both are empty.</summary>
    public static ListenSessionState? Add(ListenSessionState? state, IReadOnlyCollection<SessionEvent> events)
    {
        if (events.Count == 0)
        {
            return state;
        }

        var started = events.Min(e => e.OccurredAt);
        var duration = events.Max(e => e.DurationSeconds);
        var played = events.Where(e => e.Type != "seek").Select(e => new PlayedRange(e.PositionStart, e.PositionEnd));
        if (state is null)
        {
            return new ListenSessionState(started, duration, ListenRanges.Merge(played));
        }

        return new ListenSessionState(
            started < state.StartedAt ? started : state.StartedAt,
            new[] { state.DurationSeconds, duration }.Max(),
            ListenRanges.Merge(state.Ranges.Concat(played)));
    }

    /// <summary>The session's row: figures from the state, <paramref name="events"/> as counted in the store.</summary>
    public ListenSessionSummary Summarize(int events)
    {
        var listened = ListenRanges.UnionSeconds(Ranges, DurationSeconds);
        return new ListenSessionSummary(ListenSession.DayOf(StartedAt), StartedAt, listened, DurationSeconds,
            ListenRanges.Completion(listened, DurationSeconds), events);
    }

    /// <summary>The ranges as stored in <c>listen_sessions.played_ranges</c>: <c>[[start, end], ...]</c>, numbers that read back exactly.</summary>
    public string RangesJson() => JsonSerializer.Serialize(Ranges.Select(r => new[] { r.Start, r.End }));

    public static IReadOnlyList<PlayedRange> ParseRanges(string json) =>
        [.. (JsonSerializer.Deserialize<double[][]>(json) ?? []).Select(r => r.Length == 2
            ? new PlayedRange(r[0], r[1])
            : throw new FormatException("A stored played range is not a [start, end] pair."))];
}
