namespace Airwave.Analytics.Listens;

/// <summary>
/// Listen settings; bound from the <c>Analytics</c> configuration section next to the download-counting settings
/// (<see cref="AnalyticsOptions"/>), kept in a class of their own because they serve the server, not the counting CLI.
/// </summary>
public sealed class ListenOptions
{
    public const string Section = "Analytics";

    /// <summary>
    /// Seconds of one episode that must be played within one listening session for it to count as a play. Read
    /// when figures are asked for, so a change applies to past days too (the sessions keep the seconds, not the verdict).
    /// </summary>
    public double MinimumListenSeconds { get; set; } = 30;

    /// <summary>Playback-event requests (single or batch) allowed per client address per minute; more get 429.</summary>
    public int PlaybackRequestsPerMinute { get; set; } = 600;

    internal IEnumerable<string> Validate()
    {
        if (!double.IsFinite(MinimumListenSeconds) || MinimumListenSeconds < 1 || MinimumListenSeconds > 3600)
        {
            yield return $"{Section}:MinimumListenSeconds must be between 1 and 3600.";
        }

        if (PlaybackRequestsPerMinute < 1)
        {
            yield return $"{Section}:PlaybackRequestsPerMinute must be at least 1.";
        }
    }
}
