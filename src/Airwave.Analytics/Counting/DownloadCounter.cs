using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Airwave.Analytics.Counting.UserAgents;

namespace Airwave.Analytics.Counting;

/// <summary>
/// The IAB download-counting engine (docs/analytics-methodology.md states each rule as implemented here). It takes
/// requests in log order, one at a time, and keeps state only for listeners whose windows are still open: per
/// (listener, episode) the byte ranges pending toward the threshold and the window of the last counted download; per
/// listener and UTC day the downloads awaiting the volume rule; per key period the identities counted. State is
/// dropped as soon as the log's time (less the allowed lateness) has passed the end of what it could still affect, so
/// memory follows the number of active listeners, not the size of the log. Results depend only on the requests and
/// the settings: replayed request ids are ignored, and nothing depends on wall-clock time or hash-table order.
/// </summary>
internal sealed class DownloadCounter : IRequestSink
{
    private const long Day = UtcTime.TicksPerDay;
    private const long Hour = UtcTime.TicksPerHour;

    private readonly EpisodeCatalog _episodes;
    private readonly CountingSettings _settings;
    private readonly UserAgentClassifier _userAgents;
    private readonly ListenerKeys _keys;
    private readonly long _lateness;
    private readonly byte[][] _preloadingReferers;
    private readonly Action<long, string>? _onMalformed;

    private readonly Dictionary<PairKey, PairState> _pairs = [];
    private readonly Dictionary<UInt128, Listener> _listeners = [];
    private readonly Dictionary<long, HashSet<UInt128>> _requestIds = [];
    private readonly Dictionary<int, PeriodTotals> _periods = [];
    private readonly List<PairKey> _removals = [];

    private readonly long[] _dropped = new long[Enum.GetValues<DropReason>().Length];
    private readonly long[] _episodeDownloads;
    private readonly long[] _episodeListeners;
    private readonly List<long> _byName = [];
    private readonly List<long> _byDevice = [];
    private readonly List<long> _byOs = [];
    private long _totalDownloads;
    private long _totalListeners;

    private long _watermark = long.MinValue;
    private long _horizon = long.MinValue;
    private long _nextSweep = long.MinValue;
    private long _idHour = long.MinValue;
    private HashSet<UInt128>? _idSet;
    private byte[] _urlScratch = new byte[1024];
    private bool _finished;

    /// <param name="onMalformed">Told about each malformed request (line number, reason), e.g. to print it.</param>
    public DownloadCounter(EpisodeCatalog episodes, CountingSettings settings, Action<long, string>? onMalformed = null)
    {
        _episodes = episodes;
        _settings = settings;
        _userAgents = settings.UserAgents;
        _keys = settings.Keys;
        _lateness = settings.MaxLateness.Ticks;
        _preloadingReferers = [.. settings.PreloadingPlayerReferers.Select(Encoding.UTF8.GetBytes)];
        _onMalformed = onMalformed;
        _episodeDownloads = new long[episodes.Count];
        _episodeListeners = new long[episodes.Count];
    }

    /// <summary>(Listener, episode) states held now: for tests of the bounded memory.</summary>
    public int ActivePairs => _pairs.Count;

    public int ActiveListeners => _listeners.Count;

    public void Malformed(long lineNumber, string reason)
    {
        _dropped[(int)DropReason.Malformed]++;
        _onMalformed?.Invoke(lineNumber, reason);
    }

    /// <summary>Adds one request given as values (tests, importers that build objects).</summary>
    public void Add(DownloadRequest request)
    {
        var line = new RequestLine
        {
            RequestId = Encoding.UTF8.GetBytes(request.RequestId),
            Time = request.Time.UtcTicks,
            Method = Encoding.UTF8.GetBytes(request.Method),
            Status = request.Status,
            Url = Encoding.UTF8.GetBytes(request.Url),
            Ip = Encoding.UTF8.GetBytes(request.Ip),
            UserAgent = Encoding.UTF8.GetBytes(request.UserAgent ?? ""),
            Referer = Encoding.UTF8.GetBytes(request.Referer ?? ""),
            Range = Encoding.UTF8.GetBytes(request.Range ?? ""),
            ServedStart = request.ServedStart,
            BytesServed = request.BytesServed,
        };
        Accept(line);
    }

