using System.Globalization;
using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Airwave.Catalog.Features.Feeds;

/// <summary>
/// <c>GET /rss/{podcastId}</c>: the podcast's RSS feed (published podcasts only), served from the stored build
/// (see <see cref="FeedBuilder"/>) in the encoding the client accepts (Brotli, gzip or none), without building XML or
/// compressing per request. A feed that is not stored yet for this base URL, or is older than the podcast's feed
/// version, is built first. Answers carry a strong ETag (one per encoding) and Last-Modified, so apps and CDNs
/// revalidate with 304s, and may be cached for <see cref="FeedOptions.MaxAge"/>. With <see cref="FeedOptions.PageSize"/>
/// set, <c>?page=N</c> serves the older pages of an RFC 5005 paged feed.
/// </summary>
internal static class GetRssFeed
{
    public const string ContentType = "application/rss+xml; charset=utf-8";

    public static string PathOf(Guid podcastId) => $"/rss/{podcastId}";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapMethods("/rss/{podcastId:guid}", ["GET", "HEAD"], HandleAsync)
            .AllowAnonymous()
            .WithTags("Feeds")
            .WithName("GetRssFeed")
            .WithSummary("The podcast's RSS 2.0 feed (itunes and Podcasting 2.0 namespaces); ?page=N for older pages of a paged feed")
            .Produces(StatusCodes.Status200OK, contentType: "application/rss+xml")
            .ProducesProblem(StatusCodes.Status410Gone);

    private static async Task<IResult> HandleAsync(Guid podcastId, int? page, HttpContext http, FeedStore store, FeedBuilder builder,
        FeedCache cache, PublicUrls urls, IOptions<FeedOptions> options, TimeProvider clock, FeedMetrics metrics, CancellationToken cancellationToken)
    {
        var number = page ?? 1;
        var baseUrl = urls.BaseOf(http.Request);
        var state = await StateAsync(podcastId, baseUrl, number, store, cache, options.Value.PageSize, cancellationToken);
        if (state?.TakenDownAt is not null)
        {
            // 410, not 404: apps and directories drop a feed that is gone for good instead of retrying it (ADR 0018).
            http.Response.Headers.CacheControl = "no-store";
            return Problems.Gone("This podcast was taken down and its feed is no longer available.");
        }

        if (state is null || !(state.PublishedAt <= clock.GetUtcNow()))
        {
            return Problems.NotFound("The feed");
        }

        if (!state.IsFresh(options.Value.PageSize))
        {
            if (!await builder.EnsureFreshAsync(podcastId, baseUrl, cancellationToken))
            {
                return Problems.NotFound("The feed");
            }

            state = await store.StateAsync(podcastId, baseUrl, number, cancellationToken);
        }

        if (state?.Etag is null || state.LastModified is null || number < 1 || number > state.PageCount)
        {
            return number == 1 ? Problems.NotFound("The feed") : Problems.NotFound($"Page {number.ToString(CultureInfo.InvariantCulture)} of the feed");
        }

        var encoding = Negotiate(http.Request);
        if (NotModified(http.Request, state.Etag, state.LastModified.Value))
        {
            await AnswerAsync(http, options.Value, encoding, state.Etag, state.LastModified.Value, null, cancellationToken);
            metrics.Answered(fromMemory: false, notModified: true);
            return TypedResults.Empty;
        }

        var body = cache.Get(podcastId, baseUrl, number, encoding, state.Etag);
        if (body is null)
        {
            body = await store.BodyAsync(podcastId, baseUrl, number, encoding, cancellationToken);
            if (body is null)
            {
                return Problems.NotFound("The feed");
            }

            cache.Set(podcastId, baseUrl, number, encoding, body);
        }

        // The body's own tag and date: it may have been rebuilt since the state was read.
        await AnswerAsync(http, options.Value, encoding, body.Etag, body.LastModified, body, cancellationToken);
        metrics.Answered(fromMemory: false, notModified: false);
        return TypedResults.Empty;
    }

