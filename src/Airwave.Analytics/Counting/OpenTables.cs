using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Airwave.Analytics.Counting;

/// <summary>
/// A set of 128-bit hashes with open addressing and linear probing: one array of 16-byte slots, so a lookup is one
/// memory access where <see cref="HashSet{T}"/> needs two. Zero marks an empty slot (a zero hash is stored as one).
/// </summary>
internal sealed class Hash128Set
{
    private UInt128[] _slots = new UInt128[1024];
    private int _count;

    public int Count => _count;

    /// <summary>Adds the value; false when it was there already.</summary>
    public bool Add(UInt128 value)
    {
        if (value == UInt128.Zero)
        {
            value = UInt128.One;
        }

        if (2 * (_count + 1) > _slots.Length)
        {
            Grow();
        }

        var mask = _slots.Length - 1;
        for (var i = (int)(ulong)value & mask; ; i = (i + 1) & mask)
        {
            ref var slot = ref _slots[i];
            if (slot == value)
            {
                return false;
            }

            if (slot == UInt128.Zero)
            {
                slot = value;
                _count++;
                return true;
            }
        }
    }

    /// <summary>Asks for the slot where adding the value begins, so that an add a little later finds it in the cache.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(UInt128 value) => CacheHints.Prefetch(ref _slots[(int)(ulong)value & (_slots.Length - 1)]);

    /// <summary>Empties the set and keeps its capacity (the sets are reused hour after hour).</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        _count = 0;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new UInt128[old.Length * 2];
        _count = 0;
        foreach (var value in old)
        {
            if (value != UInt128.Zero)
            {
                Add(value);
            }
        }
    }
}

/// <summary>
/// A map from (fingerprint, small integer) to a struct value stored in the slot itself: open addressing, linear
/// probing and backward-shift deletion, so a lookup touches one place in memory and there are no tombstones. Slots are
/// padded to a power of two bytes and laid out from a 64-byte boundary (<see cref="TableMemory"/>, in 2 MiB pages where
/// the system allows): a slot of up to 64 bytes sits in one cache line and a lookup loads one line. The key is a
/// 128-bit hash that is never zero (zero marks an empty slot; <see cref="ListenerKeys.Fingerprint"/> sets its top bit).
/// A reference returned by <see cref="GetOrAdd"/>, <see cref="Find"/> or <see cref="EntryAt"/> is valid until the next
/// add or remove.
/// </summary>
internal sealed unsafe class FingerprintTable<TValue> : IDisposable where TValue : struct
{
    /// <summary>Bytes from one slot to the next: 64 for the counting's two tables (a unit test holds them to it).</summary>
    internal static readonly int Stride = TableMemory.StrideOf<Slot>();

    /// <summary>
    /// Slots <see cref="Prefetch"/> asks for. A lookup reads on from its home past the slots other keys hold, which even
    /// at the tables' load (a quarter to a half) is often more than one slot; asking for the home slot alone, the
    /// counting waited on memory for the rest (ADR 0027, session 16).
    /// </summary>
    private const int PrefetchSlots = 4;

    private TableMemory _memory = null!;
    private int _mask;
    private int _count;

    public FingerprintTable() => Allocate(1024);

    public int Count => _count;

    /// <summary>Slots, used or not: the indexes <see cref="EntryAt"/>, <see cref="Vacate"/> and <see cref="Settle"/> take.</summary>
    public int Capacity => _mask + 1;

    public ref TValue GetOrAdd(UInt128 key, int sub, out bool exists)
    {
        Debug.Assert(key != UInt128.Zero, "zero marks an empty slot");

        // Grown at half full. Linear probing's runs lengthen fast past that: grown at 70 %, a third of the listener
        // table's lookups on the bench log read two slots or more and one in eleven more than four, and the counting
        // spent ~3 % more time waiting on them than it does now, for 12 % less memory (ADR 0027, session 16).
        if (2 * (_count + 1) > _mask + 1)
        {
            Grow();
        }

        for (var i = Home(key, sub); ; i = (i + 1) & _mask)
        {
            ref var slot = ref At(i);
            if (slot.Key == UInt128.Zero)
            {
                slot.Key = key;
                slot.Sub = sub;
                slot.Value = default;
                _count++;
                exists = false;
                return ref slot.Value;
            }

            if (slot.Key == key && slot.Sub == sub)
            {
                exists = true;
                return ref slot.Value;
            }
        }
    }

    /// <summary>
    /// Asks for the slots a lookup of the key reads first, its home and the <see cref="PrefetchSlots"/> - 1 after it, so
    /// that a lookup a little later finds them in the cache.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(UInt128 key, int sub)
    {
        var home = Home(key, sub);
        for (var i = 0; i < PrefetchSlots; i++)
        {
            CacheHints.Prefetch(ref At((home + i) & _mask));
        }
    }

    public ref TValue Find(UInt128 key, int sub)
    {
        for (var i = Home(key, sub); ; i = (i + 1) & _mask)
        {
            ref var slot = ref At(i);
            if (slot.Key == UInt128.Zero)
            {
                return ref Unsafe.NullRef<TValue>();
            }

            if (slot.Key == key && slot.Sub == sub)
            {
                return ref slot.Value;
            }
        }
    }

