namespace Airwave.Delivery.Log;

internal static class DeliveryLogKinds
{
    /// <summary>A stable per-episode URL that answered with a redirect to the file (or with why not).</summary>
    public const string Redirect = "redirect";

    /// <summary>The media origin sending (part of) a file.</summary>
    public const string Origin = "origin";
}

/// <summary>Where a redirect sent the listener.</summary>
internal static class RedirectTargets
{
    public const string Origin = "origin";
    public const string Cdn = "cdn";
    public const string Storage = "storage";
}

/// <summary>Endpoint metadata: requests to this endpoint are logged as <see cref="Kind"/>.</summary>
internal sealed record DeliveryLogMetadata(string Kind, string? EpisodeRouteValue);

/// <summary>What the endpoint learnt about the request while answering it, read when the response has ended.</summary>
internal sealed class DeliveryLogFeature(string kind)
{
    public string Kind { get; } = kind;

    public Guid? EpisodeId { get; set; }

    public string? BlobKey { get; set; }

    public string? Rendition { get; set; }

    public string? RedirectTarget { get; set; }
}

/// <summary>
/// One row of the delivery log: one request for media, redirect or origin, whatever its answer. The input of
/// analytics (IAB-style download counting, geography from <see cref="ClientIp"/>), kept for
/// <see cref="DeliveryOptions.LogRetention"/> only.
/// </summary>
/// <param name="RequestId">The server's request id (problem details' trace_id), or X-Request-Id from a trusted proxy.</param>
/// <param name="OccurredAt">When the request arrived (UTC).</param>
/// <param name="ClientIp">Resolved through the trusted proxies only; operational data, never exposed by the API. Null when unknown.</param>
/// <param name="FirstByte">The offset of the first byte sent: the range start of a 206, 0 for a whole body; null without a body.</param>
/// <param name="BytesServed">Body bytes actually handed to the connection, counted after the response ended (aborted ones too).</param>
/// <param name="ContentLength">The body length the response announced; more than <see cref="BytesServed"/> when the transfer broke off.</param>
/// <param name="Completed">False when the transfer broke off before the announced length was sent.</param>
internal sealed record DeliveryLogEntry(
    Guid Id,
    string RequestId,
    DateTimeOffset OccurredAt,
    string Kind,
    string Method,
    string Path,
    int Status,
    Guid? EpisodeId,
    string? BlobKey,
    string? Rendition,
    string? RedirectTarget,
    string? ClientIp,
    string? UserAgent,
    string? Referer,
    string? RangeHeader,
    long? FirstByte,
    long BytesServed,
    long? ContentLength,
    bool Completed,
    string? PlaybackSessionId,
    int DurationMs);
