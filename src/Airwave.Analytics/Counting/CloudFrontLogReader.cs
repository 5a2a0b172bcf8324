using System.Buffers.Text;

namespace Airwave.Analytics.Counting;

/// <summary>
/// Reads CloudFront standard (access) logs: W3C extended format, tab-separated, with <c>#Version</c> and
/// <c>#Fields</c> directives naming the columns (files may be concatenated; each <c>#Fields</c> applies to the lines
/// after it). Each line becomes the same <see cref="RequestLine"/> as the delivery log's:
/// <list type="bullet">
/// <item>time from <c>date</c> + <c>time</c> (UTC); request id from <c>x-edge-request-id</c>; client from <c>c-ip</c>;</item>
/// <item>URL: <c>cs-protocol</c>://(<c>x-host-header</c>, else <c>cs(Host)</c>)<c>cs-uri-stem</c>[?<c>cs-uri-query</c>];</item>
/// <item>user agent percent-decoded once (CloudFront encodes it); "-" means absent in every field;</item>
/// <item>the bytes served start at <c>sc-range-start</c> (0 without one) and are the smaller of the range's length
/// (<c>sc-range-end</c> − start + 1, else <c>sc-content-len</c>) and <c>sc-bytes</c>. CloudFront counts response headers
/// in sc-bytes, so an aborted transfer can look a few hundred bytes longer than it was; a complete one is exact.</item>
/// </list>
/// </summary>
internal static class CloudFrontLogReader
{
    private const int Date = 0;
    private const int Time = 1;
    private const int ClientIp = 2;
    private const int Method = 3;
    private const int Host = 4;
    private const int UriStem = 5;
    private const int Status = 6;
    private const int Referer = 7;
    private const int UserAgent = 8;
    private const int UriQuery = 9;
    private const int RequestId = 10;
    private const int HostHeader = 11;
    private const int Protocol = 12;
    private const int Bytes = 13;
    private const int ContentLength = 14;
    private const int RangeStart = 15;
    private const int RangeEnd = 16;
    private const int Known = 17;

    private static readonly string[] FieldNames =
    [
        "date", "time", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem", "sc-status", "cs(Referer)", "cs(User-Agent)",
        "cs-uri-query", "x-edge-request-id", "x-host-header", "cs-protocol", "sc-bytes", "sc-content-len",
        "sc-range-start", "sc-range-end",
    ];

    public static LogReadSummary Read<TSink>(Stream stream, TSink sink) where TSink : IRequestSink
    {
        var handler = new Handler<TSink>(sink);
        var lines = LogLines.Read(stream, ref handler);
        return new LogReadSummary(lines - handler.Directives, handler.Malformed);
    }

    private struct Handler<TSink>(TSink sink) : ILineHandler where TSink : IRequestSink
    {
        /// <summary>For each known field, its column index in the current #Fields directive, or -1.</summary>
        private int[]? _columns;
        private int _columnCount;
        private int[] _starts = [];

        public long Malformed;
        public long Directives;

        public void TooLong(long lineNumber)
        {
            Malformed++;
            sink.Malformed(lineNumber, $"the line is longer than {LogLines.MaxLineBytes} bytes");
        }

        public void Line(ReadOnlySpan<byte> line, long lineNumber, byte[] scratch)
        {
            if (line.IsEmpty)
            {
                Directives++;
                return;
            }

            if (line[0] == '#')
            {
                Directives++;
                if (line.StartsWith("#Fields:"u8))
                {
                    ReadFields(line[8..]);
                }

                return;
            }

            if (_columns is null)
            {
                Malformed++;
                sink.Malformed(lineNumber, "a log line before the #Fields directive that names the columns");
                return;
            }

            var error = Parse(line, lineNumber, scratch, out var request);
            if (error is not null)
            {
                Malformed++;
                sink.Malformed(lineNumber, error);
                return;
            }

            sink.Accept(request);
        }

        private void ReadFields(ReadOnlySpan<byte> names)
        {
            var columns = new int[Known];
            Array.Fill(columns, -1);
            var index = 0;
            foreach (var range in names.Trim((byte)' ').Split((byte)' '))
            {
                var name = names.Trim((byte)' ')[range];
                if (name.IsEmpty)
                {
                    continue;
                }

                var known = Array.IndexOf(FieldNames, System.Text.Encoding.ASCII.GetString(name));
                if (known >= 0)
                {
                    columns[known] = index;
                }

                index++;
            }

            _columns = columns;
            _columnCount = index;
            _starts = new int[index + 1];
        }

