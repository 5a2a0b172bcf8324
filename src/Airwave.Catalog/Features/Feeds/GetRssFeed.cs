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
            .Produces(StatusCodes.Status200OK, contentType: "application/rss+xml");

    private static async Task<IResult> HandleAsync(Guid podcastId, int? page, HttpContext http, FeedStore store, FeedBuilder builder,
        FeedCache cache, PublicUrls urls, IOptions<FeedOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var number = page ?? 1;
        var baseUrl = urls.BaseOf(http.Request);
        var state = await store.StateAsync(podcastId, baseUrl, number, cancellationToken);
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
        http.Response.Headers.CacheControl = $"public, max-age={(int)options.Value.MaxAge.TotalSeconds}";
        http.Response.Headers.Vary = HeaderNames.AcceptEncoding;
        SetValidators(http.Response, state.Etag, encoding, state.LastModified.Value);
        if (NotModified(http.Request, state.Etag, state.LastModified.Value))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
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
            // Rebuilt since the state was read: describe what is sent.
            SetValidators(http.Response, body.Etag, encoding, body.LastModified);
        }

        http.Response.ContentType = ContentType;
        http.Response.ContentLength = body.Body.Length;
        if (encoding != FeedEncoding.Identity)
        {
            // Set here, the response compression middleware leaves the body alone.
            http.Response.Headers.ContentEncoding = encoding == FeedEncoding.Brotli ? "br" : "gzip";
        }

        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(body.Body, cancellationToken);
        }

        return TypedResults.Empty;
    }

    /// <summary>Brotli or gzip, whichever the client weights higher (Brotli on a tie), or none.</summary>
    internal static FeedEncoding Negotiate(HttpRequest request)
    {
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

    /// <summary>A representation per encoding, so each gets its own strong ETag (RFC 9110 8.8.3).</summary>
    private static string ETagOf(string etag, FeedEncoding encoding) => encoding switch
    {
        FeedEncoding.Brotli => $"\"{etag}-br\"",
        FeedEncoding.Gzip => $"\"{etag}-gzip\"",
        _ => $"\"{etag}\"",
    };

    private static void SetValidators(HttpResponse response, string etag, FeedEncoding encoding, DateTimeOffset lastModified)
    {
        response.Headers.ETag = ETagOf(etag, encoding);
        response.Headers.LastModified = HeaderUtilities.FormatDate(lastModified);
    }

    /// <summary>
    /// If-None-Match wins over If-Modified-Since. A tag of any encoding of the current feed matches: the client's
    /// copy is current whichever encoding it arrived in.
    /// </summary>
    private static bool NotModified(HttpRequest request, string etag, DateTimeOffset lastModified)
    {
        var headers = request.GetTypedHeaders();
        if (headers.IfNoneMatch.Count > 0)
        {
            var current = new[] { FeedEncoding.Identity, FeedEncoding.Gzip, FeedEncoding.Brotli }.Select(e => new EntityTagHeaderValue(ETagOf(etag, e))).ToList();
            return headers.IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || current.Any(c => tag.Compare(c, useStrongComparison: false)));
        }

        // HTTP dates have whole seconds.
        return headers.IfModifiedSince is { } since && lastModified.AddTicks(-(lastModified.Ticks % TimeSpan.TicksPerSecond)) <= since;
    }
}
