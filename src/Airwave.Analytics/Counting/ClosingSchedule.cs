using System.Numerics;

namespace Airwave.Analytics.Counting;

/// <summary>
/// What may close in each period (an hour of (listener, episode) states, a UTC day of listeners), as lists by period
/// number in period order, for the counting's sweep. Lists and their chunks are reused once their period is closed.
/// </summary>
/// <remarks>
/// The open periods span a few days at most (the window, the pending bytes' day and the lateness), so the lists sit in
/// a ring indexed by period number: a period's list is one array index away, and the periods are walked in order from
/// the oldest open one. The ring doubles when the span outgrows it. (A sorted dictionary did the same; its tree code is
/// compiled the first time the tree rebalances, which came late in the counting's start and held back the runtime's
/// optimising of the hot code, ADR 0027 session 16.)
/// </remarks>
/// <param name="periodTicks">The length of a period: period <c>p</c> ends at <c>(p + 1) * periodTicks</c>.</param>
internal sealed class ClosingSchedule<T>(long periodTicks) where T : struct
{
    private ChunkedList<T>?[] _ring = new ChunkedList<T>?[64];
    private readonly Stack<ChunkedList<T>> _freeLists = new();
    private readonly Stack<T[]> _chunks = new();

    /// <summary>The oldest and newest periods with a list; no list when <see cref="_first"/> is above <see cref="_last"/>.</summary>
    private long _first = long.MaxValue;

    private long _last = long.MinValue;

    /// <summary>Periods the ring has room for: a power of two at least the open span (for tests).</summary>
    internal int Capacity => _ring.Length;

    /// <summary>The list of a period, started when it has none.</summary>
    public ChunkedList<T> In(long period)
    {
        var first = Math.Min(_first, period);
        var last = Math.Max(_last, period);
        if (last - first >= _ring.Length)
        {
            Grow(last - first + 1);
        }

        ref var slot = ref _ring[Index(period)];
        if (slot is null)
        {
            slot = _freeLists.Count > 0 ? _freeLists.Pop() : new ChunkedList<T>(_chunks);
            (_first, _last) = (first, last);
        }

        return slot;
    }

    /// <summary>
    /// The periods that end at or before <paramref name="horizon"/> (every period at <see cref="long.MaxValue"/>), oldest
    /// first, and how many entries their lists hold; null when there are none.
    /// </summary>
    public List<long>? Due(long horizon, out long entries)
    {
        List<long>? due = null;
        entries = 0;
        for (var period = _first; period <= _last; period++)
        {
            if (horizon != long.MaxValue && (period + 1) * periodTicks > horizon)
            {
                break;
            }

            if (_ring[Index(period)] is { } list)
            {
                (due ??= []).Add(period);
                entries += list.Count;
            }
        }

        return due;
    }

    /// <summary>The list of a period that has one (a period <see cref="Due"/> named).</summary>
    public ChunkedList<T> Of(long period) => _ring[Index(period)]!;

    /// <summary>Empties and forgets the lists of closed periods; adding to one of them later starts a new list.</summary>
    public void Release(List<long> periods)
    {
        foreach (var period in periods)
        {
            ref var slot = ref _ring[Index(period)];
            slot!.Clear();
            _freeLists.Push(slot);
            slot = null;
        }

        while (_first <= _last && _ring[Index(_first)] is null)
        {
            _first++;
        }

        if (_first > _last)
        {
            (_first, _last) = (long.MaxValue, long.MinValue);
        }
    }

    private int Index(long period) => (int)(period & (_ring.Length - 1));

    private void Grow(long span)
    {
        var ring = new ChunkedList<T>?[(int)BitOperations.RoundUpToPowerOf2((ulong)span)];
        for (var period = _first; period <= _last; period++)
        {
            ring[period & (ring.Length - 1)] = _ring[Index(period)];
        }

        _ring = ring;
    }
}
