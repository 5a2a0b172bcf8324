using System.Text;
using System.Text.Json;
using Airwave.Analytics.Counting;

namespace Airwave.UnitTests.Analytics;

/// <summary>
/// The hand-written JSONL scanner (<see cref="JsonlRequestReader"/>): escapes, any field order, unknown values skipped,
/// null against missing, numbers, whitespace, and every way a line can be broken, which must make it malformed with a
/// reason and never crash. System.Text.Json is the oracle for what is valid JSON.
/// </summary>
public sealed class JsonlScannerTests
{
    private sealed record Parsed(string Id, long Time, string Method, int Status, string Url, string Ip, string UserAgent, string Referer,
        string Range, long ServedStart, long BytesServed);

    private sealed class Collector : IRequestSink
    {
        public List<Parsed> Requests { get; } = [];

        public List<byte[]> UserAgentBytes { get; } = [];

        public List<(long Line, string Reason)> Malformed { get; } = [];

        public void Accept(scoped in RequestLine r)
        {
            Requests.Add(new Parsed(S(r.RequestId), r.Time, S(r.Method), r.Status, S(r.Url), S(r.Ip), S(r.UserAgent), S(r.Referer), S(r.Range),
                r.ServedStart, r.BytesServed));
            UserAgentBytes.Add(r.UserAgent.ToArray());
        }

        void IRequestSink.Malformed(long lineNumber, string reason) => Malformed.Add((lineNumber, reason));

        private static string S(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
    }

    private const string Line = """{"requestId": "r1", "time": "2026-03-09T10:00:00Z", "method": "GET", "status": 206, "url": "https://m.example.com/a.mp3", "ip": "203.0.113.5", "userAgent": "App/1.0", "referer": null, "range": "bytes=0-524287", "servedStart": 0, "bytesServed": 524288, "playbackSessionId": null}""";

    private static readonly long Ten = new DateTime(2026, 3, 9, 10, 0, 0, DateTimeKind.Utc).Ticks;

    private static readonly Parsed Expected = new("r1", Ten, "GET", 206, "https://m.example.com/a.mp3", "203.0.113.5", "App/1.0", "", "bytes=0-524287",
        0, 524288);

    private static Collector Read(byte[] bytes)
    {
        var sink = new Collector();
        using var stream = new MemoryStream(bytes);
        var summary = JsonlRequestReader.Read(stream, sink);
        summary.Malformed.ShouldBe(sink.Malformed.Count);
        return sink;
    }

    private static Collector Read(string text) => Read(Encoding.UTF8.GetBytes(text));

    private static Parsed One(string line)
    {
        var sink = Read(line);
        sink.Malformed.ShouldBeEmpty();
        return sink.Requests.Single();
    }

    private static string Reason(string line)
    {
        var sink = Read(line);
        sink.Requests.ShouldBeEmpty();
        return sink.Malformed.Single().Reason;
    }

    private static string WithUserAgent(string jsonString) => Line.Replace("\"App/1.0\"", jsonString, StringComparison.Ordinal);

    [Fact]
    public void Escapes_AreDecoded()
    {
        One(WithUserAgent("""
            "q\"b\\s\/n\nr\rt\tb\bf\f"
            """.Trim())).UserAgent.ShouldBe("q\"b\\s/n\nr\rt\tb\bf\f");
        One(WithUserAgent("\"Caf\\u00e9 \\u20AC \\u002Bhttp \\u0041\"")).UserAgent.ShouldBe("Café € +http A");
        One(WithUserAgent("\"x\\uD83C\\uDFA7y\"")).UserAgent.ShouldBe("x🎧y");
        One(WithUserAgent("\"\\ud83c\\udfa7\"")).UserAgent.ShouldBe("🎧");
        One(Line.Replace("https://m.example.com/a.mp3", "https:\\/\\/m.example.com\\/a.mp3", StringComparison.Ordinal)).ShouldBe(Expected);
    }

    [Fact]
    public void SeveralEscapedFields_OnOneLine_KeepTheirOwnValues()
    {
        var line = Line.Replace("\"r1\"", "\"\\u0072\\u0031\"", StringComparison.Ordinal).Replace("\"GET\"", "\"G\\u0045T\"", StringComparison.Ordinal)
            .Replace("\"App/1.0\"", "\"\\u0041pp/1.0\"", StringComparison.Ordinal)
            .Replace("\"bytes=0-524287\"", "\"bytes\\u003d0-524287\"", StringComparison.Ordinal);

        One(line).ShouldBe(Expected);
    }

