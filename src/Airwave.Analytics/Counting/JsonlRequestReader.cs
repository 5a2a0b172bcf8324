using System.Text.Json;

namespace Airwave.Analytics.Counting;

/// <summary>
/// Reads REQUESTS.jsonl: one JSON object per line (fields as in the analytics issue, camelCase). Streams the file
/// through one pooled buffer and parses each line with <see cref="Utf8JsonReader"/> in place; strings stay bytes, so
/// a line allocates nothing unless it is malformed. A line that is not a valid request is reported to the sink with
/// its number and skipped; blank lines are ignored; unknown fields are ignored so the log format can grow.
/// </summary>
internal static class JsonlRequestReader
{
    private const int RequestIdField = 1 << 0;
    private const int TimeField = 1 << 1;
    private const int MethodField = 1 << 2;
    private const int StatusField = 1 << 3;
    private const int UrlField = 1 << 4;
    private const int IpField = 1 << 5;
    private const int UserAgentField = 1 << 6;
    private const int RefererField = 1 << 7;
    private const int RangeField = 1 << 8;
    private const int ServedStartField = 1 << 9;
    private const int BytesServedField = 1 << 10;
    private const int PlaybackSessionField = 1 << 11;
    private const int Required = RequestIdField | TimeField | MethodField | StatusField | UrlField | IpField | BytesServedField;

    public static LogReadSummary Read<TSink>(Stream stream, TSink sink) where TSink : IRequestSink
    {
        var handler = new Handler<TSink>(sink);
        var lines = LogLines.Read(stream, ref handler);
        return new LogReadSummary(lines, handler.Malformed);
    }

    private struct Handler<TSink>(TSink sink) : ILineHandler where TSink : IRequestSink
    {
        public long Malformed;

        public void Line(ReadOnlySpan<byte> line, long lineNumber, byte[] scratch)
        {
            if (!ParseAndDeliver(line, lineNumber, scratch, sink))
            {
                Malformed++;
            }
        }

        public void TooLong(long lineNumber)
        {
            Malformed++;
            sink.Malformed(lineNumber, $"the line is longer than {LogLines.MaxLineBytes} bytes");
        }
    }

    /// <summary>Parses one line and gives it to the sink; false when it was malformed (and reported).</summary>
    private static bool ParseAndDeliver<TSink>(ReadOnlySpan<byte> line, long lineNumber, byte[] scratch, TSink sink) where TSink : IRequestSink
    {
        if (line.IsEmpty || line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0)
        {
            // Blank lines separate nothing and mean nothing; they are not requests.
            return true;
        }

        var request = new RequestLine { LineNumber = lineNumber };
        string? error;
        try
        {
            error = Parse(line, scratch, ref request);
        }
        catch (JsonException exception)
        {
            var message = exception.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            error = $"not valid JSON at byte {exception.BytePositionInLine + 1}: {(cut < 0 ? message : message[..cut])}";
        }

        if (error is not null)
        {
            sink.Malformed(lineNumber, error);
            return false;
        }

        sink.Accept(request);
        return true;
    }