    /// <summary>
    /// Early in the pipeline (see <see cref="CatalogModule.UseFeedsFromMemory"/>): answers <c>GET</c>/<c>HEAD /rss/{id}</c>
    /// (the first page, no query) when this process holds the feed's current state and, for a 200, its body — the
    /// requests apps and CDNs repeat all day — without routing, authentication or any database work. Anything else
    /// (not cached, a page, a draft show) goes on to the endpoint above. True when answered.
    /// </summary>
    public static async Task<bool> TryAnswerFromMemoryAsync(HttpContext http, FeedCache cache, PublicUrls urls, TimeProvider clock, FeedOptions options,
        FeedMetrics metrics)
    {
        var request = http.Request;
        var path = request.Path.Value;
        if (path is not { Length: 41 } || !path.StartsWith("/rss/", StringComparison.Ordinal) || request.QueryString.HasValue
            || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || !Guid.TryParseExact(path.AsSpan(5), "D", out var podcastId))
        {
            return false;
        }

        var baseUrl = urls.BaseOf(request);
        if (cache.State(podcastId, baseUrl, 1) is not { Etag: { } etag, LastModified: { } lastModified } state || !(state.PublishedAt <= clock.GetUtcNow())
            || state.TakenDownAt is not null)
        {
            return false;
        }

        // The requests apps and CDNs repeat all day are counted by the feed meter alone, not by ASP.NET Core's request
        // duration histogram as well: on this path that recording would cost as much as the answer.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMetricsTagsFeature>() is { } requestMetrics)
        {
            requestMetrics.MetricsDisabled = true;
        }

        var encoding = Negotiate(request);
        if (NotModified(request, etag, lastModified))
        {
            await AnswerAsync(http, options, encoding, etag, lastModified, null, http.RequestAborted);
            metrics.Answered(fromMemory: true, notModified: true);
            return true;
        }

        if (cache.Get(podcastId, baseUrl, 1, encoding, etag) is not { } body)
        {
            return false;
        }

        await AnswerAsync(http, options, encoding, body.Etag, body.LastModified, body, http.RequestAborted);
        metrics.Answered(fromMemory: true, notModified: false);
        return true;
    }

    /// <summary>Writes the answer: a 304 when <paramref name="body"/> is null, otherwise the body in its encoding.</summary>
    private static async Task AnswerAsync(HttpContext http, FeedOptions options, FeedEncoding encoding, string etag, DateTimeOffset lastModified,
        StoredFeedBody? body, CancellationToken cancellationToken)
    {
        var response = http.Response;
        response.Headers.CacheControl = options.CacheControl;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        response.Headers.ETag = ETagOf(etag, encoding);
        response.Headers.LastModified = HeaderUtilities.FormatDate(lastModified);
        if (body is null)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = ContentType;
        response.ContentLength = body.Body.Length;
        if (encoding != FeedEncoding.Identity)
        {
            // Set here, the response compression middleware leaves the body alone.
            response.Headers.ContentEncoding = encoding == FeedEncoding.Brotli ? "br" : "gzip";
        }

        if (!HttpMethods.IsHead(http.Request.Method))
        {
            // The pipe, not the stream: one copy into Kestrel's buffers, sent with the headers when it fits.
            await response.BodyWriter.WriteAsync(body.Body, cancellationToken);
        }
    }

    /// <summary>The feed's state from this process's cache, or from the database (kept when it is a fresh build).</summary>
    private static async Task<StoredFeedState?> StateAsync(Guid podcastId, string baseUrl, int page, FeedStore store, FeedCache cache, int pageSize,
        CancellationToken cancellationToken)
    {
        if (cache.State(podcastId, baseUrl, page) is { } cached)
        {
            return cached;
        }

        var generation = cache.Generation;
        var state = await store.StateAsync(podcastId, baseUrl, page, cancellationToken);
        if (state is { Etag: not null } && state.IsFresh(pageSize))
        {
            cache.SetState(podcastId, baseUrl, page, state, generation);
        }

        return state;
    }

