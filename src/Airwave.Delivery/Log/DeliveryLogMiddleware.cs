using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Airwave.Delivery.Log;

/// <summary>
/// Logs requests to endpoints marked for the delivery log (the origin's files, and redirects marked with
/// <see cref="Contracts.DeliveryLogEndpoints.WithDeliveryLog{TBuilder}"/>). It sits after routing, so every other
/// request passes with one metadata lookup. The row is made when the response has ended (OnCompleted), when the bytes
/// actually sent are known, and queued for the batched writer: no database work on the request path.
/// </summary>
internal sealed class DeliveryLogMiddleware(RequestDelegate next, DeliveryLogWriter writer, ClientAddresses clients, TimeProvider clock)
{
    // Header values are cut to these lengths: enough for any real client, and a bound on a row's size.
    private const int MaxUserAgent = 512;
    private const int MaxReferer = 1024;
    private const int MaxRange = 256;
    private const int MaxSessionId = 128;
    private const int MaxRequestId = 128;
    private const int MaxPath = 1024;

    public Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata.GetMetadata<DeliveryLogMetadata>();
        return metadata is null ? next(context) : LogAsync(context, metadata);
    }

    private Task LogAsync(HttpContext context, DeliveryLogMetadata metadata)
    {
        var body = new CountingResponseBody(context.Features.GetRequiredFeature<IHttpResponseBodyFeature>());
        // Left in place afterwards, so bodies written by outer middleware (status code pages) are counted too.
        context.Features.Set<IHttpResponseBodyFeature>(body);
        var feature = new DeliveryLogFeature(metadata.Kind);
        if (metadata.EpisodeRouteValue is { } name && Guid.TryParse(context.GetRouteValue(name) as string, out var episodeId))
        {
            feature.EpisodeId = episodeId;
        }

        context.Features.Set(feature);
        var request = new LoggedRequest(writer, clock, context, body, feature, clients.Resolve(context)?.ToString(), RequestId(context));
        context.Response.OnCompleted(static state => ((LoggedRequest)state).CompleteAsync(), request);
        return next(context);
    }

    private static string? Header(StringValues values, int max) =>
        values.Count == 0 ? null : values.Count == 1 ? Cut(values[0], max) : Cut(values.ToString(), max);

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max];

    /// <summary>
    /// X-Request-Id from a trusted proxy (the nginx edge sends its $request_id, so its log lines and the origin's rows
    /// can be matched); the server's own trace identifier otherwise.
    /// </summary>
    private string RequestId(HttpContext context)
    {
        if (context.Request.Headers["X-Request-Id"] is [{ Length: > 0 and <= MaxRequestId } id]
            && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            && clients.IsFromTrustedProxy(context))
        {
            return id;
        }

        return context.TraceIdentifier;
    }

    /// <summary>Where in the file the body started: the range start of a 206, 0 for a whole 200, otherwise null.</summary>
    private static long? FirstByte(HttpResponse response, long bytes, long? length)
    {
        if (response.StatusCode == StatusCodes.Status206PartialContent)
        {
            var range = response.Headers.ContentRange.ToString();
            var space = range.IndexOf(' ', StringComparison.Ordinal);
            var dash = range.IndexOf('-', StringComparison.Ordinal);
            return space > 0 && dash > space
                && long.TryParse(range.AsSpan(space + 1, dash - space - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                ? start
                : null;
        }

        // Only file bodies have a position in the file; a problem document's first byte is not one.
        return response.StatusCode == StatusCodes.Status200OK && (bytes > 0 || length > 0) ? 0 : null;
    }

    /// <summary>The request's details, captured as it starts, and the row made from them when the response has ended.</summary>
    private sealed class LoggedRequest(DeliveryLogWriter writer, TimeProvider clock, HttpContext context, CountingResponseBody body,
        DeliveryLogFeature feature, string? clientIp, string requestId)
    {
        private readonly DateTimeOffset _startedAt = clock.GetUtcNow();
        private readonly long _startTimestamp = clock.GetTimestamp();
        private readonly string _method = context.Request.Method;
        private readonly string _path = Cut(context.Request.Path.Value, MaxPath) ?? "/";
        private readonly string? _userAgent = Header(context.Request.Headers.UserAgent, MaxUserAgent);
        private readonly string? _referer = Header(context.Request.Headers.Referer, MaxReferer);
        private readonly string? _range = Header(context.Request.Headers.Range, MaxRange);
        private readonly string? _sessionId = Header(context.Request.Headers["X-Playback-Session-Id"], MaxSessionId);

        public Task CompleteAsync()
        {
            var response = context.Response;
            var status = response.StatusCode;
            var bytes = body.Bytes;
            var head = HttpMethods.IsHead(_method);
            long? length = response.ContentLength;
            var bodyExpected = !head && status is not (StatusCodes.Status204NoContent or StatusCodes.Status304NotModified);
            var completed = !bodyExpected
                || (length is { } announced ? bytes >= announced : !body.Failed && !context.RequestAborted.IsCancellationRequested);
            var elapsed = clock.GetElapsedTime(_startTimestamp);
            writer.TryAppend(new DeliveryLogEntry(
                Guid.CreateVersion7(_startedAt),
                requestId,
                _startedAt,
                feature.Kind,
                _method,
                _path,
                status,
                feature.EpisodeId,
                feature.BlobKey,
                feature.Rendition,
                feature.RedirectTarget,
                clientIp,
                _userAgent,
                _referer,
                _range,
                bodyExpected ? FirstByte(response, bytes, length) : null,
                bytes,
                length,
                completed,
                _sessionId,
                (int)Math.Min(int.MaxValue, elapsed.TotalMilliseconds)));
            return Task.CompletedTask;
        }
    }
}
