using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Connections;

namespace Airwave.Core.Http;

/// <summary>
/// The buffers Kestrel reads requests into and writes responses through, in blocks of <see cref="BlockSize"/> bytes
/// instead of Kestrel's own 4 KiB (ADR 0026). Airwave's hot answers are large — a feed of 500 episodes is 700 kB, a
/// media range 1 MiB — and with 4 KiB blocks each of them costs hundreds of rents, returns and socket buffer entries;
/// at 32 KiB that work falls eightfold and a feed is answered about as fast as nginx sends the same file.
/// Blocks are pinned arrays (sockets need them not to move), kept for reuse up to <see cref="MaxPooledBlocks"/>; a block
/// returned beyond that is left to the garbage collector, so a burst of connections does not hold memory for ever.
/// </summary>
public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 32 * 1024;

    /// <summary>Blocks kept for reuse at most: 64 MiB, room for a few thousand busy connections.</summary>
    public const int MaxPooledBlocks = 2048;

    private readonly ConcurrentQueue<Block> _pooled = new();
    private int _pooledCount;
    private long _allocated;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks waiting for reuse now.</summary>
    public int PooledBlocks => Volatile.Read(ref _pooledCount);

    /// <summary>Blocks created since the pool was made (rents the pool could not serve from reused blocks).</summary>
    public long AllocatedBlocks => Interlocked.Read(ref _allocated);

    /// <summary>A block of <see cref="BlockSize"/> bytes; <paramref name="minBufferSize"/> may not exceed it (-1: any).</summary>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_pooled.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _pooledCount);
            block.Rented();
            return block;
        }

        Interlocked.Increment(ref _allocated);
        return new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
    }

    protected override void Dispose(bool disposing)
    {
        // Blocks still rented may come back after this; they are kept as usual and go with the pool.
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _pooledCount) > MaxPooledBlocks)
        {
            Interlocked.Decrement(ref _pooledCount);
            return;
        }

        _pooled.Enqueue(block);
    }

    private sealed class Block(LargeBlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private int _returned;

        public Memory<byte> Memory { get; } = array;

        public void Rented() => Volatile.Write(ref _returned, 0);

        /// <summary>Gives the block back; disposing it again before it is rented again is ignored.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                pool.Return(this);
            }
        }
    }
}

/// <summary>
/// Makes Kestrel's transports use <see cref="LargeBlockMemoryPool"/>s, and reports them on <c>/metrics</c> (meter
/// <c>Airwave.Http</c>) with two figures read at each scrape, in place of Kestrel's own pool meter, which records every
/// block rented (see <see cref="Observability.MetricsCollector"/>).
/// </summary>
public sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public const string MeterName = "Airwave.Http";

    private readonly ConcurrentBag<LargeBlockMemoryPool> _pools = [];

    public LargeBlockMemoryPoolFactory(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("airwave.http.memory_pool.pooled", () => (long)_pools.Sum(p => p.PooledBlocks) * LargeBlockMemoryPool.BlockSize,
            "By", "Bytes of request and response buffers kept for reuse.");
        meter.CreateObservableCounter("airwave.http.memory_pool.allocated", () => _pools.Sum(p => p.AllocatedBlocks) * LargeBlockMemoryPool.BlockSize,
            "By", "Bytes of request and response buffers created (rents that no kept buffer could serve).");
    }

    public MemoryPool<byte> Create(MemoryPoolOptions? options = null)
    {
        var pool = new LargeBlockMemoryPool();
        _pools.Add(pool);
        return pool;
    }
}
