using System.Runtime.CompilerServices;

namespace Airwave.Analytics.Counting;

/// <summary>
/// A hash map keyed by UTF-8 bytes, looked up with a span: the hot path finds a user agent or a URL without turning
/// the log's bytes into a string. Only adding a new key copies it.
/// </summary>
/// <remarks>
/// Laid out for a lookup that touches little memory, because the counting's large tables keep pushing it out of the
/// processor's cache: open addressing with linear probing over one array of small slots (hash, where the key is, value),
/// and every key's bytes one after another in one byte array. A lookup reads a slot, whose place follows from the hash
/// alone, and then the key's bytes; a map of objects would read a bucket, then an entry, then a key array elsewhere.
/// </remarks>
internal sealed class Utf8Map<TValue>
{
    private Slot[] _slots = new Slot[64];
    private byte[] _keys = new byte[1024];
    private int _keysUsed;
    private int _count;

    public int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(ReadOnlySpan<byte> key, ulong hash, out TValue value)
    {
        var slots = _slots;
        var mask = slots.Length - 1;
        for (var i = (int)hash & mask; ; i = (i + 1) & mask)
        {
            ref var slot = ref slots[i];
            if (slot.LengthPlusOne == 0)
            {
                value = default!;
                return false;
            }

            if (slot.Hash == hash && key.SequenceEqual(_keys.AsSpan(slot.Offset, slot.LengthPlusOne - 1)))
            {
                value = slot.Value;
                return true;
            }
        }
    }

    /// <summary>Adds a key that is not in the map yet (callers look it up first).</summary>
    public void Add(ReadOnlySpan<byte> key, ulong hash, TValue value)
    {
        if (2 * (_count + 1) > _slots.Length)
        {
            Grow();
        }

        if (_keysUsed + key.Length > _keys.Length)
        {
            Array.Resize(ref _keys, Math.Max(_keys.Length * 2, _keysUsed + key.Length));
        }

        key.CopyTo(_keys.AsSpan(_keysUsed));
        Insert(_slots, new Slot { Hash = hash, Offset = _keysUsed, LengthPlusOne = key.Length + 1, Value = value });
        _keysUsed += key.Length;
        _count++;
    }

    /// <summary>Empties the map and keeps its memory.</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        _keysUsed = 0;
        _count = 0;
    }

    private void Grow()
    {
        var slots = new Slot[_slots.Length * 2];
        foreach (var slot in _slots)
        {
            if (slot.LengthPlusOne != 0)
            {
                Insert(slots, slot);
            }
        }

        _slots = slots;
    }

    private static void Insert(Slot[] slots, in Slot slot)
    {
        var mask = slots.Length - 1;
        var i = (int)slot.Hash & mask;
        while (slots[i].LengthPlusOne != 0)
        {
            i = (i + 1) & mask;
        }

        slots[i] = slot;
    }

    private struct Slot
    {
        public ulong Hash;

        /// <summary>Where the key's bytes start in <see cref="_keys"/>.</summary>
        public int Offset;

        /// <summary>The key's length plus one; zero marks an empty slot.</summary>
        public int LengthPlusOne;

        public TValue Value;
    }
}
