using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Airwave.Core.Http;
using Airwave.Core.Observability;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.UnitTests.Core;

public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Rent_GivesWholeBlocks_AndReusesReturnedOnes()
    {
        using var pool = new LargeBlockMemoryPool();
        var first = pool.Rent();
        first.Memory.Length.ShouldBe(LargeBlockMemoryPool.BlockSize);
        pool.Rent(100).Memory.Length.ShouldBe(LargeBlockMemoryPool.BlockSize);
        pool.AllocatedBlocks.ShouldBe(2);

        first.Memory.Span[0] = 42;
        first.Dispose();
        pool.PooledBlocks.ShouldBe(1);
        var again = pool.Rent(LargeBlockMemoryPool.BlockSize);
        again.Memory.Span[0].ShouldBe((byte)42, "the same block came back");
        pool.AllocatedBlocks.ShouldBe(2);
        pool.PooledBlocks.ShouldBe(0);
    }

    [Fact]
    public void Rent_MoreThanABlock_IsRefused() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new LargeBlockMemoryPool().Rent(LargeBlockMemoryPool.BlockSize + 1));

    [Fact]
    public void Dispose_Twice_ReturnsTheBlockOnce()
    {
        using var pool = new LargeBlockMemoryPool();
        var block = pool.Rent();
        block.Dispose();
        block.Dispose();
        pool.PooledBlocks.ShouldBe(1);
        pool.Rent().ShouldBeSameAs(block);
        pool.Rent().ShouldNotBeSameAs(block, "a block returned twice would be handed to two renters");
    }

    [Fact]
    public void Return_BeyondTheCap_LeavesBlocksToTheGarbageCollector()
    {
        using var pool = new LargeBlockMemoryPool();
        var blocks = Enumerable.Range(0, LargeBlockMemoryPool.MaxPooledBlocks + 10).Select(_ => pool.Rent()).ToList();
        blocks.ForEach(b => b.Dispose());
        pool.PooledBlocks.ShouldBe(LargeBlockMemoryPool.MaxPooledBlocks);
    }

    [Fact]
    public async Task ConcurrentRentsAndReturns_NeverShareABlock()
    {
        using var pool = new LargeBlockMemoryPool();
        var inUse = new ConcurrentDictionary<object, bool>(ReferenceEqualityComparer.Instance);
        var shared = 0;
        await Parallel.ForAsync(0, 4, async (_, _) =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                var block = pool.Rent();
                if (!inUse.TryAdd(block, true))
                {
                    Interlocked.Increment(ref shared);
                }

                inUse.TryRemove(block, out bool _);
                block.Dispose();
                await Task.CompletedTask;
            }
        });
        shared.ShouldBe(0);
        pool.PooledBlocks.ShouldBeLessThanOrEqualTo(4);
    }

    [Fact]
    public void Factory_ReportsItsPools_OnMetrics_InsteadOfKestrelsPerBlockMeter()
    {
        using var services = new ServiceCollection().AddAirwaveMetrics().AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>()
            .BuildServiceProvider();
        var collector = services.GetRequiredService<MetricsCollector>();
        var pool = services.GetRequiredService<IMemoryPoolFactory<byte>>().Create();
        pool.Rent().Dispose();
        pool.Rent();
        pool.Rent();
        // Kestrel's pool meter, had the host made one: left out, it records every block rented.
        services.GetRequiredService<IMeterFactory>().Create("Microsoft.AspNetCore.MemoryPool")
            .CreateCounter<long>("aspnetcore.memory_pool.rented", "By").Add(4096);

        var text = collector.Scrape();
        text.ShouldContain($"airwave_http_memory_pool_allocated_bytes_total {2 * LargeBlockMemoryPool.BlockSize}\n");
        text.ShouldContain("airwave_http_memory_pool_pooled_bytes 0\n");
        text.ShouldNotContain("aspnetcore_memory_pool");
    }
}