    public bool Remove(UInt128 key, int sub)
    {
        for (var i = Home(key, sub); ; i = (i + 1) & _mask)
        {
            ref var slot = ref At(i);
            if (slot.Key == UInt128.Zero)
            {
                return false;
            }

            if (slot.Key == key && slot.Sub == sub)
            {
                RemoveAt(i);
                return true;
            }
        }
    }

    /// <summary>
    /// Where a pass over the whole table in slot order starts: an empty slot, so that no probe run wraps past it. The
    /// pass then looks at slots <c>start + 1</c> to <c>start + <see cref="Capacity"/></c> (modulo the capacity) and
    /// takes each entry out with <see cref="Vacate"/> or keeps it with <see cref="Settle"/>: sequential reads and
    /// writes, where removing entries one by one moves the rest of their probe runs back each time.
    /// </summary>
    public int PassStart()
    {
        var index = 0;
        while (At(index).Key != UInt128.Zero)
        {
            index++;
        }

        return index;
    }

    /// <summary>
    /// The entry in slot <paramref name="index"/> (a null reference when the slot is empty), for a pass in slot order
    /// (<see cref="PassStart"/>).
    /// </summary>
    public ref TValue EntryAt(int index, out UInt128 key, out int sub)
    {
        ref var slot = ref At(index);
        (key, sub) = (slot.Key, slot.Sub);
        return ref key == UInt128.Zero ? ref Unsafe.NullRef<TValue>() : ref slot.Value;
    }

    /// <summary>The key of the entry in slot <paramref name="index"/>; zero when the slot is empty.</summary>
    public UInt128 KeyAt(int index) => At(index).Key;

    /// <summary>
    /// In a pass (<see cref="PassStart"/>): empties slot <paramref name="index"/> and leaves the rest of its probe run
    /// where it is; <see cref="Settle"/> moves it back as the pass meets it. Until the pass has met every slot, the
    /// table answers lookups wrongly: nothing may look a key up in it meanwhile.
    /// </summary>
    public void Vacate(int index)
    {
        At(index).Key = UInt128.Zero;
        _count--;
    }

    /// <summary>
    /// In a pass (<see cref="PassStart"/>), for each entry it keeps: moves the entry in slot <paramref name="index"/> to
    /// the first empty slot from its home, when the pass vacated one before it in its run; lookups then find it again.
    /// A reference to the entry is not valid after this.
    /// </summary>
    public void Settle(int index)
    {
        ref var slot = ref At(index);
        for (var i = Home(slot.Key, slot.Sub); i != index; i = (i + 1) & _mask)
        {
            ref var free = ref At(i);
            if (free.Key == UInt128.Zero)
            {
                free = slot;
                slot.Key = UInt128.Zero;
                return;
            }
        }
    }

    /// <summary>Removes the entry in slot <paramref name="index"/>: later entries of its probe run that can move back do.</summary>
    private void RemoveAt(int index)
    {
        // Backward shift: move later entries of the probe run into the hole when their home allows it.
        var hole = index;
        var j = (hole + 1) & _mask;
        while (At(j).Key != UInt128.Zero)
        {
            var home = Home(At(j).Key, At(j).Sub);
            var between = hole <= j ? home > hole && home <= j : home > hole || home <= j;
            if (!between)
            {
                At(hole) = At(j);
                hole = j;
            }

            j = (j + 1) & _mask;
        }

        At(hole) = default;
        _count--;
    }

    /// <summary>Frees the memory; the table must not be used after this.</summary>
    public void Dispose() => _memory.Dispose();

    /// <summary>The key's low bits (it is a hash already), mixed with the integer times 2^64 / φ.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(UInt128 key, int sub) => (int)((ulong)key ^ ((ulong)(uint)sub * 0x9E3779B97F4A7C15UL)) & _mask;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Slot At(int index) => ref Unsafe.AsRef<Slot>(_memory.Start + ((nint)index * Stride));

    private void Allocate(int capacity)
    {
        _memory = new TableMemory((long)capacity * Stride);
        _mask = capacity - 1;
        _count = 0;
    }

    private void Grow()
    {
        var (old, oldCapacity) = (_memory, _mask + 1);
        Allocate(oldCapacity * 2);
        for (var k = 0; k < oldCapacity; k++)
        {
            var slot = Unsafe.AsRef<Slot>(old.Start + ((nint)k * Stride));
            if (slot.Key == UInt128.Zero)
            {
                continue;
            }

            var i = Home(slot.Key, slot.Sub);
            while (At(i).Key != UInt128.Zero)
            {
                i = (i + 1) & _mask;
            }

            At(i) = slot;
            _count++;
        }

        old.Dispose();
    }

    /// <summary>The key first (16-byte aligned), the integer last: a 44-byte value packed to 4 bytes fills 64.</summary>
    private struct Slot
    {
        public UInt128 Key;
        public TValue Value;
        public int Sub;
    }
}
