using System.Runtime.InteropServices;

namespace Airwave.Analytics.Counting;

/// <summary>
/// The union of byte ranges one listener received of one file, as sorted disjoint half-open intervals, and its size.
/// Repeated and overlapping ranges add nothing; adjacent ones join. The first interval is kept inline, because most
/// downloads are one request or ranges that extend each other; when there are more, they live in a
/// <see cref="RangeStore"/> under an index, so this struct holds no object reference (it sits in every slot of the
/// counting's largest table, which the garbage collector then never has to look into).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct ByteRanges
{
    // 20 bytes, packed to 4 so that a (listener, episode) state and its key fill a 64-byte cache line exactly.
    private long _start0;
    private long _end0;

    /// <summary>
    /// 0 while the union is held inline: empty when <c>_end0 == _start0</c>, else the one interval [_start0, _end0).
    /// Once a second interval arrives, the index of the intervals (and their count) in the store, until cleared.
    /// </summary>
    private int _more;

    /// <summary>Bytes covered by the union.</summary>
    public readonly long Covered(RangeStore store) => _more == 0 ? _end0 - _start0 : store.Covered(_more);

    /// <summary>Adds [start, end) and returns the new <see cref="Covered"/>.</summary>
    public long Add(long start, long end, RangeStore store)
    {
        if (end <= start)
        {
            return Covered(store);
        }

        if (_more == 0)
        {
            if (_end0 == _start0)
            {
                (_start0, _end0) = (start, end);
                return end - start;
            }

            if (start <= _end0 && end >= _start0)
            {
                _start0 = Math.Min(_start0, start);
                _end0 = Math.Max(_end0, end);
                return _end0 - _start0;
            }

            _more = store.Rent();
            var intervals = store.Intervals(_more);
            intervals[0] = _start0;
            intervals[1] = _end0;
            store.Count(_more) = 1;
            store.Covered(_more) = _end0 - _start0;
        }

        return AddToArray(start, end, store);
    }

    /// <summary>Empties the union; intervals held in the store go back to it.</summary>
    public void Clear(RangeStore store)
    {
        if (_more != 0)
        {
            store.Return(_more);
            _more = 0;
        }

        (_start0, _end0) = (0, 0);
    }

    private long AddToArray(long start, long end, RangeStore store)
    {
        ref var intervals = ref store.Intervals(_more);
        ref var count = ref store.Count(_more);

        // First interval that ends at or after the new start: everything before it stays.
        var first = 0;
        while (first < count && intervals[2 * first + 1] < start)
        {
            first++;
        }

        // Intervals from `first` that start at or before the new end overlap or touch it and merge into one.
        var last = first;
        var removed = 0L;
        while (last < count && intervals[2 * last] <= end)
        {
            start = Math.Min(start, intervals[2 * last]);
            end = Math.Max(end, intervals[2 * last + 1]);
            removed += intervals[2 * last + 1] - intervals[2 * last];
            last++;
        }

        var merged = last - first;
        var newCount = count - merged + 1;
        if (2 * newCount > intervals.Length)
        {
            Array.Resize(ref intervals, intervals.Length * 2);
        }

        if (merged != 1)
        {
            Array.Copy(intervals, 2 * last, intervals, 2 * (first + 1), 2 * (count - last));
        }

        intervals[2 * first] = start;
        intervals[2 * first + 1] = end;
        count = newCount;
        ref var covered = ref store.Covered(_more);
        covered += end - start - removed;
        return covered;
    }
}

/// <summary>
/// The interval arrays of <see cref="ByteRanges"/> that hold more than one interval (a few listeners skip around in a
/// file), addressed by index and reused once their range is cleared. One store per counting; not thread-safe.
/// </summary>
internal sealed class RangeStore
{
    private long[][] _intervals = new long[64][];
    private long[] _covered = new long[64];
    private int[] _counts = new int[64];
    private int _highWater = 1;
    private readonly Stack<int> _free = new();

    /// <summary>Intervals in use now: for tests of the bounded memory.</summary>
    public int InUse => _highWater - 1 - _free.Count;

    public int Rent()
    {
        if (_free.Count > 0)
        {
            return _free.Pop();
        }

        if (_highWater == _intervals.Length)
        {
            Array.Resize(ref _intervals, _intervals.Length * 2);
            Array.Resize(ref _covered, _covered.Length * 2);
            Array.Resize(ref _counts, _counts.Length * 2);
        }

        _intervals[_highWater] = new long[8];
        return _highWater++;
    }

    /// <summary>The intervals (start, end pairs) at an index; valid until the next <see cref="Rent"/>.</summary>
    public ref long[] Intervals(int index) => ref _intervals[index];

    /// <summary>Bytes covered by the intervals at an index; valid until the next <see cref="Rent"/>.</summary>
    public ref long Covered(int index) => ref _covered[index];

    /// <summary>Intervals at an index; valid until the next <see cref="Rent"/>.</summary>
    public ref int Count(int index) => ref _counts[index];

    public void Return(int index) => _free.Push(index);
}
