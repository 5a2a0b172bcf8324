using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Airwave.Analytics.Counting;

/// <summary>
/// Asks the processor to start loading a value into its cache before it is needed, so that waits on memory overlap
/// instead of following each other (the counting's tables are far larger than the cache, and their lookups random;
/// ADR 0027). Only a hint: it changes nothing and cannot fail. Should the collector move the array the value is in
/// before the hint runs, the hint is wasted. Without SSE (ARM) it does nothing.
/// </summary>
internal static class CacheHints
{
    /// <summary>
    /// Asks for the cache line that holds the first byte of <paramref name="value"/>: all of a table's slot (a power of
    /// two bytes, at most 64, at a multiple of its size from a 64-byte boundary); a hash set's 16-byte entry, in a
    /// managed array aligned to 8 bytes, ends in the next line one time in four, and that line is not asked for.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch<T>(ref T value) where T : struct
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref value));
        }
    }
}