    public void Accept(scoped in RequestLine request)
    {
        if (_finished)
        {
            throw new InvalidOperationException("The counting has finished.");
        }

        var time = request.Time;
        if (time > _watermark)
        {
            _watermark = time;
            _horizon = time - _lateness;
            if (_horizon >= _nextSweep)
            {
                Sweep(_horizon);
                _nextSweep = (_horizon / Hour + 1) * Hour;
            }
        }

        // Older than the log's time less the allowed lateness: the windows it belongs to may be closed already.
        if (time < _horizon)
        {
            Drop(DropReason.Late);
            return;
        }

        // A replayed line (same request id) is the same request: ignored, neither counted nor dropped. Its copy has the
        // same time, so it is in the same hour's set, which is kept while that hour is within the lateness.
        var hour = time / Hour;
        if (hour != _idHour)
        {
            _idHour = hour;
            ref var set = ref CollectionsMarshal.GetValueRefOrAddDefault(_requestIds, hour, out _);
            set ??= [];
            _idSet = set;
        }

        if (!_idSet!.Add(FastHash.Hash128(request.RequestId)))
        {
            return;
        }

        if (!request.Method.SequenceEqual("GET"u8))
        {
            Drop(DropReason.Method);
            return;
        }

        if (request.Status is not (200 or 206))
        {
            Drop(DropReason.Status);
            return;
        }

        if (IsProbe(request.Range))
        {
            Drop(DropReason.Probe);
            return;
        }

        if (request.BytesServed <= 2)
        {
            Drop(DropReason.TooFewBytes);
            return;
        }

        if (_urlScratch.Length < request.Url.Length)
        {
            _urlScratch = new byte[Math.Max(request.Url.Length, _urlScratch.Length * 2)];
        }

        var episode = _episodes.Match(request.Url, _urlScratch);
        if (episode < 0)
        {
            Drop(DropReason.UnknownEpisode);
            return;
        }

        var userAgent = request.UserAgent.Trim((byte)' ');
        if (userAgent.IsEmpty)
        {
            Drop(DropReason.EmptyUserAgent);
            return;
        }

        if (!IpAddresses.TryParse(request.Ip, out var address))
        {
            Malformed(request.LineNumber, "ip is not an IPv4 or IPv6 address");
            return;
        }

        if (_settings.ExcludedIps.Contains(address))
        {
            Drop(DropReason.ExcludedIp);
            return;
        }

        var agent = _userAgents.Classify(userAgent);
        switch (agent.Kind)
        {
            case UserAgentKind.AppleWatch:
                Drop(DropReason.AppleWatch);
                return;
            case UserAgentKind.Bot:
                Drop(DropReason.Bot);
                return;
            case UserAgentKind.Browser when IsPreloadingPlayer(request.Referer):
                Drop(DropReason.PreloadingPlayer);
                return;
        }

        var listenerAddress = IpAddresses.ListenerPart(address);
        var fingerprint = _keys.Fingerprint(listenerAddress, agent.Hash);
        ref var pair = ref CollectionsMarshal.GetValueRefOrAddDefault(_pairs, new PairKey(fingerprint, episode), out var exists);
        if (!exists)
        {
            pair.Listener = ListenerFor(fingerprint);
            pair.Listener.Pairs++;
        }

        if (!pair.Listener.Safe && _settings.SafeIps.Count > 0 && _settings.SafeIps.Contains(address))
        {
            pair.Listener.Safe = true;
        }

        Apply(ref pair, episode, time, request.ServedStart, request.BytesServed, agent, listenerAddress, request.Referer);
    }