    [Theory]
    [InlineData("\"\\uD83C\"")]
    [InlineData("\"\\uD83Cx\"")]
    [InlineData("\"\\uD83C\\u0041\"")]
    [InlineData("\"\\uDFA7\"")]
    [InlineData("\"\\uD83C\\n\"")]
    public void UnpairedSurrogates_AreMalformed(string userAgent) =>
        Reason(WithUserAgent(userAgent)).ShouldStartWith("not valid JSON at byte ");

    [Theory]
    [InlineData("\"\\x\"")]
    [InlineData("\"\\u12G4\"")]
    [InlineData("\"\\u12\"")]
    [InlineData("\"\\'\"")]
    [InlineData("\"tab\there\"")]
    [InlineData("\"nul\u0000\"")]
    public void BadEscapesAndRawControlCharacters_AreMalformed(string userAgent) =>
        Reason(WithUserAgent(userAgent)).ShouldStartWith("not valid JSON at byte ");

    [Fact]
    public void NonAsciiUtf8_PassesThroughByteForByte()
    {
        var agent = "Podcast App 日本語 Ünïcödé 🎧/1.0";

        var sink = Read(WithUserAgent("\"" + agent + "\""));

        sink.UserAgentBytes.Single().ShouldBe(Encoding.UTF8.GetBytes(agent));
    }

    [Fact]
    public void FieldsInAnyOrder_ReadTheSame()
    {
        using var document = JsonDocument.Parse(Line);
        var fields = document.RootElement.EnumerateObject().Select(p => $"\"{p.Name}\": {p.Value.GetRawText()}").ToList();
        var random = new Random(7);
        for (var i = 0; i < 50; i++)
        {
            var shuffled = fields.OrderBy(_ => random.Next()).ToList();
            One("{" + string.Join(", ", shuffled) + "}").ShouldBe(Expected);
        }
    }

    [Fact]
    public void UnknownFields_OfEveryKind_AreSkipped()
    {
        var unknown = """
            "a": {"nested": [1, -2.5e+3, 0.1E-2, true, false, null, "s\"}]", {"deep": [[[]]]}], "empty": {}}, "b": [], "c": 12345678901234567890123,
            "d": true, "e": false, "f": null, "g": "\u00e9\\", "h": -0, "i": 1E400, "requestIdX": 1, "": 0
            """.ReplaceLineEndings(" ");

        One(Line.Replace("{\"requestId\"", "{" + unknown + ", \"requestId\"", StringComparison.Ordinal)).ShouldBe(Expected);
        One(Line.Replace("}", ", " + unknown + "}", StringComparison.Ordinal)).ShouldBe(Expected);
    }

    [Fact]
    public void UnknownFields_NestedUpToTheDepthLimit_AndNoDeeper()
    {
        // The line's object is the first level; seven more are allowed, an eighth is not.
        One(Line.Replace("}", ", \"x\": [[[[[[[1]]]]]]]}", StringComparison.Ordinal)).ShouldBe(Expected);
        One(Line.Replace("}", ", \"x\": {\"a\": {\"b\": {\"c\": {\"d\": {\"e\": {\"f\": {}}}}}}}}", StringComparison.Ordinal)).ShouldBe(Expected);

        Reason(Line.Replace("}", ", \"x\": [[[[[[[[1]]]]]]]]}", StringComparison.Ordinal)).ShouldContain("nested more than 8 levels deep");
    }

    [Fact]
    public void PlaybackSessionId_MayHoldAnyValue_ButAppearsOnce()
    {
        One(Line.Replace("\"playbackSessionId\": null", "\"playbackSessionId\": {\"id\": [1, \"x\"]}", StringComparison.Ordinal)).ShouldBe(Expected);
        One(Line.Replace("\"playbackSessionId\": null", "\"playbackSessionId\": \"ps-1\"", StringComparison.Ordinal)).ShouldBe(Expected);

        Reason(Line.Replace("}", ", \"playbackSessionId\": 1}", StringComparison.Ordinal)).ShouldBe("the field playbackSessionId appears twice");
    }

