using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Airwave.Delivery.Log;

/// <summary>
/// Wraps the response body so the delivery log knows how many body bytes were actually handed to the connection,
/// whichever way the endpoint writes them (stream, pipe writer or send-file), including a transfer the client broke
/// off: a write that fails is not counted and marks the transfer <see cref="Failed"/>.
/// </summary>
/// <remarks>
/// Kestrel has no zero-copy sendfile(2): its own <c>SendFileAsync</c> copies the file through a 16 KiB buffer into
/// the response stream (<see cref="SendFileFallback"/>). Here the file is read straight into the response pipe's
/// memory in <see cref="SendFileChunk"/> pieces (one copy, a flush per piece), which is both faster and exact for
/// aborted downloads. (The zero-copy path in production is the nginx edge serving from its cache.)
/// </remarks>
internal sealed class CountingResponseBody(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    private CountingStream? _stream;
    private CountingPipeWriter? _writer;
    private long _bytes;
    private int _failed;

    public long Bytes => Interlocked.Read(ref _bytes);

    public bool Failed => Volatile.Read(ref _failed) != 0;

    public Stream Stream => _stream ??= new CountingStream(inner.Stream, this);

    public PipeWriter Writer => _writer ??= new CountingPipeWriter(inner.Writer, this);

    public void DisableBuffering() => inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    /// <summary>How much of a file is read into the response pipe before each flush.</summary>
    public const int SendFileChunk = 256 * 1024;

    public async Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var remaining = count ?? (RandomAccess.GetLength(file) - offset);
        var writer = Writer;
        while (remaining > 0)
        {
            var memory = writer.GetMemory((int)Math.Min(remaining, SendFileChunk));
            var read = await RandomAccess.ReadAsync(file, memory[..(int)Math.Min(memory.Length, remaining)], offset, cancellationToken);
            if (read == 0)
            {
                throw new IOException($"{path} ended {remaining} bytes before the range it was asked for.");
            }

            writer.Advance(read);
            offset += read;
            remaining -= read;
            if ((await writer.FlushAsync(cancellationToken)).IsCompleted)
            {
                return; // The client went away; the flush marked the transfer failed.
            }
        }
    }

    public Task CompleteAsync() => inner.CompleteAsync();

    private void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);

    private void Fail() => Volatile.Write(ref _failed, 1);

    private sealed class CountingStream(Stream inner, CountingResponseBody owner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => Guard(inner.Flush);

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            try
            {
                await inner.FlushAsync(cancellationToken);
            }
            catch
            {
                owner.Fail();
                throw;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            try
            {
                inner.Write(buffer);
            }
            catch
            {
                owner.Fail();
                throw;
            }

            owner.Add(buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                await inner.WriteAsync(buffer, cancellationToken);
            }
            catch
            {
                owner.Fail();
                throw;
            }

            owner.Add(buffer.Length);
        }

        private void Guard(Action action)
        {
            try
            {
                action();
            }
            catch
            {
                owner.Fail();
                throw;
            }
        }
    }

    /// <summary>Counts bytes as they are committed (Advance); a flush that finds the connection gone marks the failure.</summary>
    private sealed class CountingPipeWriter(PipeWriter inner, CountingResponseBody owner) : PipeWriter
    {
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes)
        {
            inner.Advance(bytes);
            owner.Add(bytes);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                var result = await inner.FlushAsync(cancellationToken);
                if (result.IsCompleted)
                {
                    owner.Fail();
                }

                return result;
            }
            catch
            {
                owner.Fail();
                throw;
            }
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        // Delegated whole (not GetMemory + Advance here) to keep the inner writer's own fast path.
        public override async ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            FlushResult result;
            try
            {
                result = await inner.WriteAsync(source, cancellationToken);
            }
            catch
            {
                owner.Fail();
                throw;
            }

            owner.Add(source.Length);
            if (result.IsCompleted)
            {
                owner.Fail();
            }

            return result;
        }
    }
}
