using Airwave.Analytics.Counting;

namespace Airwave.UnitTests.Analytics;

public sealed class TableMemoryTests
{
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
    public void ValuesWithObjectReferences_AreRefused() =>
        Should.Throw<InvalidOperationException>(() => TableMemory.StrideOf<WithReference>());

    [Theory]
    [InlineData("PairState")]
    [InlineData("ListenerState")]
    public void TheCountingsTables_HaveOneCacheLinePerSlot(string state)
    {
        // The key (16 bytes), the value and the episode: more than 64 bytes would double the lines a request loads.
        var type = typeof(DownloadCounter).GetNestedType(state, System.Reflection.BindingFlags.NonPublic)!;
        var stride = typeof(FingerprintTable<>).MakeGenericType(type)
            .GetField("Stride", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetValue(null);
        stride.ShouldBe(64);
    }

    [Fact]
    public void SmallSlots_ArePaddedToAPowerOfTwo() => FingerprintTable<byte>.Stride.ShouldBe(32);

    private record struct WithReference(string Text);
}