    [Fact]
    public void EscapedPropertyNames_AreTheFieldsTheyName()
    {
        One(Line.Replace("\"ip\"", "\"\\u0069p\"", StringComparison.Ordinal)).ShouldBe(Expected);

        Reason(Line.Replace("}", ", \"\\u0069p\": \"1.1.1.1\"}", StringComparison.Ordinal)).ShouldBe("the field ip appears twice");
        Reason(Line.Replace("\"ip\"", "\"\\uD800p\"", StringComparison.Ordinal)).ShouldStartWith("not valid JSON at byte ");
    }

    [Fact]
    public void NullAndMissing_OptionalFields_AreEmpty()
    {
        var nulls = One(Line.Replace("\"App/1.0\"", "null", StringComparison.Ordinal).Replace("\"bytes=0-524287\"", "null", StringComparison.Ordinal)
            .Replace("\"servedStart\": 0", "\"servedStart\": null", StringComparison.Ordinal));
        var missing = One("""{"requestId": "r1", "time": "2026-03-09T10:00:00Z", "method": "GET", "status": 206, "url": "https://m.example.com/a.mp3", "ip": "203.0.113.5", "bytesServed": 524288}""");

        nulls.ShouldBe(Expected with { UserAgent = "", Range = "" });
        missing.ShouldBe(nulls);
        One(WithUserAgent("\"\"")).UserAgent.ShouldBe("");
    }

    [Theory]
    [InlineData("requestId")]
    [InlineData("time")]
    [InlineData("method")]
    [InlineData("url")]
    [InlineData("ip")]
    public void RequiredStrings_NullMissingOrNotAString(string field)
    {
        using var document = JsonDocument.Parse(Line);
        string Without() => "{" + string.Join(", ", document.RootElement.EnumerateObject().Where(p => p.Name != field)
            .Select(p => $"\"{p.Name}\": {p.Value.GetRawText()}")) + "}";
        string With(string value) => "{" + string.Join(", ", document.RootElement.EnumerateObject()
            .Select(p => $"\"{p.Name}\": {(p.Name == field ? value : p.Value.GetRawText())}")) + "}";

        Reason(Without()).ShouldBe($"{field} is missing");
        Reason(With("null")).ShouldBe($"{field} must not be null");
        Reason(With("12")).ShouldBe($"{field} must be a string");
        Reason(With("[\"x\"]")).ShouldBe($"{field} must be a string");
        Reason(With("true")).ShouldBe($"{field} must be a string");
        Reason(With("tru")).ShouldStartWith("not valid JSON at byte ");
    }

    [Theory]
    [InlineData("\"status\": 206", "\"status\": 2e2", "status must be an integer")]
    [InlineData("\"status\": 206", "\"status\": 206.0", "status must be an integer")]
    [InlineData("\"status\": 206", "\"status\": 2147483648", "status must be an integer")]
    [InlineData("\"status\": 206", "\"status\": null", "status must be an integer")]
    [InlineData("\"status\": 206", "\"status\": \"206\"", "status must be an integer")]
    [InlineData("\"status\": 206", "\"status\": {}", "status must be an integer")]
    [InlineData("\"bytesServed\": 524288", "\"bytesServed\": 5.24288E5", "bytesServed must be a non-negative integer")]
    [InlineData("\"bytesServed\": 524288", "\"bytesServed\": 9223372036854775808", "bytesServed must be a non-negative integer")]
    [InlineData("\"bytesServed\": 524288", "\"bytesServed\": 99999999999999999999999", "bytesServed must be a non-negative integer")]
    [InlineData("\"bytesServed\": 524288", "\"bytesServed\": -1", "bytesServed must be a non-negative integer")]
    [InlineData("\"bytesServed\": 524288", "\"bytesServed\": null", "bytesServed must be a non-negative integer")]
    [InlineData("\"servedStart\": 0", "\"servedStart\": -9223372036854775808", "servedStart must be a non-negative integer")]
    [InlineData("\"servedStart\": 0", "\"servedStart\": 1e0", "servedStart must be a non-negative integer")]
    [InlineData("\"servedStart\": 0", "\"servedStart\": true", "servedStart must be a non-negative integer")]
    [InlineData("\"status\": 206", "\"status\": 0206", "not valid JSON at byte ")]
    [InlineData("\"status\": 206", "\"status\": -", "not valid JSON at byte ")]
    [InlineData("\"status\": 206", "\"status\": 2.", "not valid JSON at byte ")]
    [InlineData("\"status\": 206", "\"status\": 2e", "not valid JSON at byte ")]
    [InlineData("\"status\": 206", "\"status\": 206x", "not valid JSON at byte ")]
    [InlineData("\"status\": 206", "\"status\": +206", "not valid JSON at byte ")]
    [InlineData("\"status\": 206", "\"status\": .5", "not valid JSON at byte ")]
    [InlineData("\"status\": 206", "\"status\": NaN", "not valid JSON at byte ")]
    public void Numbers_ExponentsFractionsRangeAndSyntax(string field, string replacement, string reason) =>
        Reason(Line.Replace(field, replacement, StringComparison.Ordinal)).ShouldStartWith(reason);

