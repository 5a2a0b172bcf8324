namespace Airwave.Core.Storage;

/// <summary>
/// Reads at most <paramref name="limit"/> bytes from another stream, after discarding its first <paramref name="skip"/>
/// bytes, then reports its end.
/// </summary>
internal sealed class BoundedReadStream(Stream inner, long limit, long skip = 0) : Stream
{
    private long _remaining = limit;
    private long _skip = skip;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_skip > 0)
        {
            var skipped = inner.Read(buffer[..(int)Math.Min(buffer.Length, _skip)]);
            if (skipped == 0)
            {
                return 0;
            }

            _skip -= skipped;
        }

        if (_remaining <= 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var read = inner.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        _remaining -= read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_skip > 0)
        {
            var skipped = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _skip)], cancellationToken);
            if (skipped == 0)
            {
                return 0;
            }

            _skip -= skipped;
        }

        if (_remaining <= 0 || buffer.IsEmpty)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], cancellationToken);
        _remaining -= read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
