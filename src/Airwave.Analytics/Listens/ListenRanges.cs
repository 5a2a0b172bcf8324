namespace Airwave.Analytics.Listens;

/// <summary>A stretch of an episode, in seconds from its start.</summary>
internal readonly record struct PlayedRange(double Start, double End);

/// <summary>
/// How much of an episode one listener heard in one session: the union of the ranges played, not their sum, so
/// listening to the same minute twice (a seek back, a replay, a retried report) counts it once.
/// </summary>
internal static class ListenRanges
{
    /// <summary>
    /// Seconds covered by <paramref name="ranges"/>, each first clipped to the episode (0 to
    /// <paramref name="durationSeconds"/> when known). Empty and reversed ranges cover nothing.
    /// </summary>
    public static double UnionSeconds(IEnumerable<PlayedRange> ranges, double? durationSeconds)
    {
        var end = durationSeconds ?? double.PositiveInfinity;
        var clipped = ranges
            .Select(r => new PlayedRange(Math.Max(0, r.Start), Math.Min(end, r.End)))
            .Where(r => r.End > r.Start)
            .OrderBy(r => r.Start)
            .ToList();

        var total = 0.0;
        var i = 0;
        while (i < clipped.Count)
        {
            var start = clipped[i].Start;
            var stop = clipped[i].End;
            // Overlapping and touching ranges merge into one.
            while (++i < clipped.Count && clipped[i].Start <= stop)
            {
                stop = Math.Max(stop, clipped[i].End);
            }

            total += stop - start;
        }

        return total;
    }

    /// <summary>Share of the episode heard, 0 to 1; null when the duration is unknown.</summary>
    public static double? Completion(double listenedSeconds, double? durationSeconds) =>
        durationSeconds is > 0 and var duration ? Math.Min(1, listenedSeconds / duration) : null;
}
