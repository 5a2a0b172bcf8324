using System.Security.Cryptography;
using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;
using Microsoft.Net.Http.Headers;

namespace Airwave.Catalog.Features.Feeds;

/// <summary>
/// <c>GET /rss/{podcastId}/private/{token}</c>: a premium subscriber's own feed (see <see cref="FeedBuilder.Private"/>):
/// every live episode including premium ones, enclosures that carry the token, <c>itunes:block</c> yes. Built per
/// request (few clients fetch a given private feed); answers carry a strong ETag per encoding and 304 on a match.
/// Unknown, malformed or revoked tokens, and podcasts that are not public, all get the same 404, so the URL tells
/// nothing about whether the podcast exists. Caching: <c>private, no-cache</c> — the app may keep its copy and
/// revalidate, shared caches (CDNs, proxies) must not keep a personal feed — and <c>X-Robots-Tag: noindex</c>.
/// No Last-Modified: the ETag is the validator (a removed episode changes the bytes but not any stored time).
/// </summary>
internal static class GetPrivateFeed
{
    public const string CacheControl = "private, no-cache";

    /// <summary>How often a subscriber's <c>last_fetched_at</c> is written at most: apps poll often, a write each time buys nothing.</summary>
    public static readonly TimeSpan FetchRecordInterval = TimeSpan.FromMinutes(1);

    public static string PathOf(Guid podcastId, string token) => $"/rss/{podcastId}/private/{Uri.EscapeDataString(token)}";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapMethods("/rss/{podcastId:guid}/private/{token}", ["GET", "HEAD"], HandleAsync)
            .AllowAnonymous()
            .WithTags("Feeds")
            .WithName("GetPrivateRssFeed")
            .WithSummary("A premium subscriber's private RSS feed (premium episodes included, itunes:block yes)")
            .Produces(StatusCodes.Status200OK, contentType: "application/rss+xml")
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task<IResult> HandleAsync(Guid podcastId, string token, HttpContext http, PodcastStore podcasts, SubscriberStore subscribers,
        FeedBuilder builder, PublicUrls urls, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        http.Response.Headers["X-Robots-Tag"] = "noindex";
        var subscriber = PrivateFeedTokens.IsWellFormed(token)
            ? await subscribers.FindActiveAsync(podcastId, PrivateFeedTokens.Hash(token), cancellationToken)
            : null;
        var podcast = subscriber is null ? null : await podcasts.FindAsync(podcastId, cancellationToken);
        if (podcast is null || !podcast.IsPublicAt(now))
        {
            return Problems.NotFound("The feed");
        }

        if (!(subscriber!.LastFetchedAt > now - FetchRecordInterval))
        {
            await subscribers.TouchAsync(subscriber.Id, now, now - FetchRecordInterval, cancellationToken);
        }

        var document = await builder.BuildPrivateAsync(podcast, token, urls.BaseOf(http.Request), cancellationToken);
        var etag = Convert.ToHexStringLower(SHA256.HashData(document.Body))[..32];
        var encoding = GetRssFeed.Negotiate(http.Request);
        var response = http.Response;
        response.Headers.CacheControl = CacheControl;
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        response.Headers.ETag = GetRssFeed.ETagOf(etag, encoding);
        if (GetRssFeed.NotModified(http.Request, etag, null))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return TypedResults.Empty;
        }

        var body = encoding switch
        {
            FeedEncoding.Brotli => FeedBuilder.Brotli(document.Body),
            FeedEncoding.Gzip => FeedBuilder.Gzip(document.Body),
            _ => document.Body,
        };
        response.ContentType = GetRssFeed.ContentType;
        response.ContentLength = body.Length;
        if (encoding != FeedEncoding.Identity)
        {
            // Set here, the response compression middleware leaves the body alone.
            response.Headers.ContentEncoding = encoding == FeedEncoding.Brotli ? "br" : "gzip";
        }

        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await response.Body.WriteAsync(body, cancellationToken);
        }

        return TypedResults.Empty;
    }
}
