using System.Text;
using Airwave.Analytics.Counting;
using Airwave.Analytics.Counting.UserAgents;
using Airwave.Analytics.Geography;

namespace Airwave.Analytics;

/// <summary>Download-counting settings; bound from the <c>Analytics</c> configuration section.</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>De-duplication window: <c>calendar</c> (UTC day), <c>first-touch</c> or <c>last-touch</c> (rolling 24 h).</summary>
    public string Window { get; set; } = "calendar";

    /// <summary>
    /// Secret the listener-identity keys are derived from (at least 16 characters). Empty: a random one per run, which
    /// is fine while nothing is stored (the CLI); the same secret gives the same identities on every machine.
    /// </summary>
    public string ListenerSecret { get; set; } = "";

    /// <summary>How often the identity key changes: <c>day</c>, <c>week</c> or <c>month</c>.</summary>
    public string ListenerKeyRotation { get; set; } = "day";

    /// <summary>How far out of time order a log line may arrive and still count.</summary>
    public TimeSpan MaxLateness { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A listener with downloads of more distinct episodes than this in a UTC day is dropped for that day.</summary>
    public int MaxEpisodesPerListenerPerDay { get; set; } = 20;

    /// <summary>CIDR ranges whose requests never count (data centres, cloud providers, monitoring).</summary>
    public List<string> ExcludedIpRanges { get; set; } = [];

    /// <summary>A file with more excluded ranges, one per line (# starts a comment).</summary>
    public string ExcludedIpRangesFile { get; set; } = "";

    /// <summary>CIDR ranges the excessive-volume rule does not apply to (offices, schools, carrier NAT).</summary>
    public List<string> SafeIpRanges { get; set; } = [];

    /// <summary>A file with more safe ranges, one per line.</summary>
    public string SafeIpRangesFile { get; set; } = "";

    /// <summary>Referer prefixes of web pages whose audio players pre-load; browser requests from them never count.</summary>
    public List<string> PreloadingPlayerReferers { get; set; } = [];

    /// <summary>A folder with the OPAWG user-agents-v2 pattern files (bots.json, apps.json, ...), used before the built-in table.</summary>
    public string UserAgentPatternsDirectory { get; set; } = "";

    /// <summary>
    /// A MaxMind-format City database (.mmdb: MaxMind GeoLite2-City or DB-IP Lite City) for the country, region and city
    /// of counted downloads. Empty: every place is "unknown". An unreadable or corrupt file stops the start.
    /// </summary>
    public string GeoDatabase { get; set; } = "";

    /// <summary>How often the analytics role looks for new requests and recomputes the days they change.</summary>
    public TimeSpan CountingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Count the media origin's own delivery-log rows. Turn off when an edge or CDN serves the media and its logs are
    /// imported instead: the origin then only sees cache fills (the whole file once, for whoever missed the cache).
    /// </summary>
    public bool CountOriginRequests { get; set; } = true;

    /// <summary>
    /// How long imported requests (with their raw addresses) are kept. Keep it equal to Delivery:LogRetention: a day is
    /// recomputed only while the requests of the day before it are all still stored.
    /// </summary>
    public TimeSpan RequestRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The settings the counting engine runs with; the window may be overridden (the CLI's --window).</summary>
    /// <exception cref="AnalyticsSetupException">A setting is invalid; the message names it.</exception>
    /// <param name="storedSecret">The secret kept in the database, used when <see cref="ListenerSecret"/> is empty.</param>
    internal CountingSettings ToSettings(CountingWindow? window = null, byte[]? storedSecret = null)
    {
        var errors = Validate().ToList();
        if (errors.Count > 0)
        {
            throw new AnalyticsSetupException(string.Join(" ", errors));
        }

        var configured = CountingSettings.TryParseWindow(Window, out var parsed) ? parsed : CountingWindow.Calendar;
        var rotation = ListenerKeyRotation switch { "week" => KeyRotation.Week, "month" => KeyRotation.Month, _ => KeyRotation.Day };
        var secret = ListenerSecret.Length > 0 ? Encoding.UTF8.GetBytes(ListenerSecret) : storedSecret ?? ListenerKeys.RandomSecret();
        UserAgentClassifier userAgents;
        try
        {
            userAgents = new UserAgentClassifier(UserAgentPatternsDirectory.Length == 0 ? null : UserAgentPatternsDirectory);
        }
        catch (UserAgentPatternsException error)
        {
            throw new AnalyticsSetupException($"{Section}:UserAgentPatternsDirectory: {error.Message}", error);
        }

        return new CountingSettings
        {
            Window = window ?? configured,
            MaxLateness = MaxLateness,
            MaxEpisodesPerListenerPerDay = MaxEpisodesPerListenerPerDay,
            ExcludedIps = Ranges(nameof(ExcludedIpRanges), ExcludedIpRanges, nameof(ExcludedIpRangesFile), ExcludedIpRangesFile),
            SafeIps = Ranges(nameof(SafeIpRanges), SafeIpRanges, nameof(SafeIpRangesFile), SafeIpRangesFile),
            PreloadingPlayerReferers = PreloadingPlayerReferers,
            UserAgents = userAgents,
            Keys = new ListenerKeys(secret, rotation),
            Geo = OpenGeoDatabase(),
        };
    }

    /// <summary>The geography database, or null when none is configured.</summary>
    /// <exception cref="AnalyticsSetupException">The file cannot be read or is not a usable MaxMind DB.</exception>
    internal MaxMindDatabase? OpenGeoDatabase()
    {
        if (GeoDatabase.Length == 0)
        {
            return null;
        }

        try
        {
            return MaxMindDatabase.Open(GeoDatabase);
        }
        catch (MaxMindDatabaseException error)
        {
            throw new AnalyticsSetupException($"{Section}:GeoDatabase ({GeoDatabase}): {error.Message}", error);
        }
    }

    internal IEnumerable<string> Validate()
    {
        if (!CountingSettings.TryParseWindow(Window, out _))
        {
            yield return $"{Section}:Window is '{Window}'; it must be calendar, first-touch or last-touch.";
        }

        if (ListenerSecret.Length is > 0 and < 16)
        {
            yield return $"{Section}:ListenerSecret must be at least 16 characters (or empty for a random one per run).";
        }

        if (ListenerKeyRotation is not ("day" or "week" or "month"))
        {
            yield return $"{Section}:ListenerKeyRotation is '{ListenerKeyRotation}'; it must be day, week or month.";
        }

        if (MaxLateness < TimeSpan.Zero || MaxLateness > TimeSpan.FromDays(1))
        {
            yield return $"{Section}:MaxLateness must be between 00:00:00 and 1.00:00:00.";
        }

        if (MaxEpisodesPerListenerPerDay < 1)
        {
            yield return $"{Section}:MaxEpisodesPerListenerPerDay must be at least 1.";
        }

        if (CountingInterval < TimeSpan.FromSeconds(1) || CountingInterval > TimeSpan.FromDays(1))
        {
            yield return $"{Section}:CountingInterval must be between 00:00:01 and 1.00:00:00.";
        }

        if (RequestRetention < TimeSpan.FromDays(3) || RequestRetention > TimeSpan.FromDays(90))
        {
            yield return $"{Section}:RequestRetention must be between 3.00:00:00 and 90.00:00:00 (a day is recomputed with the days around it).";
        }

        foreach (var referer in PreloadingPlayerReferers)
        {
            if (string.IsNullOrWhiteSpace(referer))
            {
                yield return $"{Section}:PreloadingPlayerReferers has an empty entry.";
            }
        }
    }

    private static IpRangeSet Ranges(string listName, List<string> list, string fileName, string file)
    {
        var all = new List<string>(list);
        if (file.Length > 0)
        {
            try
            {
                all.AddRange(File.ReadLines(file).Select(l => l.Split('#')[0]));
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new AnalyticsSetupException($"{Section}:{fileName}: {error.Message}", error);
            }
        }

        try
        {
            return IpRangeSet.Parse(all);
        }
        catch (FormatException error)
        {
            throw new AnalyticsSetupException($"{Section}:{(file.Length > 0 ? fileName : listName)}: {error.Message}", error);
        }
    }
}

/// <summary>The analytics settings are not usable; the message names the setting.</summary>
public sealed class AnalyticsSetupException(string message, Exception? inner = null) : Exception(message, inner);
