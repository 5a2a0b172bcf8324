using System.Buffers;

namespace Airwave.Analytics.Counting;

/// <summary>Receives the lines of a log, one at a time (spans over the reader's buffer).</summary>
internal interface ILineHandler
{
    /// <summary>A line without its line break (LF or CRLF). <paramref name="scratch"/> is at least as long as the line.</summary>
    void Line(ReadOnlySpan<byte> line, long lineNumber, byte[] scratch);

    /// <summary>A line longer than <see cref="LogLines.MaxLineBytes"/>; it is skipped.</summary>
    void TooLong(long lineNumber);
}

/// <summary>
/// Splits a stream into lines through one pooled 4 MiB buffer: no copy of a line unless it straddles two reads, no
/// allocation per line. A UTF-8 byte-order mark at the start is skipped.
/// </summary>
internal static class LogLines
{
    /// <summary>Longer lines are reported and skipped (a log line is well under 16 KiB).</summary>
    public const int MaxLineBytes = 1024 * 1024;

    private const int BufferBytes = 4 * MaxLineBytes;

    /// <returns>The number of lines (blank ones included).</returns>
    public static long Read<THandler>(Stream stream, ref THandler handler) where THandler : struct, ILineHandler
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        var scratch = ArrayPool<byte>.Shared.Rent(buffer.Length);
        long lines = 0;
        try
        {
            int start = 0, end = 0;
            var eof = false;
            var skipping = false;
            var first = true;
            while (true)
            {
                if (start > 0)
                {
                    // Keep the unfinished line at the front, so the next read appends to it.
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    // No line break in the whole buffer: a line far over the limit. Report it once, skip to its end.
                    if (!skipping)
                    {
                        lines++;
                        handler.TooLong(lines);
                        skipping = true;
                    }

                    end = 0;
                }

                var read = stream.Read(buffer, end, Math.Min(128 * 1024, buffer.Length - end));
                eof = read == 0;
                end += read;
                if (first && end >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
                {
                    start = 3;
                }

                first = false;
                var pending = buffer.AsSpan(start, end - start);
                while (true)
                {
                    var newline = pending.IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        break;
                    }

                    var line = pending[..newline];
                    pending = pending[(newline + 1)..];
                    start += newline + 1;
                    if (skipping)
                    {
                        skipping = false;
                        continue;
                    }

                    lines++;
                    if (line.Length > MaxLineBytes)
                    {
                        handler.TooLong(lines);
                        continue;
                    }

                    handler.Line(line.Length > 0 && line[^1] == '\r' ? line[..^1] : line, lines, scratch);
                }

                if (eof)
                {
                    if (pending.Length > 0 && !skipping)
                    {
                        lines++;
                        if (pending.Length > MaxLineBytes)
                        {
                            handler.TooLong(lines);
                        }
                        else
                        {
                            handler.Line(pending[^1] == '\r' ? pending[..^1] : pending, lines, scratch);
                        }
                    }

                    return lines;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }
}
