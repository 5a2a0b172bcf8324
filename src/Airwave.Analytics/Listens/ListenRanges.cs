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

    /// <summary>
    /// The union of <paramref name="ranges"/> as sorted, disjoint ranges (overlapping and touching ones joined; empty
    /// and reversed ones dropped), not clipped to any duration. <see cref="UnionSeconds"/> of the result equals
    /// <see cref="UnionSeconds"/> of the input for every duration, and merging more ranges into a result later gives
    /// the same result as merging them all at once, in any order: what a listen session stores between batches.
    /// </summary>
    public static IReadOnlyList<PlayedRange> Merge(IEnumerable<PlayedRange> ranges)
    {
        var sorted = ranges.Where(r => r.End > r.Start).OrderBy(r => r.Start).ToList();
        var merged = new List<PlayedRange>(sorted.Count);
        var i = 0;
        while (i < sorted.Count)
        {
            var start = sorted[i].Start;
            var stop = sorted[i].End;
            while (++i < sorted.Count && sorted[i].Start <= stop)
            {
                stop = Math.Max(stop, sorted[i].End);
            }

            merged.Add(new PlayedRange(start, stop));
        }

        return merged;
    }

    /// <summary>Share of the episode heard, 0 to 1; null when the duration is unknown.</summary>
    public static double? Completion(double listenedSeconds, double? durationSeconds) =>
        durationSeconds is > 0 and var duration ? Math.Min(1, listenedSeconds / duration) : null;
}