    private static string? Parse(ReadOnlySpan<byte> line, byte[] scratch, ref RequestLine request)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 8 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "not a JSON object";
        }

        var seen = 0;
        var scratchUsed = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = FieldOf(ref reader);
            if (!reader.Read())
            {
                return "not valid JSON: the line ends inside the object";
            }

            if (field == 0)
            {
                reader.Skip();
                continue;
            }

            if ((seen & field) != 0)
            {
                return $"the field {NameOf(field)} appears twice";
            }

            seen |= field;
            var token = reader.TokenType;
            switch (field)
            {
                case StatusField:
                    if (token != JsonTokenType.Number || !reader.TryGetInt32(out request.Status))
                    {
                        return "status must be an integer";
                    }

                    break;
                case ServedStartField:
                    if (token == JsonTokenType.Null)
                    {
                        request.ServedStart = 0;
                    }
                    else if (token != JsonTokenType.Number || !reader.TryGetInt64(out request.ServedStart) || request.ServedStart < 0)
                    {
                        return "servedStart must be a non-negative integer";
                    }

                    break;
                case BytesServedField:
                    if (token != JsonTokenType.Number || !reader.TryGetInt64(out request.BytesServed) || request.BytesServed < 0)
                    {
                        return "bytesServed must be a non-negative integer";
                    }

                    break;
                case PlaybackSessionField:
                    break;
                default:
                    if (token == JsonTokenType.Null)
                    {
                        if ((field & Required) != 0)
                        {
                            return $"{NameOf(field)} must not be null";
                        }

                        break;
                    }

                    if (token != JsonTokenType.String)
                    {
                        return $"{NameOf(field)} must be a string";
                    }

                    ReadOnlySpan<byte> value;
                    if (reader.ValueIsEscaped)
                    {
                        var length = reader.CopyString(scratch.AsSpan(scratchUsed));
                        value = scratch.AsSpan(scratchUsed, length);
                        scratchUsed += length;
                    }
                    else
                    {
                        value = reader.ValueSpan;
                    }

                    switch (field)
                    {
                        case RequestIdField:
                            if (value.IsEmpty)
                            {
                                return "requestId must not be empty";
                            }

                            request.RequestId = value;
                            break;
                        case TimeField:
                            if (!UtcTime.TryParse(value, out request.Time))
                            {
                                return "time is not an RFC 3339 timestamp (e.g. 2026-03-09T10:00:00Z)";
                            }

                            break;
                        case MethodField:
                            request.Method = value;
                            break;
                        case UrlField:
                            request.Url = value;
                            break;
                        case IpField:
                            request.Ip = value;
                            break;
                        case UserAgentField:
                            request.UserAgent = value;
                            break;
                        case RefererField:
                            request.Referer = value;
                            break;
                        case RangeField:
                            request.Range = value;
                            break;
                    }

                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            return "not valid JSON: expected a property name or the end of the object";
        }

        // Anything after the object (other than whitespace) makes the reader throw, which reports the line.
        if (reader.Read())
        {
            return "more than one JSON value on the line";
        }

        var missing = Required & ~seen;
        if (missing != 0)
        {
            return $"{NameOf(missing & -missing)} is missing";
        }

        return null;
    }

    private static int FieldOf(ref Utf8JsonReader reader)
    {
        scoped ReadOnlySpan<byte> name;
        Span<byte> unescaped = stackalloc byte[64];
        if (reader.ValueIsEscaped)
        {
            if (reader.ValueSpan.Length > 64)
            {
                return 0;
            }

            name = unescaped[..reader.CopyString(unescaped)];
        }
        else
        {
            name = reader.ValueSpan;
        }

        return name.Length switch
        {
            2 when name.SequenceEqual("ip"u8) => IpField,
            3 when name.SequenceEqual("url"u8) => UrlField,
            4 when name.SequenceEqual("time"u8) => TimeField,
            5 when name.SequenceEqual("range"u8) => RangeField,
            6 when name.SequenceEqual("method"u8) => MethodField,
            6 when name.SequenceEqual("status"u8) => StatusField,
            7 when name.SequenceEqual("referer"u8) => RefererField,
            9 when name.SequenceEqual("requestId"u8) => RequestIdField,
            9 when name.SequenceEqual("userAgent"u8) => UserAgentField,
            11 when name.SequenceEqual("servedStart"u8) => ServedStartField,
            11 when name.SequenceEqual("bytesServed"u8) => BytesServedField,
            17 when name.SequenceEqual("playbackSessionId"u8) => PlaybackSessionField,
            _ => 0,
        };
    }

    private static string NameOf(int field) => field switch
    {
        RequestIdField => "requestId",
        TimeField => "time",
        MethodField => "method",
        StatusField => "status",
        UrlField => "url",
        IpField => "ip",
        UserAgentField => "userAgent",
        RefererField => "referer",
        RangeField => "range",
        ServedStartField => "servedStart",
        BytesServedField => "bytesServed",
        _ => "playbackSessionId",
    };
}