    /// <summary>Brotli or gzip, whichever the client weights higher (Brotli on a tie), or none.</summary>
    internal static FeedEncoding Negotiate(HttpRequest request)
    {
        // The forms apps and browsers send, without parsing.
        switch (request.Headers.AcceptEncoding is { Count: 1 } one ? one[0] : request.Headers.AcceptEncoding.Count == 0 ? "" : null)
        {
            case "":
                return FeedEncoding.Identity;
            case "gzip" or "gzip, deflate" or "deflate, gzip":
                return FeedEncoding.Gzip;
            case "br" or "gzip, deflate, br" or "gzip, deflate, br, zstd" or "br, gzip":
                return FeedEncoding.Brotli;
        }

        var accepted = request.GetTypedHeaders().AcceptEncoding;
        double Weight(string coding)
        {
            var explicitly = accepted.FirstOrDefault(a => string.Equals(a.Value.Value, coding, StringComparison.OrdinalIgnoreCase));
            var any = accepted.FirstOrDefault(a => a.Value.Value == "*");
            var chosen = explicitly ?? any;
            return chosen is null ? 0 : chosen.Quality ?? 1;
        }

        var brotli = Weight("br");
        var gzip = Weight("gzip");
        return brotli <= 0 && gzip <= 0 ? FeedEncoding.Identity : brotli >= gzip ? FeedEncoding.Brotli : FeedEncoding.Gzip;
    }

    /// <summary>True when <paramref name="sent"/> is one of the tags <see cref="ETagOf"/> makes of <paramref name="etag"/>.</summary>
    private static bool IsTagOf(string sent, string etag)
    {
        if (sent.Length < etag.Length + 2 || sent[0] != '"' || sent[^1] != '"' || !sent.AsSpan(1, etag.Length).SequenceEqual(etag))
        {
            return false;
        }

        var suffix = sent.AsSpan(1 + etag.Length, sent.Length - etag.Length - 2);
        return suffix.IsEmpty || suffix.SequenceEqual("-gzip") || suffix.SequenceEqual("-br");
    }

    /// <summary>A representation per encoding, so each gets its own strong ETag (RFC 9110 8.8.3).</summary>
    internal static string ETagOf(string etag, FeedEncoding encoding) => encoding switch
    {
        FeedEncoding.Brotli => $"\"{etag}-br\"",
        FeedEncoding.Gzip => $"\"{etag}-gzip\"",
        _ => $"\"{etag}\"",
    };

    /// <summary>
    /// If-None-Match wins over If-Modified-Since. A tag of any encoding of the current feed matches: the client's
    /// copy is current whichever encoding it arrived in.
    /// </summary>
    internal static bool NotModified(HttpRequest request, string etag, DateTimeOffset? lastModified)
    {
        // The usual revalidation sends back exactly one tag we gave out: compare it as text, without parsing.
        if (request.Headers.IfNoneMatch is { Count: 1 } sent && sent[0] is { } single && !single.Contains(',', StringComparison.Ordinal)
            && !single.StartsWith("W/", StringComparison.Ordinal))
        {
            return single == "*" || IsTagOf(single, etag);
        }

        var headers = request.GetTypedHeaders();
        if (headers.IfNoneMatch.Count > 0)
        {
            var current = new[] { FeedEncoding.Identity, FeedEncoding.Gzip, FeedEncoding.Brotli }.Select(e => new EntityTagHeaderValue(ETagOf(etag, e))).ToList();
            return headers.IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || current.Any(c => tag.Compare(c, useStrongComparison: false)));
        }

        // HTTP dates have whole seconds.
        return headers.IfModifiedSince is { } since && lastModified is { } modified && modified.AddTicks(-(modified.Ticks % TimeSpan.TicksPerSecond)) <= since;
    }
}
