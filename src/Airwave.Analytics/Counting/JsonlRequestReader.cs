using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Airwave.Analytics.Counting;

/// <summary>
/// Reads REQUESTS.jsonl: one JSON object per line (fields as in the analytics issue, camelCase). Streams the file
/// through one pooled buffer (<see cref="LogLines"/>) and parses each line in place with a scanner written for this one
/// shape of line; strings stay bytes, so a well-formed line allocates nothing. A line that is not a valid request is
/// reported to the sink with its number and reason and skipped; blank lines are ignored; unknown fields are skipped
/// (after checking they are valid JSON) so the log format can grow.
/// <para>
/// Why not <c>Utf8JsonReader</c>: it is a general tokenizer (a state machine per token, options, depth stack, property
/// and value tokens returned one by one), which made reading and parsing alone slower than a million lines a second on
/// one core; the counting cannot be faster than its reader (bench/analytics measures both). This scanner knows the
/// grammar it needs — one object of scalar fields — so it does one pass over the line: strings are found with a
/// vectorised search for the bytes that end or interrupt them, numbers are converted while they are validated, and
/// only strings that contain escapes are copied (unescaped) into the scratch buffer. It still accepts exactly JSON
/// (RFC 8259): anything else on a line makes the line malformed, never a crash.
/// </para>
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

    /// <summary>Containers nested deeper than this (the line's object included) make the line malformed.</summary>
    public const int MaxDepth = 8;

    /// <summary>The bytes that end or interrupt a JSON string: the closing quote, an escape, a control character.</summary>
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

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
        var request = new RequestLine { LineNumber = lineNumber };
        var error = Parse(line, scratch, ref request);
        if (error is null)
        {
            sink.Accept(request);
            return true;
        }

        if (error.Length == 0)
        {
            // Blank lines separate nothing and mean nothing; they are not requests.
            return true;
        }

        sink.Malformed(lineNumber, error);
        return false;
    }

    /// <summary>
    /// Parses one line (without its line break) into <paramref name="request"/>: null when it is a request, an empty
    /// string when the line is blank, else why it is malformed. Unescaped strings are written to
    /// <paramref name="scratch"/> (at least as long as the line) and the request's spans may point there.
    /// </summary>
    internal static string? Parse(ReadOnlySpan<byte> line, Span<byte> scratch, ref RequestLine request)
    {
        var scanner = new Scanner(line, scratch);
        var position = scanner.SkipWhitespace(0);
        if (position == line.Length)
        {
            return "";
        }

        if (line[position] != '{')
        {
            // Another JSON value is a request of the wrong shape; anything else is not JSON at all.
            return scanner.SkipValue(ref position, 1) ? "not a JSON object" : scanner.Error;
        }

        var seen = 0;
        position = scanner.SkipWhitespace(position + 1);
        if (position < line.Length && line[position] == '}')
        {
            position++;
        }
        else
        {
            while (true)
            {
                if (position >= line.Length || line[position] != '"')
                {
                    return Scanner.Invalid(position, position >= line.Length ? "the line ends inside the object" : "expected a property name");
                }

                var nameStart = position + 1;
                if (!scanner.ReadName(ref position, out var name, out var nameEscaped))
                {
                    return scanner.Error;
                }

                position = scanner.SkipWhitespace(position);
                if (position >= line.Length || line[position] != ':')
                {
                    return Scanner.Invalid(position, position >= line.Length ? "the line ends inside the object" : "expected ':' after a property name");
                }

                position = scanner.SkipWhitespace(position + 1);
                if (position >= line.Length)
                {
                    return Scanner.Invalid(position, "the line ends inside the object");
                }

                var field = nameEscaped ? scanner.FieldOfEscaped(name, nameStart) : FieldOf(name);
                if (field < 0)
                {
                    return scanner.Error;
                }

                if (field == 0 || field == PlaybackSessionField)
                {
                    // Unknown fields are checked and skipped; playbackSessionId is known but not used by the counting.
                    if ((seen & field) != 0)
                    {
                        return $"the field {NameOf(field)} appears twice";
                    }

                    seen |= field;
                    if (!scanner.SkipValue(ref position, 2))
                    {
                        return scanner.Error;
                    }
                }
                else
                {
                    if ((seen & field) != 0)
                    {
                        return $"the field {NameOf(field)} appears twice";
                    }

                    seen |= field;
                    if (ReadField(ref scanner, ref position, field, ref request) is { } error)
                    {
                        return error;
                    }
                }

                position = scanner.SkipWhitespace(position);
                if (position < line.Length && line[position] == ',')
                {
                    position = scanner.SkipWhitespace(position + 1);
                    continue;
                }

                if (position < line.Length && line[position] == '}')
                {
                    position++;
                    break;
                }

                return Scanner.Invalid(position, position >= line.Length ? "the line ends inside the object" : "expected ',' or '}' after a value");
            }
        }

        position = scanner.SkipWhitespace(position);
        if (position != line.Length)
        {
            return Scanner.Invalid(position, "only whitespace may follow the object");
        }

        var missing = Required & ~seen;
        return missing != 0 ? $"{NameOf(missing & -missing)} is missing" : null;
    }

    /// <summary>Reads the value of a known field at <paramref name="position"/> into the request; null when it is fine.</summary>
    private static string? ReadField(ref Scanner scanner, scoped ref int position, int field, ref RequestLine request)
    {
        var first = scanner.Text[position];
        switch (field)
        {
            case StatusField:
                return scanner.ReadInteger(ref position, out var status) switch
                {
                    Number.Integer when status is >= int.MinValue and <= int.MaxValue => Assign(out request.Status, (int)status),
                    Number.Invalid => scanner.Error,
                    Number.NotANumber => scanner.WrongType(ref position, "status must be an integer"),
                    _ => "status must be an integer",
                };
            case ServedStartField:
                if (first == 'n')
                {
                    request.ServedStart = 0;
                    return scanner.ReadLiteral(ref position, "null"u8) ? null : scanner.Error;
                }

                return scanner.ReadInteger(ref position, out request.ServedStart) switch
                {
                    Number.Integer when request.ServedStart >= 0 => null,
                    Number.Invalid => scanner.Error,
                    Number.NotANumber => scanner.WrongType(ref position, "servedStart must be a non-negative integer"),
                    _ => "servedStart must be a non-negative integer",
                };
            case BytesServedField:
                return scanner.ReadInteger(ref position, out request.BytesServed) switch
                {
                    Number.Integer when request.BytesServed >= 0 => null,
                    Number.Invalid => scanner.Error,
                    Number.NotANumber => scanner.WrongType(ref position, "bytesServed must be a non-negative integer"),
                    _ => "bytesServed must be a non-negative integer",
                };
        }

        if (first == 'n')
        {
            if (!scanner.ReadLiteral(ref position, "null"u8))
            {
                return scanner.Error;
            }

            return (field & Required) != 0 ? $"{NameOf(field)} must not be null" : null;
        }

        if (first != '"')
        {
            return scanner.WrongType(ref position, $"{NameOf(field)} must be a string");
        }

        if (!scanner.ReadStringValue(ref position, out var value))
        {
            return scanner.Error;
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
            default:
                request.Range = value;
                break;
        }

        return null;
    }

    private static string? Assign(out int target, int value)
    {
        target = value;
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FieldOf(ReadOnlySpan<byte> name) => name.Length switch
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

    private enum Number
    {
        /// <summary>Not JSON at all (<see cref="Scanner.Error"/> says why).</summary>
        Invalid,

        /// <summary>Another JSON value (a string, an object, true, null), not a number.</summary>
        NotANumber,

        /// <summary>A JSON number with a fraction or an exponent, or beyond a 64-bit integer: not an integer field's value.</summary>
        NotAnInteger,

        Integer,
    }

    /// <summary>
    /// The JSON grammar over one line: each method starts at a position and moves it past what it read, or returns
    /// false with <see cref="Error"/> saying where (1-based byte) and why.
    /// </summary>
    private ref struct Scanner(ReadOnlySpan<byte> text, Span<byte> scratch)
    {
        public readonly ReadOnlySpan<byte> Text = text;
        private readonly Span<byte> _scratch = scratch;
        private int _scratchUsed;

        public string? Error { get; private set; }

        public static string Invalid(int position, string reason) => $"not valid JSON at byte {position + 1}: {reason}";

        /// <summary>JSON whitespace: space, tab, CR, LF. Most lines have one space after ':' and ','; that is checked first.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly int SkipWhitespace(int position)
        {
            var text = Text;
            while ((uint)position < (uint)text.Length && text[position] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                position++;
            }

            return position;
        }

        /// <summary>
        /// A string starting at the quote at <paramref name="position"/>: its raw content (escapes left as they are) and
        /// whether it has any. The search for the closing quote is vectorised (<see cref="StringStops"/>); escapes are
        /// checked for syntax here and decoded only by <see cref="Unescape"/>, for the strings the counting uses.
        /// </summary>
        public bool ReadString(scoped ref int position, out ReadOnlySpan<byte> raw, out bool escaped)
        {
            var text = Text;
            var start = position + 1;
            var at = start;
            escaped = false;
            while (true)
            {
                var stop = text[at..].IndexOfAny(StringStops);
                if (stop < 0)
                {
                    raw = default;
                    return Fail(text.Length, "the line ends inside a string");
                }

                at += stop;
                var c = text[at];
                if (c == '"')
                {
                    raw = text[start..at];
                    position = at + 1;
                    return true;
                }

                if (c != '\\')
                {
                    raw = default;
                    return Fail(at, "a control character must be escaped in a string");
                }

                escaped = true;
                if (at + 1 >= text.Length)
                {
                    raw = default;
                    return Fail(text.Length, "the line ends inside a string");
                }

                switch (text[at + 1])
                {
                    case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                        at += 2;
                        break;
                    case (byte)'u':
                        for (var i = at + 2; i < at + 6; i++)
                        {
                            if (i >= text.Length || HexValue(text[i]) < 0)
                            {
                                raw = default;
                                return Fail(Math.Min(i, text.Length), "\\u must be followed by four hexadecimal digits");
                            }
                        }

                        at += 6;
                        break;
                    default:
                        raw = default;
                        return Fail(at + 1, "not a valid escape sequence");
                }
            }
        }

        /// <summary>
        /// A property name: <see cref="ReadString"/>, with a plain loop first, because names are short (2 to 17 bytes in
        /// the log) and a dozen of them per line cost more in setting up a vectorised search than in the search itself.
        /// A name with an escape or a control character, or a long one, goes the general way.
        /// </summary>
        public bool ReadName(scoped ref int position, out ReadOnlySpan<byte> raw, out bool escaped)
        {
            var text = Text;
            var end = Math.Min(text.Length, position + 33);
            for (var at = position + 1; at < end; at++)
            {
                var c = text[at];
                if (c == '"')
                {
                    raw = text[(position + 1)..at];
                    position = at + 1;
                    escaped = false;
                    return true;
                }

                if (c == '\\' || c < 0x20)
                {
                    break;
                }
            }

            return ReadString(ref position, out raw, out escaped);
        }

        /// <summary>A string value as UTF-8: the line's bytes when it has no escapes, else its unescaped copy in the scratch buffer.</summary>
        public bool ReadStringValue(scoped ref int position, out ReadOnlySpan<byte> value)
        {
            var start = position + 1;
            if (!ReadString(ref position, out var raw, out var escaped))
            {
                value = default;
                return false;
            }

            if (!escaped)
            {
                value = raw;
                return true;
            }

            var destination = _scratch[_scratchUsed..];
            if (!Unescape(raw, start, destination, out var length))
            {
                value = default;
                return false;
            }

            value = destination[..length];
            _scratchUsed += length;
            return true;
        }

        /// <summary>
        /// The field an escaped property name means (<c>"\u0069p"</c> is <c>"ip"</c>), decoded into unused scratch
        /// space; -1 when the escapes cannot be decoded.
        /// </summary>
        public int FieldOfEscaped(scoped ReadOnlySpan<byte> raw, int rawStart)
        {
            var destination = _scratch[_scratchUsed..];
            return Unescape(raw, rawStart, destination, out var length) ? FieldOf(destination[..length]) : -1;
        }

        /// <summary>
        /// Decodes escapes of a string whose syntax <see cref="ReadString"/> checked. <c>\uXXXX</c> becomes UTF-8, a
        /// surrogate pair one four-byte character; an unpaired surrogate cannot be UTF-8 and makes the line malformed.
        /// The result is never longer than the raw text (an escape is at least as long as what it stands for).
        /// </summary>
        private bool Unescape(scoped ReadOnlySpan<byte> raw, int rawStart, scoped Span<byte> destination, out int length)
        {
            length = 0;
            var i = 0;
            while (i < raw.Length)
            {
                var backslash = raw[i..].IndexOf((byte)'\\');
                if (backslash < 0)
                {
                    raw[i..].CopyTo(destination[length..]);
                    length += raw.Length - i;
                    return true;
                }

                raw.Slice(i, backslash).CopyTo(destination[length..]);
                length += backslash;
                i += backslash;
                var kind = raw[i + 1];
                if (kind != 'u')
                {
                    destination[length++] = kind switch
                    {
                        (byte)'b' => (byte)'\b',
                        (byte)'f' => (byte)'\f',
                        (byte)'n' => (byte)'\n',
                        (byte)'r' => (byte)'\r',
                        (byte)'t' => (byte)'\t',
                        _ => kind,
                    };
                    i += 2;
                    continue;
                }

                var code = Hex4(raw, i + 2);
                var escapeAt = rawStart + i;
                i += 6;
                if (code is >= 0xD800 and <= 0xDBFF)
                {
                    var low = i + 6 <= raw.Length && raw[i] == '\\' && raw[i + 1] == 'u' ? Hex4(raw, i + 2) : -1;
                    if (low is < 0xDC00 or > 0xDFFF)
                    {
                        return Fail(escapeAt, "a \\u escape is an unpaired surrogate");
                    }

                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
                else if (code is >= 0xDC00 and <= 0xDFFF)
                {
                    return Fail(escapeAt, "a \\u escape is an unpaired surrogate");
                }

                length += new Rune(code).EncodeToUtf8(destination[length..]);
            }

            return true;
        }

        /// <summary>
        /// A JSON number that must be an integer. Reads and checks the whole number (so <c>1.5</c>, <c>2e3</c> and
        /// <c>99999999999999999999</c> are numbers, but not integers); anything that is not a number is left unread.
        /// </summary>
        public Number ReadInteger(scoped ref int position, out long value)
        {
            var text = Text;
            value = 0;
            var at = position;
            var negative = text[at] == '-';
            if (negative)
            {
                at++;
            }

            if (at >= text.Length || (uint)(text[at] - '0') > 9)
            {
                if (!negative)
                {
                    return Number.NotANumber;
                }

                Fail(at, "a number needs digits after '-'");
                return Number.Invalid;
            }

            var digitsStart = at;
            var overflow = false;
            ulong magnitude = 0;
            if (text[at] == '0')
            {
                at++;
            }
            else
            {
                while (at < text.Length && (uint)(text[at] - '0') <= 9)
                {
                    var digit = (uint)(text[at] - '0');
                    if (magnitude > (ulong.MaxValue - digit) / 10)
                    {
                        overflow = true;
                    }
                    else
                    {
                        magnitude = magnitude * 10 + digit;
                    }

                    at++;
                }
            }

            var integer = true;
            if (at < text.Length && text[at] == '.')
            {
                integer = false;
                at++;
                if (!Digits(text, ref at))
                {
                    Fail(at, "a number needs digits after '.'");
                    return Number.Invalid;
                }
            }

            if (at < text.Length && (text[at] | 0x20) == 'e')
            {
                integer = false;
                at++;
                if (at < text.Length && text[at] is (byte)'+' or (byte)'-')
                {
                    at++;
                }

                if (!Digits(text, ref at))
                {
                    Fail(at, "a number needs digits in its exponent");
                    return Number.Invalid;
                }
            }

            if (at < text.Length && !IsDelimiter(text[at]))
            {
                Fail(at, at == digitsStart + 1 && text[digitsStart] == '0' && (uint)(text[at] - '0') <= 9
                    ? "a number must not start with 0" : "unexpected character after a number");
                return Number.Invalid;
            }

            position = at;
            if (!integer || overflow || magnitude > (negative ? 1UL << 63 : long.MaxValue))
            {
                return Number.NotAnInteger;
            }

            value = negative ? (long)(0 - magnitude) : (long)magnitude;
            return Number.Integer;
        }

        /// <summary>
        /// A field holds a value of the wrong type: the value is checked to be a JSON value at all (so a line that is
        /// not JSON is reported as such), and the field's message is returned.
        /// </summary>
        public string? WrongType(scoped ref int position, string message)
        {
            var first = Text[position];
            if (first is (byte)'{' or (byte)'[')
            {
                return message;
            }

            return SkipValue(ref position, 2) ? message : Error;
        }

        public bool ReadLiteral(scoped ref int position, ReadOnlySpan<byte> literal)
        {
            var text = Text;
            for (var i = 0; i < literal.Length; i++)
            {
                if (position + i >= text.Length || text[position + i] != literal[i])
                {
                    return Fail(position + i, $"expected '{Encoding.ASCII.GetString(literal)}'");
                }
            }

            if (position + literal.Length < text.Length && !IsDelimiter(text[position + literal.Length]))
            {
                return Fail(position + literal.Length, $"unexpected character after '{Encoding.ASCII.GetString(literal)}'");
            }

            position += literal.Length;
            return true;
        }

        /// <summary>
        /// Checks and skips any JSON value (an unknown field's): strings with their escapes, numbers, literals, and
        /// objects and arrays down to <see cref="MaxDepth"/> containers in all (<paramref name="depth"/> is the value's).
        /// </summary>
        public bool SkipValue(scoped ref int position, int depth)
        {
            var text = Text;
            if (position >= text.Length)
            {
                return Fail(position, "the line ends before a value");
            }

            switch (text[position])
            {
                case (byte)'"':
                    return ReadString(ref position, out _, out _);
                case (byte)'t':
                    return ReadLiteral(ref position, "true"u8);
                case (byte)'f':
                    return ReadLiteral(ref position, "false"u8);
                case (byte)'n':
                    return ReadLiteral(ref position, "null"u8);
                case (byte)'{' or (byte)'[':
                    return SkipContainer(ref position, depth);
                case (byte)'-' or (>= (byte)'0' and <= (byte)'9'):
                    return ReadInteger(ref position, out _) != Number.Invalid;
                default:
                    return Fail(position, "expected a JSON value");
            }
        }

        private bool SkipContainer(scoped ref int position, int depth)
        {
            if (depth > MaxDepth)
            {
                return Fail(position, $"nested more than {MaxDepth} levels deep");
            }

            var text = Text;
            var isObject = text[position] == '{';
            var close = isObject ? (byte)'}' : (byte)']';
            position = SkipWhitespace(position + 1);
            if (position < text.Length && text[position] == close)
            {
                position++;
                return true;
            }

            while (true)
            {
                if (isObject)
                {
                    if (position >= text.Length || text[position] != '"')
                    {
                        return Fail(position, position >= text.Length ? "the line ends inside the object" : "expected a property name");
                    }

                    if (!ReadString(ref position, out _, out _))
                    {
                        return false;
                    }

                    position = SkipWhitespace(position);
                    if (position >= text.Length || text[position] != ':')
                    {
                        return Fail(position, "expected ':' after a property name");
                    }

                    position = SkipWhitespace(position + 1);
                }

                if (!SkipValue(ref position, depth + 1))
                {
                    return false;
                }

                position = SkipWhitespace(position);
                if (position < text.Length && text[position] == ',')
                {
                    position = SkipWhitespace(position + 1);
                    continue;
                }

                if (position < text.Length && text[position] == close)
                {
                    position++;
                    return true;
                }

                return Fail(position, position >= text.Length ? "the line ends inside the object" : $"expected ',' or '{(char)close}'");
            }
        }

        private bool Fail(int position, string reason)
        {
            Error = Invalid(position, reason);
            return false;
        }

        private static bool Digits(ReadOnlySpan<byte> text, ref int at)
        {
            var start = at;
            while (at < text.Length && (uint)(text[at] - '0') <= 9)
            {
                at++;
            }

            return at > start;
        }

        private static bool IsDelimiter(byte c) => c is (byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

        private static int Hex4(ReadOnlySpan<byte> text, int at) =>
            (HexValue(text[at]) << 12) | (HexValue(text[at + 1]) << 8) | (HexValue(text[at + 2]) << 4) | HexValue(text[at + 3]);

        private static int HexValue(byte c) => c switch
        {
            >= (byte)'0' and <= (byte)'9' => c - '0',
            >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
            _ => -1,
        };
    }
}
