using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Airwave.Analytics.Counting.UserAgents;
using Airwave.Analytics.Geography;

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
internal sealed class DownloadCounter : IRequestSink, IDisposable
{
    private const long Day = UtcTime.TicksPerDay;
    private const long Hour = UtcTime.TicksPerHour;
    private const long Minute = TimeSpan.TicksPerMinute;

    /// <summary>How many states ahead the sweep asks for: enough loads in flight to cover a trip to memory.</summary>
    private const int PrefetchDistance = 8;

    /// <summary>
    /// How many slots ahead a pass over a table in slot order asks for what an entry leads to (the pair pass: the
    /// listener's slot; the day pass: the listener's extras, and at half the distance its downloads array). At the
    /// tables' load, a quarter to a half of the slots hold an entry (64 slots ahead measured no different).
    /// </summary>
    private const int PassPrefetchDistance = 32;

    /// <summary>
    /// How many requests wait in <see cref="Accept"/> before they are applied: their table slots are asked for when they
    /// arrive and have this many lines' reading and parsing to come in (in alternating runs 2 was ~6 % slower, 3 ~2 %).
    /// </summary>
    private const int ApplyDelay = 5;

    private const int QueueMask = 7;

    private readonly EpisodeCatalog _episodes;
    private readonly CountingSettings _settings;
    private readonly UserAgentClassifier _userAgents;
    private readonly ListenerKeys _keys;
    private readonly long _lateness;
    private readonly byte[][] _preloadingReferers;
    private readonly Action<long, string>? _onMalformed;
    private readonly Action<CountedDownload>? _onDownload;
    private readonly Action<DropReason, DateOnly, long>? _onDrop;
    private readonly IGeoLookup? _geo;

    // The settings the per-request path reads, held in fields: a request then reads no property of the settings record.
    private readonly CountingWindow _window;
    private readonly IpRangeSet _excludedIps;
    private readonly IpRangeSet _safeIps;
    private readonly bool _hasExcludedIps;
    private readonly bool _hasSafeIps;
    private readonly long[] _sizes;
    private readonly long[] _thresholds;

    /// <summary>The UTC day (days since 0001-01-01) drops of the request being read are dated to.</summary>
    private long _requestDay;

    /// <summary>Per (listener fingerprint, episode): what the listener has going on the episode.</summary>
    private readonly FingerprintTable<PairState> _pairs = new();

    /// <summary>
    /// Per listener fingerprint (episode 0): what a request touches (the open day and its first download), in the
    /// table's slot, one cache line. Both tables are keyed by the fingerprint, so a request's two slots are known as
    /// soon as it is examined and are asked for together. What a listener seldom needs is in
    /// <see cref="_listenerExtras"/> and <see cref="_identities"/>, at the index its state holds (index 0 is unused).
    /// </summary>
    private readonly FingerprintTable<ListenerState> _listeners = new();

    private ListenerExtras[] _listenerExtras = new ListenerExtras[1024];

    /// <summary>Per listener, the identity of its latest open day; only when downloads leave the engine.</summary>
    private ListenerIdentity[]? _identities;

    private int _listenerHighWater = 1;
    private readonly Stack<int> _freeListeners = new();
    private readonly RangeStore _rangeStore = new();
    private readonly Dictionary<long, Hash128Set> _requestIds = [];
    private readonly Dictionary<int, PeriodTotals> _periods = [];

    /// <summary>Per hour, the (listener, episode) states that may close in it (checked again when the hour is past).</summary>
    private readonly ClosingSchedule<PairKey> _pairClosings = new(Hour);

    /// <summary>Per UTC day, the fingerprints of listeners with downloads that day (committed once the day is past).</summary>
    private readonly ClosingSchedule<UInt128> _dayClosings = new(Day);

    private readonly Stack<DayBucket> _freeBuckets = new();

    /// <summary>Arrays of a day's second and later downloads, back from committed days: most listeners' days pass
    /// through one, and allocating each anew was 2 % of the counting.</summary>
    private readonly Stack<PendingDownload[]> _freeDownloadArrays = new();
    private readonly Stack<Hash128Set> _freeIdSets = new();

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
    private long _idMinute = long.MinValue;
    private Hash128Set? _idSet;
    private byte[] _urlScratch = new byte[1024];

    /// <summary>Requests examined and not applied yet, oldest first from <see cref="_queueStart"/> (see <see cref="Accept"/>).</summary>
    private readonly Examined[] _queue = new Examined[QueueMask + 1];

    private int _queueStart;
    private int _queued;
    private bool _finished;
    private bool _disposed;

