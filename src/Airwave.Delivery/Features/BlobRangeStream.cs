using Airwave.Core.Storage;

namespace Airwave.Delivery.Features;

/// <summary>
/// A stored blob as a seekable stream, so ASP.NET's own range handling (206, 416, If-Range) works for blobs that are
/// not on this disk (S3). Seeking costs nothing; the first read at a position opens a ranged read of the store there,
/// up to the end of the range the request asked for when reading starts at its start, to the end of the blob
/// otherwise (a range that was not honoured, e.g. a stale If-Range). So a 1 MiB range fetches 1 MiB from the bucket,
/// and a HEAD or a 304 fetches nothing. Asynchronous reads only, as the server does them.
/// </summary>
internal sealed class BlobRangeStream(IBlobStore blobs, string key, long length, (long From, long To)? wanted) : Stream
{
    private Stream? _inner;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    /// <summary>The single byte range a request asks for, resolved against the blob's length; null for none, several or an unsatisfiable one.</summary>
    public static (long From, long To)? RequestedRange(HttpRequest request, long length)
    {
        var range = request.GetTypedHeaders().Range;
        if (range is null || !string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase) || range.Ranges.Count != 1 || length == 0)
        {
            return null;
        }

        var only = range.Ranges.Single();
        var (from, to) = only.From is { } start
            ? (start, Math.Min(only.To ?? length - 1, length - 1))
            : (Math.Max(0, length - (only.To ?? 0)), length - 1);
        return from <= to && from < length ? (from, to) : null;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        if (target != _position)
        {
            CloseInner();
            _position = target;
        }

        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.IsEmpty)
        {
            return 0;
        }

        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (_inner is null)
            {
                var count = wanted is { } range && range.From == _position ? range.To - _position + 1 : length - _position;
                _inner = await blobs.OpenReadAsync(key, _position, count, cancellationToken);
            }

            var read = await _inner.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                _position += read;
                return read;
            }

            // The part opened ended before the blob: read on with a part to the end.
            CloseInner();
            wanted = null;
        }

        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Blobs are read asynchronously.");

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseInner();
        }

        base.Dispose(disposing);
    }

    private void CloseInner()
    {
        _inner?.Dispose();
        _inner = null;
    }
}
