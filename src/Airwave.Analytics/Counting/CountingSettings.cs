using Airwave.Analytics.Counting.UserAgents;
using Airwave.Analytics.Geography;

namespace Airwave.Analytics.Counting;

/// <summary>The de-duplication window (IAB: 24 hours, disclosed with every figure).</summary>
public enum CountingWindow
{
    /// <summary>One download per listener and episode per UTC calendar day (the default).</summary>
    Calendar,

    /// <summary>24 hours from the first request of a counted download.</summary>
    FirstTouch,

    /// <summary>24 hours from the listener's latest request for the episode; every request extends it.</summary>
    LastTouch,
}

/// <summary>Why a request did not make a download. The order is the order the rules are applied in.</summary>
public enum DropReason
{
    Malformed,
    Late,
    Method,
    Status,
    Probe,
    TooFewBytes,
    UnknownEpisode,
    EmptyUserAgent,
    ExcludedIp,
    AppleWatch,
    Bot,
    PreloadingPlayer,
    BelowThreshold,
    ExcessiveVolume,
}

/// <summary>Everything besides the logs that the counting depends on.</summary>
internal sealed record CountingSettings
{
    public CountingWindow Window { get; init; } = CountingWindow.Calendar;

    /// <summary>How far out of time order a line may arrive; older lines are dropped as late.</summary>
    public TimeSpan MaxLateness { get; init; } = TimeSpan.FromHours(1);

    /// <summary>More distinct episodes than this downloaded by one listener in a UTC day drops all of that day's downloads.</summary>
    public int MaxEpisodesPerListenerPerDay { get; init; } = 20;

    public IpRangeSet ExcludedIps { get; init; } = IpRangeSet.Empty;

    /// <summary>Addresses the volume rule does not apply to (offices, schools, known carrier NATs).</summary>
    public IpRangeSet SafeIps { get; init; } = IpRangeSet.Empty;

    /// <summary>Referer prefixes of web pages whose players pre-load audio; matched for browser requests only.</summary>
    public IReadOnlyList<string> PreloadingPlayerReferers { get; init; } = [];

    public required UserAgentClassifier UserAgents { get; init; }

    public required ListenerKeys Keys { get; init; }

    /// <summary>Country, region and city of a listener's address; null: every place is unknown.</summary>
    public IGeoLookup? Geo { get; init; }

    public static string WindowName(CountingWindow window) => window switch
    {
        CountingWindow.Calendar => "calendar",
        CountingWindow.FirstTouch => "first-touch",
        _ => "last-touch",
    };

    public static bool TryParseWindow(string? text, out CountingWindow window)
    {
        (var ok, window) = text switch
        {
            "calendar" => (true, CountingWindow.Calendar),
            "first-touch" => (true, CountingWindow.FirstTouch),
            "last-touch" => (true, CountingWindow.LastTouch),
            _ => (false, CountingWindow.Calendar),
        };
        return ok;
    }

    public static string ReasonName(DropReason reason)
    {
        var name = reason.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}
