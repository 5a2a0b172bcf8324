using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Airwave.Analytics.Counting;
using Airwave.Analytics.Data;

namespace Airwave.Analytics.Import;

/// <summary>
/// Reads the nginx edge's JSON access log (<c>log_format airwave_json</c> in deploy/nginx/nginx.conf.template): one
/// object per line, every value a string. The request's time is when it arrived, <c>msec</c> (when the log line was
/// written, at the end of the response) less <c>request_time</c>, as the delivery log records it; the first byte sent
/// comes from <c>content_range</c> (<c>bytes 100-199/5000</c>) of a 206, else 0.
/// </summary>
internal static class NginxJsonLogReader
{
    public static LogReadSummary Read(Stream stream, IImportSink sink)
    {
        var handler = new Handler(sink);
        var lines = LogLines.Read(stream, ref handler);
        return new LogReadSummary(lines, handler.Malformed);
    }

    private struct Handler(IImportSink sink) : ILineHandler
    {
        public long Malformed;

        public void Line(ReadOnlySpan<byte> line, long lineNumber, byte[] scratch)
        {
            if (line.IsEmpty || line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0)
            {
                return;
            }

            string? problem;
            try
            {
                problem = Parse(line, out var request);
                if (problem is null)
                {
                    sink.Add(request!);
                    return;
                }
            }
            catch (JsonException error)
            {
                problem = "not a JSON object: " + error.Message;
            }

            Malformed++;
            sink.Malformed(lineNumber, problem);
        }

        public void TooLong(long lineNumber)
        {
            Malformed++;
            sink.Malformed(lineNumber, $"the line is longer than {LogLines.MaxLineBytes} bytes");
        }
    }

    /// <summary>Null and the request, or why the line is not one.</summary>
    private static string? Parse(ReadOnlySpan<byte> line, out ImportedRequest? request)
    {
        request = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(line);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "not a JSON object";
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                fields[name] = reader.GetString()!;
            }
            else
            {
                reader.Skip();
            }
        }

        string Field(string name) => fields.GetValueOrDefault(name) ?? "";
        var requestId = Field("request_id");
        if (requestId.Length == 0)
        {
            return "request_id is missing";
        }

        if (!decimal.TryParse(Field("msec"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var msec))
        {
            return "msec is not a number of seconds";
        }

        _ = decimal.TryParse(Field("request_time"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var duration);
        if (!int.TryParse(Field("status"), NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            return "status is not a number";
        }

        var bytesText = Field("bytes_served");
        if (!long.TryParse(bytesText.Length == 0 ? "0" : bytesText, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
        {
            return "bytes_served is not a number";
        }

        var path = Field("path");
        var ip = Field("client_ip");
        if (path.Length == 0 || ip.Length == 0 || Field("method").Length == 0)
        {
            return "method, path and client_ip are required";
        }

        var firstByte = 0L;
        var contentRange = Field("content_range");
        if (contentRange.StartsWith("bytes ", StringComparison.Ordinal)
            && Utf8Parser.TryParse(Encoding.ASCII.GetBytes(contentRange[6..]), out long start, out _))
        {
            firstByte = start;
        }

        var arrived = DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round((msec - duration) * 1000m));
        request = new ImportedRequest(requestId, "nginx", arrived, Field("method"), path, status, ip, Empty(Field("user_agent")),
            Empty(Field("referer")), Empty(Field("range")), firstByte, bytes);
        return null;
    }

    private static string? Empty(string value) => value.Length == 0 || value == "-" ? null : value;
}
