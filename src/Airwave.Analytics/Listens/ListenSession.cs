using System.Globalization;

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