    /// <summary>
    /// The window and threshold rules for one request of a listener for an episode (it passed every filter).
    /// </summary>
    private void Apply(ref PairState pair, int episode, long time, long servedStart, long bytesServed, UserAgentInfo agent,
        UInt128 listenerAddress, ReadOnlySpan<byte> referer)
    {
        if (time < pair.BlockedUntil)
        {
            // Part of a download already counted in this window.
            if (_settings.Window == CountingWindow.LastTouch)
            {
                pair.BlockedUntil = Math.Max(pair.BlockedUntil, time + Day);
            }

            return;
        }

        if (pair.PendingRequests > 0 && time >= pair.PendingStart + Day)
        {
            // Pending bytes wait 24 hours (across midnight) for the rest of the threshold, then they no longer count.
            Drop(DropReason.BelowThreshold, pair.PendingRequests);
            pair.ResetPending();
        }

        if (pair.PendingRequests == 0 || time < pair.PendingStart)
        {
            pair.PendingStart = time;
        }

        pair.PendingRequests++;
        var size = _episodes.Sizes[episode];
        var start = Math.Min(servedStart, size);
        var end = Math.Min(servedStart + bytesServed, size);
        if (pair.Ranges.Add(start, end) < _episodes.Thresholds[episode])
        {
            return;
        }

        var nameId = agent.NameId;
        if (agent.Kind == UserAgentKind.Browser && _userAgents.WebApp(referer) is { } webApp)
        {
            nameId = _userAgents.NameId(webApp);
        }

        RecordDownload(pair.Listener, episode, time, pair.PendingRequests, new Attributes(nameId, agent.DeviceId, agent.OsId),
            listenerAddress, agent.Digest);
        pair.BlockedUntil = _settings.Window switch
        {
            CountingWindow.Calendar => (time / Day + 1) * Day,
            CountingWindow.FirstTouch => pair.PendingStart + Day,
            _ => time + Day,
        };
        pair.ResetPending();
    }

    private void RecordDownload(Listener listener, int episode, long time, int requests, Attributes attributes, UInt128 listenerAddress,
        byte[] userAgentDigest)
    {
        var day = (int)(time / Day);
        var bucket = listener.Bucket(day);
        if (bucket is null)
        {
            var period = _keys.PeriodOf(day);
            if (listener.IdentityPeriod != period)
            {
                // The one HMAC per listener and key period; every later request of the period finds it here.
                listener.Identity = _keys.Identity(period, listenerAddress, userAgentDigest);
                listener.IdentityPeriod = period;
            }

            bucket = new DayBucket(day, period, listener.Identity);
            listener.AddBucket(bucket);
        }

        bucket.Add(episode, attributes, requests, _settings.MaxEpisodesPerListenerPerDay);
    }

    /// <summary>Ends the input: every pending range expires, every day is closed, and the totals are final.</summary>
    public CountingResult Finish()
    {
        if (!_finished)
        {
            Sweep(long.MaxValue);
            _finished = true;
        }

        var names = _userAgents.Names;
        var devices = _userAgents.DeviceCategories;
        var systems = _userAgents.OperatingSystemNames;
        return new CountingResult
        {
            Window = _settings.Window,
            Episodes = [.. _episodes.Episodes.Select((e, i) => new EpisodeCount(e.Id, _episodeDownloads[i], _episodeListeners[i]))],
            Downloads = _totalDownloads,
            Listeners = _totalListeners,
            Dropped = Enum.GetValues<DropReason>().ToDictionary(r => r, r => _dropped[(int)r]),
            Apps = Breakdown(_byName, names),
            Devices = Breakdown(_byDevice, devices),
            OperatingSystems = Breakdown(_byOs, systems),
        };
    }

    private static Dictionary<string, long> Breakdown(List<long> counts, IReadOnlyList<string> names) =>
        counts.Select((count, id) => (Name: names[id], Count: count)).Where(e => e.Count > 0).ToDictionary(e => e.Name, e => e.Count);