    [Fact]
    public void Numbers_AtTheEdgesOfTheirRange_AreRead()
    {
        One(Line.Replace("\"bytesServed\": 524288", "\"bytesServed\": 9223372036854775807", StringComparison.Ordinal)).BytesServed.ShouldBe(long.MaxValue);
        One(Line.Replace("\"status\": 206", "\"status\": -2147483648", StringComparison.Ordinal)).Status.ShouldBe(int.MinValue);
        One(Line.Replace("\"status\": 206", "\"status\": -0", StringComparison.Ordinal)).Status.ShouldBe(0);
        One(Line.Replace("\"servedStart\": 0", "\"servedStart\": 0", StringComparison.Ordinal)).ServedStart.ShouldBe(0);
    }

    [Fact]
    public void Whitespace_AnywhereBetweenTokens_AndNone()
    {
        using var document = JsonDocument.Parse(Line);
        var compact = JsonSerializer.Serialize(document.RootElement);
        var spread = " \t{ \t\"requestId\"\t:\r \"r1\" ,\"time\" :\"2026-03-09T10:00:00Z\",\r\n\"method\":\"GET\" , \"status\" : 206 , \"url\":\"https://m.example.com/a.mp3\","
            + "\"ip\":\"203.0.113.5\",\"userAgent\":\"App/1.0\",\"referer\":null,\"range\":\"bytes=0-524287\",\"servedStart\":0,\"bytesServed\":524288 } \t";

        One(compact).ShouldBe(Expected);
        Read(spread.Replace("\r\n", " ", StringComparison.Ordinal)).Requests.Single().ShouldBe(Expected);
        Read(spread.Replace("\r\n", "\r", StringComparison.Ordinal)).Requests.Single().ShouldBe(Expected);
    }

    [Fact]
    public void CrlfLineEnds_AndALastLineWithoutNewline()
    {
        var second = Line.Replace("r1", "r2", StringComparison.Ordinal);

        var crlf = Read(Line + "\r\n" + second + "\r\n");
        var unterminated = Read(Line + "\r\n" + second);
        var unterminatedCr = Read(Line + "\n" + second + "\r");

        foreach (var sink in new[] { crlf, unterminated, unterminatedCr })
        {
            sink.Malformed.ShouldBeEmpty();
            sink.Requests.Select(r => r.Id).ShouldBe(["r1", "r2"]);
        }
    }

    [Theory]
    [InlineData("{}", "requestId is missing")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("\"text\"", "not a JSON object")]
    [InlineData("42", "not a JSON object")]
    [InlineData("null", "not a JSON object")]
    [InlineData("not json", "not valid JSON at byte 2")]
    [InlineData("{", "not valid JSON at byte 2")]
    [InlineData("}", "not valid JSON at byte 1")]
    [InlineData("{\"requestId\": \"r1\",}", "not valid JSON at byte 20")]
    [InlineData("{\"requestId\" \"r1\"}", "not valid JSON at byte 14")]
    [InlineData("{'requestId': 'r1'}", "not valid JSON at byte 2")]
    [InlineData("{\"requestId\": \"r1\"} {}", "not valid JSON at byte 21")]
    [InlineData("{\"requestId\": \"r1\"}}", "not valid JSON at byte 20")]
    [InlineData("{\"requestId\": \"r1\" /* c */}", "not valid JSON at byte 20")]
    [InlineData("{\"a\": [1, 2,]}", "not valid JSON at byte 13")]
    [InlineData("{\"a\": {\"b\" 1}}", "not valid JSON at byte 12")]
    [InlineData("{\"a\": [1 2]}", "not valid JSON at byte 10")]
    [InlineData("{\"a\": truex}", "not valid JSON at byte 11")]
    [InlineData("{\"a\": \"unterminated}", "not valid JSON at byte 21")]
    public void BrokenLines_AreMalformedWithTheirReason(string line, string reason) => Reason(line).ShouldStartWith(reason);

