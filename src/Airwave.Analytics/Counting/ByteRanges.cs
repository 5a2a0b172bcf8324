namespace Airwave.Analytics.Counting;

/// <summary>
/// The union of byte ranges one listener received of one file, as sorted disjoint half-open intervals, and its size.
/// Repeated and overlapping ranges add nothing; adjacent ones join. The first interval is kept inline, because most
/// downloads are one request or ranges that extend each other.
/// </summary>
internal struct ByteRanges
{
    private long _start0;
    private long _end0;
    private long[]? _more;
    private int _count;

    /// <summary>Bytes covered by the union.</summary>
    public long Covered { readonly get; private set; }

    public readonly int Count => _count;

    /// <summary>Adds [start, end) and returns the new <see cref="Covered"/>.</summary>
    public long Add(long start, long end)
    {
        if (end <= start)
        {
            return Covered;
        }

        if (_count == 0)
        {
            (_start0, _end0, _count, Covered) = (start, end, 1, end - start);
            return Covered;
        }

        if (_count == 1)
        {
            if (start <= _end0 && end >= _start0)
            {
                _start0 = Math.Min(_start0, start);
                _end0 = Math.Max(_end0, end);
                Covered = _end0 - _start0;
                return Covered;
            }

            _more ??= new long[8];
            _more[0] = _start0;
            _more[1] = _end0;
        }

        return AddToArray(start, end);
    }

    public void Clear()
    {
        _count = 0;
        Covered = 0;
    }

    private long AddToArray(long start, long end)
    {
        var intervals = _more!;
        // First interval that ends at or after the new start: everything before it stays.
        var first = 0;
        while (first < _count && intervals[2 * first + 1] < start)
        {
            first++;
        }

        // Intervals from `first` that start at or before the new end overlap or touch it and merge into one.
        var last = first;
        var removed = 0L;
        while (last < _count && intervals[2 * last] <= end)
        {
            start = Math.Min(start, intervals[2 * last]);
            end = Math.Max(end, intervals[2 * last + 1]);
            removed += intervals[2 * last + 1] - intervals[2 * last];
            last++;
        }

        var merged = last - first;
        var newCount = _count - merged + 1;
        if (2 * newCount > intervals.Length)
        {
            Array.Resize(ref intervals, intervals.Length * 2);
            _more = intervals;
        }

        if (merged != 1)
        {
            Array.Copy(intervals, 2 * last, intervals, 2 * (first + 1), 2 * (_count - last));
        }

        intervals[2 * first] = start;
        intervals[2 * first + 1] = end;
        _count = newCount;
        Covered += end - start - removed;
        if (_count == 1)
        {
            (_start0, _end0) = (start, end);
        }

        return Covered;
    }
}
