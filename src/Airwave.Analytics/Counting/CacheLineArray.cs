using System.Runtime.CompilerServices;

namespace Airwave.Analytics.Counting;

/// <summary>
/// An array of structs without object references, each at a power-of-two stride from a 64-byte boundary: a value of
/// up to 64 bytes sits in one cache line, so reading it (or asking for it with <see cref="Prefetch"/>) loads one line.
/// A .NET array starts 16 bytes into its object, and 64-byte elements there straddle two lines. The values live in
/// <see cref="TableMemory"/>, outside the collected heap (in 2 MiB pages where the system allows). The counting keeps
/// its largest random-access state here (ADR 0027).
/// </summary>
internal sealed unsafe class CacheLineArray<T> : IDisposable where T : struct
{
    private static readonly int Stride = TableMemory.StrideOf<T>();

    private TableMemory _memory;

    public CacheLineArray(int length)
    {
        _memory = new TableMemory((long)length * Stride);
        Length = length;
    }

    public int Length { get; private set; }

    public ref T this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)Length)
            {
                ThrowIndexOutOfRange();
            }

            return ref Unsafe.AsRef<T>(_memory.Start + ((nint)index * Stride));
        }
    }

    /// <summary>Asks for the value's cache line (nothing when the index is past the end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int index)
    {
        if ((uint)index < (uint)Length)
        {
            CacheHints.Prefetch(ref this[index]);
        }
    }

    /// <summary>Changes the length: values up to the smaller length are kept, new ones are zero.</summary>
    public void Resize(int length)
    {
        var old = _memory;
        _memory = new TableMemory((long)length * Stride);
        var kept = (long)Math.Min(Length, length) * Stride;
        Buffer.MemoryCopy(old.Start, _memory.Start, kept, kept);
        old.Dispose();
        Length = length;
    }

    /// <summary>Frees the memory; the array is empty from then on.</summary>
    public void Dispose()
    {
        Length = 0;
        _memory.Dispose();
    }

    private static void ThrowIndexOutOfRange() => throw new ArgumentOutOfRangeException("index");
}