    /// <param name="onMalformed">Told about each malformed request (line number, reason), e.g. to print it.</param>
    /// <param name="onDownload">Given each counted download with its listener identity (HMAC) once its day is final;
    /// the identities (and places) are computed only when this is set.</param>
    /// <param name="onDrop">Told about dropped requests with the UTC day they are dated to: the request's day for the
    /// filters, the day the pending bytes started for <see cref="DropReason.BelowThreshold"/>, the downloads' day for
    /// <see cref="DropReason.ExcessiveVolume"/>. The database stores drops per day from this.</param>
    public DownloadCounter(EpisodeCatalog episodes, CountingSettings settings, Action<long, string>? onMalformed = null,
        Action<CountedDownload>? onDownload = null, Action<DropReason, DateOnly, long>? onDrop = null)
    {
        _onDownload = onDownload;
        _identities = onDownload is null ? null : new ListenerIdentity[_listenerExtras.Length];
        _onDrop = onDrop;
        _geo = settings.Geo;
        _episodes = episodes;
        _settings = settings;
        _userAgents = settings.UserAgents;
        _keys = settings.Keys;
        _lateness = settings.MaxLateness.Ticks;
        _preloadingReferers = [.. settings.PreloadingPlayerReferers.Select(Encoding.UTF8.GetBytes)];
        _onMalformed = onMalformed;
        _episodeDownloads = new long[episodes.Count];
        _episodeListeners = new long[episodes.Count];
        _window = settings.Window;
        _excludedIps = settings.ExcludedIps;
        _safeIps = settings.SafeIps;
        _hasExcludedIps = _excludedIps.Count > 0;
        _hasSafeIps = _safeIps.Count > 0;
        _sizes = episodes.Sizes;
        _thresholds = episodes.Thresholds;
    }

