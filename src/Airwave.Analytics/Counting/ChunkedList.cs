namespace Airwave.Analytics.Counting;

/// <summary>
/// An append-only list stored in fixed-size chunks that come from, and go back to, a pool shared by lists of one kind.
/// The counting keeps a list per hour (the states that may close in it) and per day (the listeners with downloads
/// that day); they fill up and are emptied all the time, at sizes that follow the traffic. A <see cref="List{T}"/>
/// grew by copying into ever larger fresh arrays, and the memory it touched first cost page faults; chunks are never
/// copied, and the ones handed back are reused while they are still in the cache.
/// </summary>
internal sealed class ChunkedList<T>(Stack<T[]> pool) where T : struct
{
    private const int ChunkShift = 11;
    private const int ChunkSize = 1 << ChunkShift;

    private readonly List<T[]> _chunks = [];

    public int Count { get; private set; }

    public T this[int index] => _chunks[index >> ChunkShift][index & (ChunkSize - 1)];

    public void Add(T item)
    {
        var offset = Count & (ChunkSize - 1);
        if (offset == 0)
        {
            _chunks.Add(pool.Count > 0 ? pool.Pop() : new T[ChunkSize]);
        }

        _chunks[^1][offset] = item;
        Count++;
    }

    /// <summary>Empties the list and hands its chunks back to the pool (their old contents are overwritten before use).</summary>
    public void Clear()
    {
        foreach (var chunk in _chunks)
        {
            pool.Push(chunk);
        }

        _chunks.Clear();
        Count = 0;
    }
}