    [Fact]
    public void EveryTruncation_OfAValidLine_IsMalformed_NeverACrash()
    {
        var escaped = Line.Replace("\"App/1.0\"", "\"A\\u00e9\\uD83C\\uDFA7\\\"p\"", StringComparison.Ordinal)
            .Replace("\"playbackSessionId\": null", "\"playbackSessionId\": null, \"x\": {\"y\": [1.5e3, true]}", StringComparison.Ordinal);
        foreach (var full in new[] { Line, escaped })
        {
            var bytes = Encoding.UTF8.GetBytes(full);
            for (var length = 1; length < bytes.Length; length++)
            {
                var sink = Read(bytes[..length]);
                sink.Requests.ShouldBeEmpty($"cut at {length}");
                sink.Malformed.Count.ShouldBe(1, $"cut at {length}");
            }
        }
    }

    /// <summary>
    /// Every one-byte change of a valid line (each position, a set of ASCII bytes that matter to JSON): the scanner
    /// says "not valid JSON" exactly when System.Text.Json cannot parse it, and when the line is a valid request it
    /// reads the same values the oracle reads.
    /// </summary>
    [Fact]
    public void EveryOneByteChange_AgreesWithSystemTextJson()
    {
        var source = Encoding.UTF8.GetBytes(Line.Replace("\"App/1.0\"", "\"A\\u00e9\\\"p\"", StringComparison.Ordinal)
            .Replace("\"playbackSessionId\": null", "\"playbackSessionId\": null, \"x\": {\"y\": [1.5e3, true]}", StringComparison.Ordinal));
        var replacements = "{}[]\":,\\ \t0123456789-+.eEtrufalsn/xu\u0001"u8.ToArray();
        var checkedLines = 0;
        for (var position = 0; position < source.Length; position++)
        {
            foreach (var replacement in replacements.Append((byte)0).Prepend((byte)'d'))
            {
                var line = (byte[])source.Clone();
                line[position] = replacement;
                CheckAgainstOracle(line);
                checkedLines++;
            }

            CheckAgainstOracle([.. source[..position], .. source[(position + 1)..]]);
        }

        checkedLines.ShouldBeGreaterThan(10_000);
    }

    private static void CheckAgainstOracle(byte[] line)
    {
        var text = Encoding.UTF8.GetString(line);
        if (text.Contains('\n') || text.Contains('\r') || text.Trim(' ', '\t').Length == 0)
        {
            return;
        }

        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = JsonlRequestReader.MaxDepth });
        }
        catch (JsonException)
        {
        }

        var sink = Read(line);
        if (document is null)
        {
            sink.Requests.ShouldBeEmpty(text);
            sink.Malformed.Count.ShouldBe(1, text);
            return;
        }

        using (document)
        {
            if (sink.Malformed.Count == 1)
            {
                sink.Malformed[0].Reason.StartsWith("not valid JSON", StringComparison.Ordinal).ShouldBeFalse(text);
                return;
            }

            var root = document.RootElement;
            string S(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
            var parsed = sink.Requests.Single();
            parsed.ShouldBe(new Parsed(S("requestId"), parsed.Time, S("method"), root.GetProperty("status").GetInt32(), S("url"), S("ip"), S("userAgent"),
                S("referer"), S("range"), root.TryGetProperty("servedStart", out var start) && start.ValueKind == JsonValueKind.Number ? start.GetInt64() : 0,
                root.GetProperty("bytesServed").GetInt64()), text);
        }
    }

    [Fact]
    public void VeryLongLines_UnderTheLimit_AreReadWhole()
    {
        var agent = string.Concat(Enumerable.Range(0, 40_000).Select(i => i % 7 == 0 ? "\\u00e9" : i % 11 == 0 ? "\\\"" : "abcdefghijklmnopqrstuvwxyz"));
        var expected = agent.Replace("\\u00e9", "é", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal);
        var lines = string.Join("\n", Enumerable.Range(0, 12).Select(i => WithUserAgent("\"" + agent + "\"").Replace("\"r1\"", $"\"r{i}\"", StringComparison.Ordinal)));

        var sink = Read(lines);

        sink.Malformed.ShouldBeEmpty();
        sink.Requests.Count.ShouldBe(12);
        sink.Requests.ShouldAllBe(r => r.UserAgent == expected);
    }
}