    /// <summary>
    /// Frees the tables' memory (outside the collected heap; also freed when the counter is collected). The result of
    /// <see cref="Finish"/> stays valid; nothing else may be called.
    /// </summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            (_disposed, _finished) = (true, true);
            _pairs.Dispose();
            _listeners.Dispose();
        }
    }

    /// <summary>
    /// A sweep passes over a whole table in order, rather than looking up what its lists name, once they name at least
    /// one entry in this many of its slots: a pass reads each slot in sequence, a lookup waits on a random one. Tests set
    /// it to 0 (lists only) and <see cref="int.MaxValue"/> (passes only) to show that both ways count the same.
    /// </summary>
    internal int WholePassShare { get; init; } = 16;

    /// <summary>(Listener, episode) states held now, the last request applied: for tests of the bounded memory.</summary>
    public int ActivePairs
    {
        get
        {
            ApplyWaiting();
            return _pairs.Count;
        }
    }

    public int ActiveListeners
    {
        get
        {
            ApplyWaiting();
            return _listeners.Count;
        }
    }

    public void Malformed(long lineNumber, string reason)
    {
        // After the request read before it, so that drops stay in log order and are dated as before.
        ApplyWaiting();
        ReportMalformed(lineNumber, reason);
    }

    private void ReportMalformed(long lineNumber, string reason)
    {
        _dropped[(int)DropReason.Malformed]++;
        if (_onDrop is not null && _requestDay != 0)
        {
            ReportDrop(DropReason.Malformed, _requestDay, 1);
        }

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

    /// <summary>
    /// Takes one request. What the request alone decides (the filters, the episode, the user agent, the listener) is
    /// worked out now; what depends on earlier requests (lateness, replays, windows, thresholds) is applied
    /// <see cref="ApplyDelay"/> requests later, or at <see cref="Finish"/>. Meanwhile the processor is asked to load what
    /// that step will touch: random places in tables far larger than its cache, the listener's slot and its (listener,
    /// episode) slot, both found from the fingerprint. Reading and parsing the next lines hides the waits. Requests are
    /// still applied one at a time and in log order, so nothing else changes.
    /// </summary>
    public void Accept(scoped in RequestLine request)
    {
        if (_finished)
        {
            throw new InvalidOperationException("The counting has finished.");
        }

        ref var next = ref _queue[(_queueStart + _queued) & QueueMask];
        Examine(request, ref next);
        if (next.Verdict == Verdict.Counts)
        {
            _listeners.Prefetch(next.Fingerprint, 0);
            _pairs.Prefetch(next.Fingerprint, next.Episode);
        }

        if (next.Time / Minute == _idMinute)
        {
            _idSet!.Prefetch(next.RequestId);
        }

        _queued++;
        if (_queued > ApplyDelay)
        {
            ApplyOldest();
        }
    }

    /// <summary>Applies every request still waiting in <see cref="Accept"/>.</summary>
    private void ApplyWaiting()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_queued > 0)
        {
            ApplyOldest();
        }
    }

    private void ApplyOldest()
    {
        ref var oldest = ref _queue[_queueStart];
        _queueStart = (_queueStart + 1) & QueueMask;
        _queued--;
        Apply(oldest);
    }

    /// <summary>The filters in their order, and the listener and episode of a request that passes them.</summary>
    private void Examine(scoped in RequestLine request, ref Examined examined)
    {
        examined.Time = request.Time;
        examined.LineNumber = request.LineNumber;
        examined.RequestId = FastHash.Hash128(request.RequestId);
        examined.ServedStart = request.ServedStart;
        examined.BytesServed = request.BytesServed;

        if (!request.Method.SequenceEqual("GET"u8))
        {
            examined.Drop(DropReason.Method);
            return;
        }

        if (request.Status is not (200 or 206))
        {
            examined.Drop(DropReason.Status);
            return;
        }

        if (IsProbe(request.Range))
        {
            examined.Drop(DropReason.Probe);
            return;
        }

        if (request.BytesServed <= 2)
        {
            examined.Drop(DropReason.TooFewBytes);
            return;
        }

        if (_urlScratch.Length < request.Url.Length)
        {
            _urlScratch = new byte[Math.Max(request.Url.Length, _urlScratch.Length * 2)];
        }

        var episode = _episodes.Match(request.Url, _urlScratch);
        if (episode < 0)
        {
            examined.Drop(DropReason.UnknownEpisode);
            return;
        }

        var userAgent = request.UserAgent.Trim((byte)' ');
        if (userAgent.IsEmpty)
        {
            examined.Drop(DropReason.EmptyUserAgent);
            return;
        }

        if (!IpAddresses.TryParse(request.Ip, out var address))
        {
            examined.Verdict = Verdict.MalformedIp;
            return;
        }

        if (_hasExcludedIps && _excludedIps.Contains(address))
        {
            examined.Drop(DropReason.ExcludedIp);
            return;
        }

        var agent = _userAgents.Classify(userAgent);
        switch (agent.Kind)
        {
            case UserAgentKind.AppleWatch:
                examined.Drop(DropReason.AppleWatch);
            return;
            case UserAgentKind.Bot:
                examined.Drop(DropReason.Bot);
            return;
            case UserAgentKind.Browser when IsPreloadingPlayer(request.Referer):
                examined.Drop(DropReason.PreloadingPlayer);
            return;
        }

        // A browser request's app is the web app its Referer names, when the OPAWG referrers file knows it.
        var nameId = agent.NameId;
        if (agent.Kind == UserAgentKind.Browser && _userAgents.WebApp(request.Referer) is { } webApp)
        {
            nameId = _userAgents.NameId(webApp);
        }

        examined.Verdict = Verdict.Counts;
        examined.Episode = episode;
        examined.Address = address;
        examined.ListenerAddress = IpAddresses.ListenerPart(address);
        examined.Fingerprint = _keys.Fingerprint(examined.ListenerAddress, agent.Hash);
        examined.Agent = agent;
        examined.NameId = nameId;
    }

    /// <summary>Applies one examined request to the state, in log order.</summary>
    private void Apply(in Examined request)
    {
        var time = request.Time;
        _requestDay = time / Day;
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
        // same time, so it is in the same minute's set, which is kept while that minute is within the lateness. Sets
        // per minute stay small enough to sit in the processor's cache. A reused set is emptied when it is taken, not
        // when it is put back: emptying it writes it through the cache, so the minute's lookups find it there.
        var minute = time / Minute;
        if (minute != _idMinute)
        {
            _idMinute = minute;
            ref var set = ref CollectionsMarshal.GetValueRefOrAddDefault(_requestIds, minute, out _);
            if (set is null)
            {
                set = _freeIdSets.Count > 0 ? _freeIdSets.Pop() : new Hash128Set();
                set.Clear();
            }

            _idSet = set;
        }

        if (!_idSet!.Add(request.RequestId))
        {
            return;
        }

        switch (request.Verdict)
        {
            case Verdict.Dropped:
                Drop(request.DropReason);
                return;
            case Verdict.MalformedIp:
                ReportMalformed(request.LineNumber, "ip is not an IPv4 or IPv6 address");
                return;
        }

        var (fingerprint, episode) = (request.Fingerprint, request.Episode);
        ref var listener = ref ListenerFor(fingerprint);
        ref var pair = ref _pairs.GetOrAdd(fingerprint, episode, out var exists);
        if (!exists)
        {
            listener.Pairs++;
            pair.ScheduledHour = int.MaxValue;
        }

        if (_hasSafeIps && !listener.Safe && _safeIps.Contains(request.Address))
        {
            listener.Safe = true;
        }

        ApplyToPair(ref pair, ref listener, request);
        var closingHour = (int)(pair.ClosesAt / Hour);
        if (closingHour < pair.ScheduledHour)
        {
            // Closing earlier than it is scheduled for (or not scheduled yet); a later closing is found when the
            // scheduled hour comes and the state is still open.
            pair.ScheduledHour = closingHour;
            _pairClosings.In(closingHour).Add(new PairKey(fingerprint, episode));
        }
    }

    /// <summary>
    /// The window and threshold rules for one request of a listener for an episode (it passed every filter).
    /// </summary>
    private void ApplyToPair(ref PairState pair, ref ListenerState listener, in Examined request)
    {
        var (episode, time, agent) = (request.Episode, request.Time, request.Agent!);
        if (time < pair.BlockedUntil)
        {
            // Part of a download already counted in this window.
            if (_window == CountingWindow.LastTouch)
            {
                pair.BlockedUntil = Math.Max(pair.BlockedUntil, time + Day);
            }

            return;
        }

        if (pair.PendingRequests > 0 && time >= pair.PendingStart + Day)
        {
            // Pending bytes wait 24 hours (across midnight) for the rest of the threshold, then they no longer count.
            Drop(DropReason.BelowThreshold, pair.PendingRequests, pair.PendingStart / Day);
            pair.ResetPending(_rangeStore);
        }

        if (pair.PendingRequests == 0 || time < pair.PendingStart)
        {
            pair.PendingStart = time;
        }

        pair.PendingRequests++;
        var size = _sizes[episode];
        var start = Math.Min(request.ServedStart, size);
        var end = Math.Min(request.ServedStart + request.BytesServed, size);
        if (pair.Ranges.Add(start, end, _rangeStore) < _thresholds[episode])
        {
            return;
        }

        RecordDownload(ref listener, request.Fingerprint, episode, time, pair.PendingRequests,
            new Attributes(request.NameId, agent.DeviceId, agent.OsId), request.ListenerAddress, agent.Digest);
        pair.BlockedUntil = _window switch
        {
            CountingWindow.Calendar => (time / Day + 1) * Day,
            CountingWindow.FirstTouch => pair.PendingStart + Day,
            _ => time + Day,
        };
        pair.ResetPending(_rangeStore);
    }

    private void RecordDownload(ref ListenerState listener, UInt128 fingerprint, int episode, long time, int requests,
        Attributes attributes, UInt128 listenerAddress, byte[] userAgentDigest)
    {
        var day = (int)(time / Day);
        var download = new PendingDownload(episode, attributes);
        var listenerIndex = listener.Index;
        if (listener.Open.Day == day)
        {
            listener.Open.Add(ref _listenerExtras[listenerIndex].More, download, requests, _freeDownloadArrays);
            return;
        }

        // The extras are another cache line, not asked for in advance: read only when the listener has earlier days.
        ref var extras = ref _listenerExtras[listenerIndex];

        for (var bucket = listener.HasEarlier ? extras.Earlier : null; bucket is not null; bucket = bucket.Next)
        {
            if (bucket.Downloads.Day == day)
            {
                bucket.Downloads.Add(download, requests, _freeDownloadArrays);
                return;
            }
        }

        _dayClosings.In(day).Add(fingerprint);
        if (day < listener.Open.Day)
        {
            // A late request for an earlier day: that day opens in a bucket; the latest day stays in the state.
            var late = _identities is null ? ListenerIdentity.None : IdentityFor(listenerIndex, day, listenerAddress, userAgentDigest, latest: false);
            KeepEarlier(ref listener, ref extras, new DayDownloads(new DayHead { Day = day }, null, late))
                .Add(download, requests, _freeDownloadArrays);
            return;
        }

        if (listener.Open.Day != 0)
        {
            // A new day for a listener whose day before is still open (across midnight): that one moves to a bucket.
            KeepEarlier(ref listener, ref extras, TakeOpenDay(ref listener, ref extras));
        }

        if (_identities is not null)
        {
            IdentityFor(listenerIndex, day, listenerAddress, userAgentDigest, latest: true);
        }

        listener.Open = new DayHead { Day = day, Requests = requests, Count = 1, First = download };
    }

    /// <summary>
    /// The listener identity (HMAC) and place for a day, computed once per listener and key period: for what leaves the
    /// engine; in memory the fingerprint tells listeners apart. The address is at hand only now, while its request is
    /// being read. The identity of the listener's latest open day is kept in <see cref="_identities"/>.
    /// </summary>
    private ListenerIdentity IdentityFor(int listenerIndex, int day, UInt128 listenerAddress, byte[] userAgentDigest, bool latest)
    {
        var period = _keys.PeriodOf(day);
        ref var kept = ref _identities![listenerIndex];
        if (kept.Period == period)
        {
            return kept;
        }

        var identity = new ListenerIdentity(period, _keys.Identity(period, listenerAddress, userAgentDigest),
            _geo?.Lookup(listenerAddress) ?? GeoLocation.Unknown);
        if (latest)
        {
            kept = identity;
        }

        return identity;
    }

    /// <summary>Puts an open day other than the latest in a bucket of the listener's list.</summary>
    private ref DayDownloads KeepEarlier(ref ListenerState listener, ref ListenerExtras extras, in DayDownloads downloads)
    {
        var bucket = _freeBuckets.Count > 0 ? _freeBuckets.Pop() : new DayBucket();
        bucket.Downloads = downloads;
        bucket.Next = extras.Earlier;
        extras.Earlier = bucket;
        listener.HasEarlier = true;
        return ref bucket.Downloads;
    }

    /// <summary>Takes the listener's latest open day out of its state (the extras are read only when it has more than one download).</summary>
    private DayDownloads TakeOpenDay(ref ListenerState listener, ref ListenerExtras extras)
    {
        PendingDownload[]? more = null;
        if (listener.Open.Count > 1)
        {
            (more, extras.More) = (extras.More, null);
        }

        var day = new DayDownloads(listener.Open, more, _identities is null ? ListenerIdentity.None : _identities[listener.Index]);
        listener.Open = default;
        return day;
    }

    /// <summary>Closes the day <paramref name="day"/> of a listener: false when it had no downloads of this listener.</summary>
    private bool TakeDay(ref ListenerState listener, int day, out DayDownloads downloads)
    {
        ref var extras = ref _listenerExtras[listener.Index];
        if (listener.Open.Day == day)
        {
            downloads = TakeOpenDay(ref listener, ref extras);
            return true;
        }

        DayBucket? previous = null;
        for (var bucket = listener.HasEarlier ? extras.Earlier : null; bucket is not null; previous = bucket, bucket = bucket.Next)
        {
            if (bucket.Downloads.Day != day)
            {
                continue;
            }

            if (previous is null)
            {
                extras.Earlier = bucket.Next;
            }
            else
            {
                previous.Next = bucket.Next;
            }

            listener.HasEarlier = extras.Earlier is not null;
            downloads = bucket.Downloads;
            bucket.Downloads = default;
            bucket.Next = null;
            _freeBuckets.Push(bucket);
            return true;
        }

        downloads = default;
        return false;
    }

    /// <summary>Ends the input: every pending range expires, every day is closed, and the totals are final.</summary>
    public CountingResult Finish()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_finished)
        {
            ApplyWaiting();
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
    /// key periods add their distinct listeners. Only states scheduled to close in the past hours are looked at.
    /// </summary>
    private void Sweep(long horizon)
    {
        ClosePairs(horizon);
        CloseDays(horizon);
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

        List<long>? oldMinutes = null;
        foreach (var minute in _requestIds.Keys)
        {
            if (horizon == long.MaxValue || (minute + 1) * Minute <= horizon)
            {
                (oldMinutes ??= []).Add(minute);
            }
        }

        foreach (var minute in oldMinutes ?? [])
        {
            _requestIds.Remove(minute, out var ids);
            _freeIdSets.Push(ids!);
            if (minute == _idMinute)
            {
                _idMinute = long.MinValue;
                _idSet = null;
            }
        }
    }

    /// <summary>
    /// The (listener, episode) states scheduled in the hours the horizon has passed: their pending bytes may expire, and
    /// those whose window ended are forgotten. A few (most hours): each is looked up from its hour's list, with the ones a
    /// few steps ahead asked for. Many (the hours after midnight, when the calendar window's states end together): one
    /// pass over the whole table in slot order, which reads memory in sequence instead of one random place per state.
    /// </summary>
    private void ClosePairs(long horizon)
    {
        var hours = _pairClosings.Due(horizon, out var due);
        if (hours is null)
        {
            return;
        }

        // A state not forgotten closes after the horizon, so it is scheduled again in an hour after these. At the end of
        // the input every state is due.
        if (horizon == long.MaxValue || due * WholePassShare >= _pairs.Capacity)
        {
            ClosePairsInSlotOrder(hours[^1], horizon);
        }
        else
        {
            foreach (var hour in hours)
            {
                ClosePairsListed(hour, _pairClosings.Of(hour), horizon);
            }
        }

        _pairClosings.Release(hours);
    }

    private void ClosePairsListed(long hour, ChunkedList<PairKey> keys, long horizon)
    {
        for (var k = 0; k < keys.Count; k++)
        {
            // The states of one hour are scattered over the table: ask for the ones a few steps ahead now, so their
            // loads overlap instead of each waiting on memory in turn.
            if (k + PrefetchDistance < keys.Count)
            {
                var ahead = keys[k + PrefetchDistance];
                _pairs.Prefetch(ahead.Listener, ahead.Episode);
                _listeners.Prefetch(ahead.Listener, 0);
            }

            var key = keys[k];
            ref var pair = ref _pairs.Find(key.Listener, key.Episode);
            if (Unsafe.IsNullRef(ref pair) || pair.ScheduledHour != hour)
            {
                continue; // closed already, or scheduled again for another hour
            }

            if (ClosePair(ref pair, key, hour, horizon))
            {
                _pairs.Remove(key.Listener, key.Episode);
                ForgetPairOf(key.Listener);
            }
        }
    }

    /// <summary>
    /// Every state scheduled up to <paramref name="lastHour"/>, in slot order (<see cref="FingerprintTable{TValue}.PassStart"/>):
    /// a state that closes is vacated, one that stays is settled. At the end of the input nothing is removed: the
    /// pending bytes expire, and the tables are not used again.
    /// </summary>
    private void ClosePairsInSlotOrder(long lastHour, long horizon)
    {
        var mask = _pairs.Capacity - 1;
        var start = _pairs.PassStart();
        for (var n = 1; n <= mask + 1; n++)
        {
            // The slots come in sequence; their listeners' slots (to count down their states, and release them) do
            // not. Asked for whether the state is due or not (an empty slot asks for the table's first slot): a test
            // here would be a branch the processor cannot predict, dearer than the spare loads.
            var i = (start + n) & mask;
            _listeners.Prefetch(_pairs.KeyAt((i + PassPrefetchDistance) & mask), 0);
            ref var pair = ref _pairs.EntryAt(i, out var listener, out var episode);
            if (Unsafe.IsNullRef(ref pair))
            {
                continue;
            }

            if (pair.ScheduledHour <= lastHour && ClosePair(ref pair, new PairKey(listener, episode), lastHour, horizon)
                && horizon != long.MaxValue)
            {
                _pairs.Vacate(i);
                ForgetPairOf(listener);
            }
            else
            {
                _pairs.Settle(i);
            }
        }
    }

    /// <summary>
    /// A state scheduled in <paramref name="hour"/>: pending bytes the horizon has passed expire. True when the state
    /// can be forgotten; otherwise it is listed under the hour it may close in.
    /// </summary>
    private bool ClosePair(ref PairState pair, PairKey key, long hour, long horizon)
    {
        if (pair.PendingRequests > 0 && (horizon == long.MaxValue || pair.PendingStart + Day <= horizon))
        {
            Drop(DropReason.BelowThreshold, pair.PendingRequests, pair.PendingStart / Day);
            pair.ResetPending(_rangeStore);
        }

        if (pair.PendingRequests == 0 && pair.BlockedUntil <= horizon)
        {
            return true;
        }

        pair.ScheduledHour = (int)Math.Max(pair.ClosesAt / Hour, hour + 1);
        _pairClosings.In(pair.ScheduledHour).Add(key);
        return false;
    }

    private void ForgetPairOf(UInt128 fingerprint)
    {
        ref var listener = ref _listeners.Find(fingerprint, 0);
        listener.Pairs--;
        ReleaseIfIdle(ref listener, fingerprint);
    }

    /// <summary>
    /// The UTC days the horizon has passed: each listener's downloads of the day face the volume rule and join the
    /// totals. Like <see cref="ClosePairs"/>, listener by listener from the days' lists, or, when they hold many of the
    /// listeners (every day but the quietest), one pass over the listener table in slot order.
    /// </summary>
    private void CloseDays(long horizon)
    {
        var days = _dayClosings.Due(horizon, out var due);
        if (days is null)
        {
            return;
        }

        if (horizon == long.MaxValue || due * WholePassShare >= _listeners.Capacity)
        {
            CloseDaysInSlotOrder(days, release: horizon != long.MaxValue);
        }
        else
        {
            foreach (var day in days)
            {
                CloseDayListed((int)day, _dayClosings.Of(day));
            }
        }

        _dayClosings.Release(days);
    }

    private void CloseDayListed(int day, ChunkedList<UInt128> listeners)
    {
        for (var k = 0; k < listeners.Count; k++)
        {
            if (k + PrefetchDistance < listeners.Count)
            {
                _listeners.Prefetch(listeners[k + PrefetchDistance], 0);
            }

            // A listener with a download in an open day is held until that day closes: it is in the table.
            var fingerprint = listeners[k];
            ref var listener = ref _listeners.Find(fingerprint, 0);
            if (TakeDay(ref listener, day, out var downloads))
            {
                Commit(ref listener, fingerprint, downloads);
                downloads.GiveBack(_freeDownloadArrays);
            }

            ReleaseIfIdle(ref listener, fingerprint);
        }
    }

    /// <summary>
    /// The days' downloads of every listener, in slot order; without <paramref name="release"/> (the end of the input)
    /// listeners stay in the table.
    /// </summary>
    private void CloseDaysInSlotOrder(List<long> days, bool release)
    {
        var mask = _listeners.Capacity - 1;
        var start = _listeners.PassStart();
        for (var n = 1; n <= mask + 1; n++)
        {
            var i = (start + n) & mask;
            PrefetchDayOf((i + PassPrefetchDistance) & mask, downloads: false);
            PrefetchDayOf((i + (PassPrefetchDistance / 2)) & mask, downloads: true);
            ref var listener = ref _listeners.EntryAt(i, out var fingerprint, out _);
            if (Unsafe.IsNullRef(ref listener))
            {
                continue;
            }

            var took = false;
            if (listener.HasDays)
            {
                foreach (var day in days)
                {
                    if (TakeDay(ref listener, (int)day, out var downloads))
                    {
                        Commit(ref listener, fingerprint, downloads);
                        downloads.GiveBack(_freeDownloadArrays);
                        took = true;
                    }
                }
            }

            if (took && release && IsIdle(listener))
            {
                _freeListeners.Push(listener.Index);
                _listeners.Vacate(i);
            }
            else
            {
                _listeners.Settle(i);
            }
        }
    }

    /// <summary>
    /// For the day pass: a listener with more than one download in its open day keeps the second and later in an array
    /// reached through its extras, two places in memory the pass would otherwise wait for in turn. Asked for in two
    /// steps, the extras first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PrefetchDayOf(int index, bool downloads)
    {
        ref var ahead = ref _listeners.EntryAt(index, out _, out _);
        if (Unsafe.IsNullRef(ref ahead) || ahead.Open.Count < 2)
        {
            return;
        }

        ref var extras = ref _listenerExtras[ahead.Index];
        if (!downloads)
        {
            CacheHints.Prefetch(ref extras);
        }
        else if (extras.More is { } more)
        {
            CacheHints.Prefetch(ref MemoryMarshal.GetArrayDataReference(more));
        }
    }

    /// <summary>A listener with no open state and no open day is forgotten (and its index reused).</summary>
    private void ReleaseIfIdle(ref ListenerState listener, UInt128 fingerprint)
    {
        if (IsIdle(listener))
        {
            _freeListeners.Push(listener.Index);
            _listeners.Remove(fingerprint, 0);
        }
    }

    private static bool IsIdle(in ListenerState listener) => listener.Pairs == 0 && !listener.HasDays;

    /// <summary>A closed day of one listener: the volume rule, then its downloads join the totals.</summary>
    private void Commit(ref ListenerState listener, UInt128 fingerprint, in DayDownloads day)
    {
        if (!listener.Safe && day.DistinctEpisodes() > _settings.MaxEpisodesPerListenerPerDay)
        {
            Drop(DropReason.ExcessiveVolume, day.Requests, day.Day);
            return;
        }

        for (var i = 0; i < day.Count; i++)
        {
            var download = day[i];
            _totalDownloads++;
            _episodeDownloads[download.Episode]++;
            Increment(_byName, download.Attributes.NameId);
            Increment(_byDevice, download.Attributes.DeviceId);
            Increment(_byOs, download.Attributes.OsId);
            _onDownload?.Invoke(new CountedDownload(_episodes.Episodes[download.Episode].Id, DateOnly.FromDayNumber(day.Day),
                day.Identity, _userAgents.Names[download.Attributes.NameId], _userAgents.DeviceCategories[download.Attributes.DeviceId],
                _userAgents.OperatingSystemNames[download.Attributes.OsId], day.Place));
        }

        if (_keys.Rotation == KeyRotation.Day)
        {
            // A listener has one open day a day and identities change every day: each committed day is one distinct
            // listener of the period, and each of its episodes one distinct listener of that episode.
            _totalListeners++;
            day.CountEpisodeListeners(_episodeListeners);
            return;
        }

        ref var totals = ref CollectionsMarshal.GetValueRefOrAddDefault(_periods, _keys.PeriodOf(day.Day), out _);
        totals ??= new PeriodTotals();
        totals.Listeners.Add(fingerprint);
        for (var i = 0; i < day.Count; i++)
        {
            totals.ListenerEpisodes.Add(new IdentityEpisode(fingerprint, day[i].Episode));
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

    /// <summary>The listener's state, added (with an index for its extras) when the fingerprint is new.</summary>
    private ref ListenerState ListenerFor(UInt128 fingerprint)
    {
        ref var listener = ref _listeners.GetOrAdd(fingerprint, 0, out var exists);
        if (!exists)
        {
            if (_freeListeners.Count > 0)
            {
                listener.Index = _freeListeners.Pop();
            }
            else
            {
                if (_listenerHighWater == _listenerExtras.Length)
                {
                    Array.Resize(ref _listenerExtras, _listenerExtras.Length * 2);
                    if (_identities is not null)
                    {
                        Array.Resize(ref _identities, _listenerExtras.Length);
                    }
                }

                listener.Index = _listenerHighWater++;
            }

            if (_identities is not null)
            {
                _identities[listener.Index] = ListenerIdentity.None;
            }
        }

        return ref listener;
    }

    /// <summary>Drops the request being read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Drop(DropReason reason)
    {
        _dropped[(int)reason]++;
        if (_onDrop is not null)
        {
            ReportDrop(reason, _requestDay, 1);
        }
    }

    /// <summary>Drops requests dated to <paramref name="day"/> (days since 0001-01-01).</summary>
    private void Drop(DropReason reason, long requests, long day)
    {
        _dropped[(int)reason] += requests;
        if (_onDrop is not null)
        {
            ReportDrop(reason, day, requests);
        }
    }

    /// <summary>
    /// Kept out of line: <see cref="Accept"/> has a dozen drop sites, and inlining this call at each of them made the
    /// per-request method larger for a path the command line never takes (it has no drop callback).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReportDrop(DropReason reason, long day, long requests) =>
        _onDrop!(reason, DateOnly.FromDayNumber((int)day), requests);

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

    private enum Verdict
    {
        Counts,
        Dropped,
        MalformedIp,
    }

    /// <summary>A request as far as it alone decides: its verdict and, when it counts, its listener and episode.</summary>
    private struct Examined
    {
        public long Time;
        public long LineNumber;
        public UInt128 RequestId;
        public long ServedStart;
        public long BytesServed;
        public Verdict Verdict;
        public DropReason DropReason;
        public int Episode;
        public int NameId;
        public UInt128 Address;
        public UInt128 ListenerAddress;
        public UInt128 Fingerprint;
        public UserAgentInfo? Agent;

        public void Drop(DropReason reason) => (Verdict, DropReason) = (Verdict.Dropped, reason);
    }

    /// <summary>A (listener, episode) state's key: the listener's fingerprint and the episode; packed to 20 bytes (the
    /// hours' lists hold hundreds of thousands).</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private readonly record struct PairKey(UInt128 Listener, int Episode);

    private readonly record struct IdentityEpisode(UInt128 Identity, int Episode)
    {
        public override int GetHashCode() => (int)(ulong)Identity ^ (Episode * -1640531527);
    }

    private readonly record struct Attributes(int NameId, int DeviceId, int OsId);

    private readonly record struct PendingDownload(int Episode, Attributes Attributes);

    /// <summary>What one listener has going on one episode.</summary>
    /// <remarks>
    /// No object references (extra byte ranges live in <see cref="RangeStore"/>), hours as 32-bit numbers, and 44 bytes
    /// packed to 4: with its 16-byte fingerprint and its episode, a slot of the pair table is 64 bytes and fills one cache
    /// line exactly, and the collector never looks into it.
    /// </remarks>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct PairState
    {
        /// <summary>Until then, requests belong to the download counted last (the window).</summary>
        public long BlockedUntil;

        /// <summary>The first request gathering bytes toward the next download.</summary>
        public long PendingStart;

        public ByteRanges Ranges;

        public int PendingRequests;

        /// <summary>The hour (since 0001-01-01) this state is listed under in the closings.</summary>
        public int ScheduledHour;

        /// <summary>When the state can be forgotten: pending bytes expire, or the window ends.</summary>
        public readonly long ClosesAt => PendingRequests > 0 ? Math.Max(PendingStart + Day, BlockedUntil) : BlockedUntil;

        public void ResetPending(RangeStore store)
        {
            PendingRequests = 0;
            Ranges.Clear(store);
        }
    }

    /// <summary>One listener (address and user agent): what most requests touch, in one cache line.</summary>
    /// <remarks>
    /// The listener's latest open day is held in the state itself, with its first download: most listeners have one
    /// open day with one download, and a download then touches no memory beyond the state, which <see cref="Accept"/>
    /// has asked for. No object references, so that it can live in the listener table's slot: 40 bytes, 64 with the key.
    /// </remarks>
    private struct ListenerState
    {
        /// <summary>Where the listener's <see cref="ListenerExtras"/> and identity are, in their arrays.</summary>
        public int Index;

        /// <summary>The latest open day (<see cref="DayHead.Day"/> zero: none); its second and later downloads are in
        /// <see cref="ListenerExtras.More"/>.</summary>
        public DayHead Open;

        /// <summary>(Listener, episode) states that point here.</summary>
        public int Pairs;

        /// <summary>A request came from an address on the safe list: the volume rule does not apply.</summary>
        public bool Safe;

        /// <summary>Earlier days are still open, in <see cref="ListenerExtras.Earlier"/>.</summary>
        public bool HasEarlier;

        public readonly bool HasDays => Open.Day != 0 || HasEarlier;
    }

    /// <summary>What a listener seldom has: more than one download in its latest day, and earlier days still open.</summary>
    private struct ListenerExtras
    {
        /// <summary>The latest open day's downloads after the first.</summary>
        public PendingDownload[]? More;

        /// <summary>Earlier days still open (a listener active across midnight, or a late request).</summary>
        public DayBucket? Earlier;
    }

    /// <summary>A listener's identity (HMAC) and place for one key period.</summary>
    private readonly record struct ListenerIdentity(int Period, UInt128 Identity, GeoLocation Place)
    {
        public static ListenerIdentity None { get; } = new(-1, UInt128.Zero, GeoLocation.Unknown);
    }

    /// <summary>An earlier open day of a listener, in a list from <see cref="ListenerExtras"/>.</summary>
    private sealed class DayBucket
    {
        public DayDownloads Downloads;
        public DayBucket? Next;
    }

    /// <summary>A listener's open day as far as it fits in its state: the day, the requests, and the first download.</summary>
    private struct DayHead
    {
        /// <summary>Days since 0001-01-01; zero while nothing is open.</summary>
        public int Day;

        /// <summary>Requests that made up the downloads (what the volume rule drops).</summary>
        public int Requests;

        public int Count;

        public PendingDownload First;

        /// <summary>
        /// Every download is kept even past the limit (a safe-listed listener keeps them all); a listener has at most two
        /// downloads of an episode in a day, so this stays bounded by the catalogue. The second and later go to
        /// <paramref name="more"/>, which is null until the second: that one only writes it (a store does not wait for
        /// the line, which is the listener's extras and not asked for in advance); the third and later read it.
        /// </summary>
        public void Add(ref PendingDownload[]? more, PendingDownload download, int requests, Stack<PendingDownload[]> spare)
        {
            Requests += requests;
            if (Count == 0)
            {
                First = download;
            }
            else
            {
                PendingDownload[] array;
                if (Count == 1)
                {
                    Debug.Assert(more is null, "a day's array is taken with its second download");
                    array = spare.Count > 0 ? spare.Pop() : new PendingDownload[4];
                    more = array;
                }
                else
                {
                    array = more!;
                    if (Count - 1 == array.Length)
                    {
                        Array.Resize(ref more, array.Length * 2);
                        array = more;
                    }
                }

                array[Count - 1] = download;
            }

            Count++;
        }
    }

    /// <summary>One listener's downloads in one UTC day, held until the day is over for the volume rule.</summary>
    private struct DayDownloads(DayHead head, PendingDownload[]? more, ListenerIdentity identity)
    {
        private DayHead _head = head;
        private PendingDownload[]? _more = more;

        public readonly int Day => _head.Day;

        public readonly int Requests => _head.Requests;

        public readonly int Count => _head.Count;

        public readonly UInt128 Identity => identity.Identity;

        public readonly GeoLocation Place => identity.Place;

        public readonly PendingDownload this[int index] => index == 0 ? _head.First : _more![index - 1];

        public void Add(PendingDownload download, int requests, Stack<PendingDownload[]> spare) =>
            _head.Add(ref _more, download, requests, spare);

        /// <summary>Gives the array of the second and later downloads back for another day (this day is done).</summary>
        public readonly void GiveBack(Stack<PendingDownload[]> spare)
        {
            if (_more is not null)
            {
                spare.Push(_more);
            }
        }

        public readonly int DistinctEpisodes()
        {
            var distinct = 0;
            for (var i = 0; i < Count; i++)
            {
                distinct += IsFirstOf(i) ? 1 : 0;
            }

            return distinct;
        }

        /// <summary>Counts each episode once per listener.</summary>
        public readonly void CountEpisodeListeners(long[] episodeListeners)
        {
            for (var i = 0; i < Count; i++)
            {
                if (IsFirstOf(i))
                {
                    episodeListeners[this[i].Episode]++;
                }
            }
        }

        /// <summary>Whether download <paramref name="index"/> is the first of its episode this day.</summary>
        private readonly bool IsFirstOf(int index)
        {
            var episode = this[index].Episode;
            for (var j = 0; j < index; j++)
            {
                if (this[j].Episode == episode)
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class PeriodTotals
    {
        public HashSet<UInt128> Listeners { get; } = [];

        public HashSet<IdentityEpisode> ListenerEpisodes { get; } = [];
    }
}

/// <summary>
/// A counted download, final (its day passed the volume rule). <paramref name="Listener"/> is the listener identity:
/// HMAC-SHA256 under the key of the day's key period, never the address. <paramref name="Place"/> comes from the
/// geography database (Analytics:GeoDatabase), unknown without one.
/// </summary>
public sealed record CountedDownload(string EpisodeId, DateOnly Day, UInt128 Listener, string App, string Device, string Os, GeoLocation Place);

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