    /// <summary>
    /// Closes everything the horizon has passed: pending ranges older than 24 hours expire below the threshold, windows
    /// that ended free their state, finished UTC days face the volume rule and are added to the totals, and finished
    /// key periods add their distinct listeners.
    /// </summary>
    private void Sweep(long horizon)
    {
        foreach (var key in _pairs.Keys)
        {
            ref var pair = ref CollectionsMarshal.GetValueRefOrNullRef(_pairs, key);
            if (pair.PendingRequests > 0 && (horizon == long.MaxValue || pair.PendingStart + Day <= horizon))
            {
                Drop(DropReason.BelowThreshold, pair.PendingRequests);
                pair.ResetPending();
            }

            if (pair.PendingRequests == 0 && pair.BlockedUntil <= horizon)
            {
                pair.Listener.Pairs--;
                _removals.Add(key);
            }
        }

        foreach (var key in _removals)
        {
            _pairs.Remove(key);
        }

        _removals.Clear();
        List<UInt128>? idle = null;
        foreach (var (fingerprint, listener) in _listeners)
        {
            listener.CloseDays(horizon, this);
            if (listener.Pairs == 0 && !listener.HasBuckets)
            {
                (idle ??= []).Add(fingerprint);
            }
        }

        foreach (var fingerprint in idle ?? [])
        {
            _listeners.Remove(fingerprint);
        }

        List<int>? finished = null;
        foreach (var (period, totals) in _periods)
        {
            if (horizon == long.MaxValue || _keys.PeriodEnd(period) <= horizon)
            {
                _totalListeners += totals.Listeners.Count;
                foreach (var pair in totals.ListenerEpisodes)
                {
                    _episodeListeners[pair.Episode]++;
                }

                (finished ??= []).Add(period);
            }
        }

        foreach (var period in finished ?? [])
        {
            _periods.Remove(period);
        }

        List<long>? oldHours = null;
        foreach (var hour in _requestIds.Keys)
        {
            if (horizon == long.MaxValue || (hour + 1) * Hour <= horizon)
            {
                (oldHours ??= []).Add(hour);
            }
        }

        foreach (var hour in oldHours ?? [])
        {
            _requestIds.Remove(hour);
            if (hour == _idHour)
            {
                _idHour = long.MinValue;
                _idSet = null;
            }
        }
    }

    /// <summary>A closed day of one listener: the volume rule, then its downloads join the totals.</summary>
    private void Commit(Listener listener, DayBucket bucket)
    {
        if (!listener.Safe && bucket.DistinctEpisodes > _settings.MaxEpisodesPerListenerPerDay)
        {
            Drop(DropReason.ExcessiveVolume, bucket.Requests);
            return;
        }

        ref var totals = ref CollectionsMarshal.GetValueRefOrAddDefault(_periods, bucket.Period, out _);
        totals ??= new PeriodTotals();
        totals.Listeners.Add(bucket.Identity);
        foreach (var download in bucket.Downloads)
        {
            _totalDownloads++;
            _episodeDownloads[download.Episode]++;
            Increment(_byName, download.Attributes.NameId);
            Increment(_byDevice, download.Attributes.DeviceId);
            Increment(_byOs, download.Attributes.OsId);
            totals.ListenerEpisodes.Add(new IdentityEpisode(bucket.Identity, download.Episode));
        }
    }

    private static void Increment(List<long> counts, int id)
    {
        while (counts.Count <= id)
        {
            counts.Add(0);
        }

        counts[id]++;
    }

