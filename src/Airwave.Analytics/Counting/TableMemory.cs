using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Airwave.Analytics.Counting;

/// <summary>
/// Zeroed memory outside the collected heap for the counting's largest tables (<see cref="FingerprintTable{TValue}"/>),
/// from a 64-byte boundary. A block of 2 MiB or more starts on a 2 MiB boundary and, on Linux, the kernel is asked to
/// back it with 2 MiB pages (transparent huge pages, <c>madvise</c>) before it is first touched: a random lookup in a
/// table of tens of MiB then finds its address translation in the processor's TLB instead of walking the page tables
/// (3 % of the counting, ADR 0027). The hint may be refused (the system's setting is <c>never</c>); the memory works
/// the same. Freed on <see cref="IDisposable.Dispose"/>, or when its owner is collected; the tables hold no object
/// references, so the collector never needs to look into it.
/// </summary>
internal sealed unsafe class TableMemory : SafeHandle
{
    private const int CacheLine = 64;
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

    /// <summary>
    /// The power of two at or above the size of <typeparamref name="T"/>: values at this stride from a 64-byte boundary
    /// each sit in one cache line when they are 64 bytes or smaller. A type holding object references is refused: the
    /// collector does not look into this memory.
    /// </summary>
    public static int StrideOf<T>() where T : struct => RuntimeHelpers.IsReferenceOrContainsReferences<T>()
        ? throw new InvalidOperationException($"{typeof(T).Name} holds object references; they cannot live outside the collected heap.")
        : (int)BitOperations.RoundUpToPowerOf2((uint)Unsafe.SizeOf<T>());

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
