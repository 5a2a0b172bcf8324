using Airwave.Analytics.Counting;

namespace Airwave.UnitTests.Analytics;

public sealed class FingerprintTableTests
{
    /// <summary>A key as the counting's are: a hash, never zero, with varied low bits (the home slot comes from them).</summary>
    private static UInt128 Key(int listener) => new((uint)listener | (1UL << 63), (uint)listener * 0x9E3779B97F4A7C15UL);

    [Fact]
    public void GetOrAdd_NewKeyStartsAtDefault_ThenFindsWhatWasWritten()
    {
        using var table = new FingerprintTable<long>();

        ref var value = ref table.GetOrAdd(Key(7), 0, out var exists);
        exists.ShouldBeFalse();
        value.ShouldBe(0);
        value = 42;

        table.GetOrAdd(Key(7), 0, out exists).ShouldBe(42);
        exists.ShouldBeTrue();
        table.Find(Key(7), 0).ShouldBe(42);
        System.Runtime.CompilerServices.Unsafe.IsNullRef(ref table.Find(Key(7), 1)).ShouldBeTrue();
        System.Runtime.CompilerServices.Unsafe.IsNullRef(ref table.Find(Key(8), 0)).ShouldBeTrue();
        table.Count.ShouldBe(1);
    }

    [Fact]
    public void RandomAddsAndRemoves_AgreeWithADictionary_ThroughGrowth()
    {
        // Few listeners and episodes, so that probe runs are long and removals shift many entries back.
        var random = new Random(5);
        using var table = new FingerprintTable<long>();
        var expected = new Dictionary<(int, int), long>();
        for (var step = 0; step < 200_000; step++)
        {
            var (listener, episode) = (random.Next(1, 3_000), random.Next(0, 8));
            if (random.Next(3) == 0)
            {
                table.Remove(Key(listener), episode).ShouldBe(expected.Remove((listener, episode)));
                continue;
            }

            ref var value = ref table.GetOrAdd(Key(listener), episode, out var exists);
            exists.ShouldBe(expected.ContainsKey((listener, episode)));
            value += step;
            expected[(listener, episode)] = value;
        }

        table.Count.ShouldBe(expected.Count);
        foreach (var ((listener, episode), value) in expected)
        {
            table.Find(Key(listener), episode).ShouldBe(value);
        }
    }

    [Fact]
    public void Remove_EveryKey_LeavesAnEmptyTableThatStillWorks()
    {
        using var table = new FingerprintTable<int>();
        for (var listener = 1; listener <= 5_000; listener++)
        {
            table.GetOrAdd(Key(listener), listener % 5, out _) = listener;
        }

        for (var listener = 1; listener <= 5_000; listener++)
        {
            table.Remove(Key(listener), listener % 5).ShouldBeTrue();
        }

        table.Count.ShouldBe(0);
        table.Remove(Key(1), 1).ShouldBeFalse();
        table.GetOrAdd(Key(1), 1, out var exists) = 9;
        exists.ShouldBeFalse();
        table.Find(Key(1), 1).ShouldBe(9);
    }

    [Theory]
    [InlineData(9, 3)]
    [InlineData(10, 2)]
    [InlineData(11, 17)]
    public void PassInSlotOrder_VacatingAsItGoes_MeetsEveryEntryOnce_AndKeepsTheRestFindable(int seed, int keepOneIn)
    {
        // Long probe runs (few listeners, many episodes each) that wrap around the end of the table.
        var random = new Random(seed);
        using var table = new FingerprintTable<long>();
        var all = new HashSet<(int, int)>();
        while (all.Count < 600)
        {
            var key = (random.Next(1, 40), random.Next(0, 60));
            if (all.Add(key))
            {
                table.GetOrAdd(Key(key.Item1), key.Item2, out _) = (key.Item1 * 1000L) + key.Item2;
            }
        }

        var kept = all.Where(k => (k.Item1 + k.Item2) % keepOneIn == 0).ToHashSet();
        var met = new List<(int, int)>();
        var start = table.PassStart();
        table.KeyAt(start).ShouldBe(UInt128.Zero);
        for (var n = 1; n <= table.Capacity; n++)
        {
            var i = (start + n) % table.Capacity;
            ref var value = ref table.EntryAt(i, out var key, out var episode);
            if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref value))
            {
                table.KeyAt(i).ShouldBe(UInt128.Zero);
                continue;
            }

            var listener = (int)(ulong)(key >> 64);
            key.ShouldBe(Key(listener));
            value.ShouldBe((listener * 1000L) + episode);
            met.Add((listener, episode));
            if (kept.Contains((listener, episode)))
            {
                table.Settle(i);
            }
            else
            {
                table.Vacate(i);
            }
        }

        met.Count.ShouldBe(all.Count);
        met.ShouldBe(all, ignoreOrder: true);
        table.Count.ShouldBe(kept.Count);
        foreach (var (listener, episode) in all)
        {
            var found = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref table.Find(Key(listener), episode));
            found.ShouldBe(kept.Contains((listener, episode)));
        }

        // Adds and removes after the pass work as before it.
        foreach (var (listener, episode) in kept)
        {
            table.Remove(Key(listener), episode).ShouldBeTrue();
        }

        table.Count.ShouldBe(0);
        table.GetOrAdd(Key(1), 1, out var exists) = 5;
        exists.ShouldBeFalse();
        table.Find(Key(1), 1).ShouldBe(5);
    }
}
