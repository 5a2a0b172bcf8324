using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    private static readonly int Stride = RuntimeHelpers.IsReferenceOrContainsReferences<T>()
        ? throw new InvalidOperationException($"{typeof(T).Name} holds object references; they cannot live outside the collected heap.")
        : (int)BitOperations.RoundUpToPowerOf2((uint)Unsafe.SizeOf<T>());

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

/// <summary>
/// Zeroed memory outside the collected heap for the counting's largest tables (<see cref="CacheLineArray{T}"/>,
/// <see cref="ListenerEpisodeTable{TValue}"/>), from a 64-byte boundary. A block of 2 MiB or more starts on a 2 MiB
/// boundary and, on Linux, the kernel is asked to back it with 2 MiB pages (transparent huge pages, <c>madvise</c>)
/// before it is first touched: a random lookup in a table of tens of MiB then finds its address translation in the
/// processor's TLB instead of walking the page tables (3 % of the counting, ADR 0027). The hint may be refused (the
/// system's setting is <c>never</c>); the memory works the same. Freed on <see cref="IDisposable.Dispose"/>, or when
/// its owner is collected; the tables hold no object references, so the collector never needs to look into it.
/// </summary>
internal sealed unsafe class TableMemory : SafeHandle
{
    public const int CacheLine = 64;
    private const int HugePage = 2 << 20;
    private const int MadviseHugePage = 14;

    private readonly long _bytes;

    public TableMemory(long bytes) : base(0, ownsHandle: true)
    {
        var large = bytes >= HugePage;
        _bytes = large ? (bytes + HugePage - 1) / HugePage * HugePage : Math.Max(bytes, CacheLine);
        SetHandle((nint)NativeMemory.AlignedAlloc((nuint)_bytes, (nuint)(large ? HugePage : CacheLine)));
        if (large && OperatingSystem.IsLinux())
        {
            _ = Madvise(handle, (nuint)_bytes, MadviseHugePage); // a hint: refused, the block is in small pages
        }

        NativeMemory.Clear((void*)handle, (nuint)_bytes);
        GC.AddMemoryPressure(_bytes);
    }

    /// <summary>The first byte; valid until the block is disposed.</summary>
    public byte* Start => (byte*)handle;

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        GC.RemoveMemoryPressure(_bytes);
        return true;
    }

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nuint length, int advice);
}