    private Listener ListenerFor(UInt128 fingerprint)
    {
        ref var listener = ref CollectionsMarshal.GetValueRefOrAddDefault(_listeners, fingerprint, out _);
        return listener ??= new Listener();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Drop(DropReason reason, long requests = 1) => _dropped[(int)reason] += requests;

    /// <summary><c>Range: bytes=0-1</c>: players ask for two bytes to learn the file's size; it is never a listen.</summary>
    private static bool IsProbe(ReadOnlySpan<byte> range)
    {
        range = range.Trim((byte)' ');
        return range.Length == 9 && Ascii.EqualsIgnoreCase(range[..6], "bytes="u8) && range[6..].SequenceEqual("0-1"u8);
    }

    private bool IsPreloadingPlayer(ReadOnlySpan<byte> referer)
    {
        foreach (var prefix in _preloadingReferers)
        {
            if (referer.Length >= prefix.Length && Ascii.EqualsIgnoreCase(referer[..prefix.Length], prefix))
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct PairKey(UInt128 Listener, int Episode)
    {
        // The fingerprint is already a well-mixed hash.
        public override int GetHashCode() => (int)(ulong)Listener ^ (Episode * -1640531527);
    }

    private readonly record struct IdentityEpisode(UInt128 Identity, int Episode)
    {
        public override int GetHashCode() => (int)(ulong)Identity ^ (Episode * -1640531527);
    }

    private readonly record struct Attributes(int NameId, int DeviceId, int OsId);

    private readonly record struct PendingDownload(int Episode, Attributes Attributes);

    /// <summary>What one listener has going on one episode.</summary>
    private struct PairState
    {
        public Listener Listener;

        /// <summary>Until then, requests belong to the download counted last (the window).</summary>
        public long BlockedUntil;

        /// <summary>The first request gathering bytes toward the next download.</summary>
        public long PendingStart;

        public int PendingRequests;
        public ByteRanges Ranges;

        public void ResetPending()
        {
            PendingRequests = 0;
            Ranges.Clear();
        }
    }

    /// <summary>One listener (address and user agent): its identity for the current key period and its open days.</summary>
    private sealed class Listener
    {
        private DayBucket? _bucket;
        private List<DayBucket>? _more;

        /// <summary>(Listener, episode) states that point here.</summary>
        public int Pairs;

        /// <summary>A request came from an address on the safe list: the volume rule does not apply.</summary>
        public bool Safe;

        public int IdentityPeriod = -1;
        public UInt128 Identity;

        public bool HasBuckets => _bucket is not null;

        public DayBucket? Bucket(int day)
        {
            if (_bucket?.Day == day)
            {
                return _bucket;
            }

            return _more?.Find(b => b.Day == day);
        }

        public void AddBucket(DayBucket bucket)
        {
            if (_bucket is null)
            {
                _bucket = bucket;
            }
            else
            {
                (_more ??= []).Add(bucket);
            }
        }

        public void CloseDays(long horizon, DownloadCounter counter)
        {
            if (_bucket is null)
            {
                return;
            }

            if (_more is { Count: > 0 })
            {
                _more.Add(_bucket);
                _more.Sort((a, b) => a.Day.CompareTo(b.Day));
                foreach (var bucket in _more)
                {
                    if (horizon == long.MaxValue || (bucket.Day + 1L) * Day <= horizon)
                    {
                        counter.Commit(this, bucket);
                    }
                }

                _more.RemoveAll(b => horizon == long.MaxValue || (b.Day + 1L) * Day <= horizon);
                _bucket = null;
                if (_more.Count > 0)
                {
                    _bucket = _more[0];
                    _more.RemoveAt(0);
                }

                return;
            }

            if (horizon == long.MaxValue || (_bucket.Day + 1L) * Day <= horizon)
            {
                counter.Commit(this, _bucket);
                _bucket = null;
            }
        }
    }

    /// <summary>One listener's downloads in one UTC day, held until the day is over for the volume rule.</summary>
    private sealed class DayBucket(int day, int period, UInt128 identity)
    {
        private readonly List<PendingDownload> _downloads = [];
        private readonly List<int> _episodes = [];

        public int Day { get; } = day;

        public int Period { get; } = period;

        public UInt128 Identity { get; } = identity;

        /// <summary>Requests that made up the downloads (what the volume rule drops).</summary>
        public long Requests { get; private set; }

        public int DistinctEpisodes => _episodes.Count;

        public IReadOnlyList<PendingDownload> Downloads => _downloads;

        public void Add(int episode, Attributes attributes, int requests, int maxEpisodes)
        {
            Requests += requests;
            if (_episodes.Count > maxEpisodes)
            {
                // Already over the limit: the whole day goes, so nothing more needs to be kept.
                return;
            }

            if (!_episodes.Contains(episode))
            {
                _episodes.Add(episode);
            }

            _downloads.Add(new PendingDownload(episode, attributes));
        }
    }

    private sealed class PeriodTotals
    {
        public HashSet<UInt128> Listeners { get; } = [];

        public HashSet<IdentityEpisode> ListenerEpisodes { get; } = [];
    }
}

/// <summary>One episode's result.</summary>
public sealed record EpisodeCount(string Id, long Downloads, long Listeners);

/// <summary>The result of counting a log.</summary>
public sealed record CountingResult
{
    public required CountingWindow Window { get; init; }

    public required IReadOnlyList<EpisodeCount> Episodes { get; init; }

    public required long Downloads { get; init; }

    /// <summary>Distinct listener identities among counted downloads (identities differ between key periods).</summary>
    public required long Listeners { get; init; }

    /// <summary>Requests removed by each rule, every reason listed.</summary>
    public required IReadOnlyDictionary<DropReason, long> Dropped { get; init; }

    /// <summary>Downloads per app (or library, browser, web app); "Unknown" when no table knew the user agent.</summary>
    public required IReadOnlyDictionary<string, long> Apps { get; init; }

    /// <summary>Downloads per device category (mobile, computer, smart_speaker, ...).</summary>
    public required IReadOnlyDictionary<string, long> Devices { get; init; }

    public required IReadOnlyDictionary<string, long> OperatingSystems { get; init; }
}
