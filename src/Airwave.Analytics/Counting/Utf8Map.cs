using System.Runtime.CompilerServices;

namespace Airwave.Analytics.Counting;

/// <summary>
/// A hash map keyed by UTF-8 bytes, looked up with a span: the hot path finds a user agent or a URL without turning
/// the log's bytes into a string. Only adding a new key copies it.
/// </summary>
internal sealed class Utf8Map<TValue>
{
    private int[] _buckets = new int[64];
    private Entry[] _entries = new Entry[64];
    private int _count;

    public int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(ReadOnlySpan<byte> key, ulong hash, out TValue value)
    {
        var entries = _entries;
        for (var i = _buckets[(int)(hash & (ulong)(_buckets.Length - 1))] - 1; i >= 0; i = entries[i].Next)
        {
            ref var entry = ref entries[i];
            if (entry.Hash == hash && key.SequenceEqual(entry.Key))
            {
                value = entry.Value;
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>Adds a key that is not in the map yet (callers look it up first).</summary>
    public void Add(ReadOnlySpan<byte> key, ulong hash, TValue value)
    {
        if (_count == _entries.Length)
        {
            Grow();
        }

        ref var bucket = ref _buckets[(int)(hash & (ulong)(_buckets.Length - 1))];
        _entries[_count] = new Entry { Hash = hash, Key = key.ToArray(), Value = value, Next = bucket - 1 };
        bucket = ++_count;
    }

    public void Clear()
    {
        Array.Clear(_buckets);
        Array.Clear(_entries, 0, _count);
        _count = 0;
    }

    private void Grow()
    {
        var entries = new Entry[_entries.Length * 2];
        Array.Copy(_entries, entries, _count);
        var buckets = new int[entries.Length];
        for (var i = 0; i < _count; i++)
        {
            ref var bucket = ref buckets[(int)(entries[i].Hash & (ulong)(buckets.Length - 1))];
            entries[i].Next = bucket - 1;
            bucket = i + 1;
        }

        _entries = entries;
        _buckets = buckets;
    }

    private struct Entry
    {
        public ulong Hash;
        public byte[] Key;
        public TValue Value;
        public int Next;
    }
}
