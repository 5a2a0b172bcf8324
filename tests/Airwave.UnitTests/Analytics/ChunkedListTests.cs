using Airwave.Analytics.Counting;

namespace Airwave.UnitTests.Analytics;

public sealed class ChunkedListTests
{
    [Fact]
    public void Items_ReadBackInOrder_AcrossChunks()
    {
        var list = new ChunkedList<int>(new Stack<int[]>());
        for (var i = 0; i < 5_000; i++)
        {
            list.Add(i * 3);
        }

        list.Count.ShouldBe(5_000);
        Enumerable.Range(0, 5_000).All(i => list[i] == i * 3).ShouldBeTrue();
    }

    [Fact]
    public void Clear_ReturnsChunksToThePool_AndAnotherListReusesThem()
    {
        var pool = new Stack<int[]>();
        var first = new ChunkedList<int>(pool);
        for (var i = 0; i < 5_000; i++)
        {
            first.Add(i);
        }

        first.Clear();
        first.Count.ShouldBe(0);
        var returned = pool.Count;
        returned.ShouldBe(3);

        var second = new ChunkedList<int>(pool);
        second.Add(42);
        pool.Count.ShouldBe(returned - 1);
        second[0].ShouldBe(42);
        second.Count.ShouldBe(1);

        // The cleared list starts over: its first item goes into a chunk of its own.
        first.Add(7);
        first[0].ShouldBe(7);
        first.Count.ShouldBe(1);
    }
}
