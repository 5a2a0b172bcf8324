using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Airwave.Analytics.Counting;

/// <summary>
/// An array of structs without object references, each at a power-of-two stride from a 64-byte boundary: a value of
/// up to 64 bytes sits in one cache line, so reading it (or asking for it with <see cref="Prefetch"/>) loads one line.
/// A .NET array starts 16 bytes into its object, and 64-byte elements there straddle two lines. The memory is a
/// pinned byte array (it never moves, so the alignment holds). The counting keeps its largest random-access state
/// here (ADR 0027).
/// </summary>
internal sealed class CacheLineArray<T> where T : struct
{
    private static readonly int Stride = RuntimeHelpers.IsReferenceOrContainsReferences<T>()
        ? throw new InvalidOperationException($"{typeof(T).Name} holds object references; they cannot live in a byte array.")
        : (int)BitOperations.RoundUpToPowerOf2((uint)Unsafe.SizeOf<T>());

    private byte[] _memory = [];
    private int _offset;

    public CacheLineArray(int length) => _memory = Allocate(length, out _offset);

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

            return ref Unsafe.As<byte, T>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_memory), _offset + (index * Stride)));
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
        var (old, oldOffset, kept) = (_memory, _offset, Math.Min(Length, length));
        _memory = Allocate(length, out _offset);
        old.AsSpan(oldOffset, kept * Stride).CopyTo(_memory.AsSpan(_offset));
    }

    private byte[] Allocate(int length, out int offset)
    {
        Length = length;
        return CacheLineMemory.Allocate(length * Stride, out offset);
    }

    private static void ThrowIndexOutOfRange() => throw new ArgumentOutOfRangeException("index");
}

/// <summary>Pinned memory from a cache-line boundary, for <see cref="CacheLineArray{T}"/> and <see cref="ListenerEpisodeTable{TValue}"/>.</summary>
internal static class CacheLineMemory
{
    public const int CacheLine = 64;

    /// <summary>A pinned array with <paramref name="bytes"/> usable bytes from <paramref name="offset"/>, a 64-byte boundary.</summary>
    public static unsafe byte[] Allocate(int bytes, out int offset)
    {
        var memory = GC.AllocateArray<byte>(bytes + CacheLine, pinned: true);
        var address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(memory));
        offset = (int)((CacheLine - (address & (CacheLine - 1))) & (CacheLine - 1));
        return memory;
    }
}
