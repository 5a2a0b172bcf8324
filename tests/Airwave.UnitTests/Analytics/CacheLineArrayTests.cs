using System.Runtime.CompilerServices;
using Airwave.Analytics.Counting;

namespace Airwave.UnitTests.Analytics;

public sealed class CacheLineArrayTests
{
    [Fact]
    public void Values_StartOnCacheLines_AndKeepThroughResizes()
    {
        using var array = new CacheLineArray<Sixty>(3);
        for (var i = 0; i < 3; i++)
        {
            array[i] = new Sixty { First = i, Last = -i };
        }

        array.Resize(1000);
        array.Length.ShouldBe(1000);
        for (var i = 0; i < 1000; i++)
        {
            AddressOf(ref array[i]).ShouldBe(AddressOf(ref array[0]) + (i * 64));
            (AddressOf(ref array[i]) % 64).ShouldBe(0);
            array[i].First.ShouldBe(i < 3 ? i : 0);
            array[i].Last.ShouldBe(i < 3 ? -i : 0);
        }

        array.Resize(2);
        array[1].First.ShouldBe(1);
        Should.Throw<ArgumentOutOfRangeException>(() => array[2].First);
        Should.Throw<ArgumentOutOfRangeException>(() => array[-1].First);
    }

    [Theory]
    [InlineData(100, 64)]
    [InlineData(5 << 20, 2 << 20)]
    public void TableMemory_IsZero_AndStartsOnItsBoundary(int bytes, int boundary)
    {
        using var memory = new TableMemory(bytes);
        var start = memory.DangerousGetHandle();
        (start % boundary).ShouldBe(0);
        var copy = new byte[bytes];
        System.Runtime.InteropServices.Marshal.Copy(start, copy, 0, bytes);
        copy.AsSpan().IndexOfAnyExcept((byte)0).ShouldBe(-1);
        copy.AsSpan().Fill(0xAB);
        System.Runtime.InteropServices.Marshal.Copy(copy, 0, start, bytes); // all of it is usable

        memory.Dispose();
        memory.IsClosed.ShouldBeTrue();
    }

    [Fact]
    public void SmallValues_ArePaddedToAPowerOfTwo()
    {
        using var array = new CacheLineArray<long>(4);
        (AddressOf(ref array[1]) - AddressOf(ref array[0])).ShouldBe(8);
    }

    [Fact]
    public void ValuesWithObjectReferences_AreRefused() =>
        Should.Throw<TypeInitializationException>(() => new CacheLineArray<WithReference>(1));

    [Fact]
    public void TheCountingsListenerState_FitsOneCacheLine()
    {
        var state = typeof(DownloadCounter).GetNestedType("ListenerState", System.Reflection.BindingFlags.NonPublic)!;
        var size = (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(state).Invoke(null, null)!;
        size.ShouldBeLessThanOrEqualTo(64);
    }

    private static long AddressOf<T>(ref T value) => Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref value);

    /// <summary>60 bytes: the first and last fields mark its ends.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 60)]
    private struct Sixty
    {
        [System.Runtime.InteropServices.FieldOffset(0)]
        public long First;

        [System.Runtime.InteropServices.FieldOffset(56)]
        public int Last;
    }

    private record struct WithReference(string Text);
}