        private readonly string? Parse(ReadOnlySpan<byte> line, long lineNumber, byte[] scratch, out RequestLine request)
        {
            request = new RequestLine { LineNumber = lineNumber };
            var starts = _starts;
            var count = 0;
            starts[count++] = 0;
            for (var i = 0; i < line.Length && count <= _columnCount; i++)
            {
                if (line[i] == '\t')
                {
                    starts[count++] = i + 1;
                }
            }

            if (count != _columnCount)
            {
                return $"expected {_columnCount} tab-separated fields as the #Fields directive says, found {count}";
            }

            var columns = _columns!;
            var fields = new Fields(line, starts.AsSpan(0, count), columns);
            foreach (var required in (ReadOnlySpan<int>)[Date, Time, ClientIp, Method, UriStem, Status, RequestId, Bytes])
            {
                if (columns[required] < 0)
                {
                    return $"the #Fields directive has no {FieldNames[required]} column";
                }

                if (fields[required].IsEmpty)
                {
                    return $"{FieldNames[required]} is empty";
                }
            }

            if (!UtcTime.TryParseDateAndTime(fields[Date], fields[Time], out request.Time))
            {
                return "date and time are not yyyy-MM-dd and HH:mm:ss";
            }

            if (!Utf8Parser.TryParse(fields[Status], out request.Status, out var used) || used != fields[Status].Length)
            {
                return "sc-status is not a number";
            }

            if (!Utf8Parser.TryParse(fields[Bytes], out long bytes, out used) || used != fields[Bytes].Length || bytes < 0)
            {
                return "sc-bytes is not a number";
            }

            request.RequestId = fields[RequestId];
            request.Method = fields[Method];
            request.Ip = fields[ClientIp];
            request.Referer = fields[Referer];

            // The scratch buffer holds the decoded user agent, the URL and the synthesised Range header, one after another.
            var userAgent = fields[UserAgent];
            var uaLength = PercentDecode(userAgent, scratch);
            request.UserAgent = scratch.AsSpan(0, uaLength);
            var position = uaLength;

            var urlStart = position;
            var protocol = fields[Protocol];
            position += Append(scratch, position, protocol.IsEmpty ? "https"u8 : protocol);
            position += Append(scratch, position, "://"u8);
            var host = fields[HostHeader];
            position += Append(scratch, position, host.IsEmpty ? fields[Host] : host);
            position += Append(scratch, position, fields[UriStem]);
            if (!fields[UriQuery].IsEmpty)
            {
                position += Append(scratch, position, "?"u8);
                position += Append(scratch, position, fields[UriQuery]);
            }

            request.Url = scratch.AsSpan(urlStart, position - urlStart);

            long length;
            if (Number(fields[RangeStart]) is { } rangeStart && Number(fields[RangeEnd]) is { } rangeEnd && rangeEnd >= rangeStart)
            {
                request.ServedStart = rangeStart;
                length = rangeEnd - rangeStart + 1;
                var rangeAt = position;
                position += Append(scratch, position, "bytes="u8);
                position += Append(scratch, position, fields[RangeStart]);
                position += Append(scratch, position, "-"u8);
                position += Append(scratch, position, fields[RangeEnd]);
                request.Range = scratch.AsSpan(rangeAt, position - rangeAt);
            }
            else
            {
                request.ServedStart = 0;
                length = Number(fields[ContentLength]) ?? bytes;
            }

            request.BytesServed = Math.Min(length, bytes);
            return null;
        }

        private static long? Number(ReadOnlySpan<byte> text) =>
            !text.IsEmpty && Utf8Parser.TryParse(text, out long value, out var used) && used == text.Length && value >= 0 ? value : null;

        private static int Append(byte[] destination, int position, ReadOnlySpan<byte> value)
        {
            value.CopyTo(destination.AsSpan(position));
            return value.Length;
        }
    }

    /// <summary>Decodes %XX escapes (invalid ones are kept as they are); never longer than the input.</summary>
    public static int PercentDecode(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && Hex(text[i + 1]) is var high and >= 0 && Hex(text[i + 2]) is var low and >= 0)
            {
                destination[length++] = (byte)((high << 4) | low);
                i += 2;
            }
            else
            {
                destination[length++] = text[i];
            }
        }

        return length;
    }

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>The line's fields by known index; "-" and absent columns read as empty.</summary>
    private readonly ref struct Fields(ReadOnlySpan<byte> line, ReadOnlySpan<int> starts, int[] columns)
    {
        private readonly ReadOnlySpan<byte> _line = line;
        private readonly ReadOnlySpan<int> _starts = starts;

        public ReadOnlySpan<byte> this[int field]
        {
            get
            {
                var column = columns[field];
                if (column < 0)
                {
                    return default;
                }

                var start = _starts[column];
                var end = column + 1 < _starts.Length ? _starts[column + 1] - 1 : _line.Length;
                var value = _line[start..end];
                return value.Length == 1 && value[0] == '-' ? default : value;
            }
        }
    }
}
