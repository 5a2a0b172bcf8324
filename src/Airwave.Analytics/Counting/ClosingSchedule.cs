namespace Airwave.Analytics.Counting;

/// <summary>
/// What may close in each period (an hour of (listener, episode) states, a UTC day of listeners), as lists by period
/// number in period order, for the counting's sweep. Lists and their chunks are reused once their period is closed.
/// Requests of one stretch of the log mostly add to the same period, so the last list used is kept at hand and the
/// sorted dictionary is searched only when the period changes.
/// </summary>
/// <param name="periodTicks">The length of a period: period <c>p</c> ends at <c>(p + 1) * periodTicks</c>.</param>
internal sealed class ClosingSchedule<T>(long periodTicks) where T : struct
{
    private readonly SortedDictionary<long, ChunkedList<T>> _lists = [];
    private readonly Stack<ChunkedList<T>> _freeLists = new();
    private readonly Stack<T[]> _chunks = new();
    private long _cachedPeriod = long.MinValue;
    private ChunkedList<T>? _cachedList;

    /// <summary>The list of a period, started when it has none.</summary>
    public ChunkedList<T> In(long period)
    {
        if (period == _cachedPeriod)
        {
            return _cachedList!;
        }

        if (!_lists.TryGetValue(period, out var list))
        {
            list = _freeLists.Count > 0 ? _freeLists.Pop() : new ChunkedList<T>(_chunks);
            _lists.Add(period, list);
        }

        (_cachedPeriod, _cachedList) = (period, list);
        return list;
    }

    /// <summary>
    /// The periods that end at or before <paramref name="horizon"/> (every period at <see cref="long.MaxValue"/>), oldest
    /// first, and how many entries their lists hold; null when there are none.
    /// </summary>
    public List<long>? Due(long horizon, out long entries)
    {
        List<long>? due = null;
        entries = 0;
        foreach (var (period, list) in _lists)
        {
            if (horizon != long.MaxValue && (period + 1) * periodTicks > horizon)
            {
                break;
            }

            (due ??= []).Add(period);
            entries += list.Count;
        }

        return due;
    }

    /// <summary>The list of a period that has one (a period <see cref="Due"/> named).</summary>
    public ChunkedList<T> Of(long period) => _lists[period];

    /// <summary>Empties and forgets the lists of closed periods; adding to one of them later starts a new list.</summary>
    public void Release(List<long> periods)
    {
        foreach (var period in periods)
        {
            _lists.Remove(period, out var list);
            list!.Clear();
            _freeLists.Push(list);
            if (period == _cachedPeriod)
            {
                (_cachedPeriod, _cachedList) = (long.MinValue, null);
            }
        }
    }
}
