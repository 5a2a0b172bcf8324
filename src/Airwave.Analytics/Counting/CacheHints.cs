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
    /// <summary>Asks for the cache lines of <paramref name="value"/>: every 64 bytes from its first, and its last byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch<T>(ref T value) where T : struct
    {
        if (Sse.IsSupported)
        {
            var first = (byte*)Unsafe.AsPointer(ref value);
            Sse.Prefetch0(first);
            if (Unsafe.SizeOf<T>() > 64)
            {
                Sse.Prefetch0(first + 64);
            }

            if (Unsafe.SizeOf<T>() > 128)
            {
                Sse.Prefetch0(first + 128);
            }

            Sse.Prefetch0(first + Unsafe.SizeOf<T>() - 1);
        }
    }
}
