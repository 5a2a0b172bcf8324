namespace Airwave.Analytics.Counting;

/// <summary>
/// One logged request as the counting engine reads it (REQUESTS.jsonl in the analytics issue): the text fields are
/// spans over the reader's buffer, valid only during <see cref="IRequestSink.Accept"/>, so a line costs no strings.
/// </summary>
internal ref struct RequestLine
{
    /// <summary>1-based line number in the log, for messages.</summary>
    public long LineNumber;

    /// <summary>Unique per request; a request id seen before is a replay and is ignored.</summary>
    public ReadOnlySpan<byte> RequestId;

    /// <summary>When the request was served, UTC ticks.</summary>
    public long Time;

    public ReadOnlySpan<byte> Method;

    public int Status;

    public ReadOnlySpan<byte> Url;

    /// <summary>The client address as text; parsed (and truncated) by the engine, never kept.</summary>
    public ReadOnlySpan<byte> Ip;

    public ReadOnlySpan<byte> UserAgent;

    public ReadOnlySpan<byte> Referer;

    /// <summary>The Range request header, empty when there was none.</summary>
    public ReadOnlySpan<byte> Range;

    /// <summary>First byte of the file that was sent.</summary>
    public long ServedStart;

    /// <summary>Bytes of the file actually sent: less than asked for when the transfer was aborted.</summary>
    public long BytesServed;
}

/// <summary>Receives the requests a log reader parses.</summary>
internal interface IRequestSink
{
    void Accept(scoped in RequestLine request);

    /// <summary>A line that could not be read as a request; the reader goes on with the next.</summary>
    void Malformed(long lineNumber, string reason);
}

/// <summary>One request as plain values: the model for callers that have objects rather than log bytes (tests, importers).</summary>
public sealed record DownloadRequest(
    string RequestId,
    DateTimeOffset Time,
    string Method,
    int Status,
    string Url,
    string Ip,
    string? UserAgent,
    string? Referer,
    string? Range,
    long ServedStart,
    long BytesServed);

/// <summary>Statistics of one read of a log.</summary>
public sealed record LogReadSummary(long Lines, long Malformed);
