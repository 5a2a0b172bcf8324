using System.Security.Cryptography;
using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;
using Airwave.Catalog.Features.Episodes;
using Airwave.Catalog.Text;
using Airwave.Media.Contracts;
using Airwave.Notifications.Contracts;
using Microsoft.Net.Http.Headers;

namespace Airwave.Catalog.Features.Feeds;

/// <summary>
/// <c>GET /rss/{podcastId}</c>: the podcast's RSS feed (published podcasts only). Answers carry a strong ETag and
/// Last-Modified, so apps and CDNs revalidate with 304s, and may be cached for five minutes; the response is
/// compressed (gzip, brotli) when the client accepts it. Serial shows list episodes by season and number, episodic
/// ones newest first.
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
            .WithSummary("The podcast's RSS 2.0 feed (itunes and Podcasting 2.0 namespaces)")
            .Produces(StatusCodes.Status200OK, contentType: "application/rss+xml");

    private static async Task<IResult> HandleAsync(Guid podcastId, HttpContext http, PodcastStore podcasts, EpisodeStore episodes,
        IMediaService media, IPublishNotifier notifier, PublicUrls urls, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        if (podcast is null || !podcast.IsPublicAt(now))
        {
            return Problems.NotFound("The feed");
        }

        var rows = await episodes.ListLiveAsync(podcastId, now, cancellationToken);
        if (podcast.PodcastType == "serial")
        {
            rows = [.. rows.OrderBy(e => e.SeasonNumber ?? int.MaxValue).ThenBy(e => e.EpisodeNumber ?? int.MaxValue).ThenBy(e => e.PublishedAt)];
        }

        var renditions = await media.GetRenditionsAsync([.. rows.Select(r => r.LiveAssetId!.Value)], cancellationToken);
        var items = rows.Select(row => Item(row, renditions.GetValueOrDefault(row.LiveAssetId!.Value), urls, http.Request))
            .OfType<FeedItem>()
            .ToList();

        // Last-Modified: the latest change to the show, its episodes, or an episode going live.
        var lastModified = new[] { podcast.UpdatedAt }.Concat(rows.Select(r => r.UpdatedAt)).Concat(rows.Select(r => r.PublishedAt!.Value)).Max();
        var feedUrl = urls.Absolute(http.Request, PathOf(podcastId));
        var channel = new FeedChannel(podcast.Title, ShowNotes.ToHtml(podcast.Description), podcast.WebsiteUrl ?? feedUrl, podcast.Language,
            podcast.Copyright, podcast.Author, podcast.OwnerName, podcast.OwnerEmail, podcast.Category, podcast.Subcategory, podcast.Explicit,
            podcast.PodcastType, Covers.Urls(podcast.CoverImageKey, urls, http.Request)?["3000"], feedUrl, lastModified) { Hubs = notifier.WebSubHubs };
        var body = RssFeedWriter.Write(channel, items);

        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"");
        http.Response.Headers.CacheControl = "public, max-age=300";
        http.Response.Headers.ETag = etag.ToString();
        http.Response.Headers.LastModified = HeaderUtilities.FormatDate(lastModified);
        if (NotModified(http.Request, etag, lastModified))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(body, ContentType);
    }

    private static bool NotModified(HttpRequest request, EntityTagHeaderValue etag, DateTimeOffset lastModified)
    {
        var headers = request.GetTypedHeaders();
        if (headers.IfNoneMatch.Count > 0)
        {
            return headers.IfNoneMatch.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(etag, useStrongComparison: false));
        }

        // HTTP dates have whole seconds.
        return headers.IfModifiedSince is { } since && lastModified.AddTicks(-(lastModified.Ticks % TimeSpan.TicksPerSecond)) <= since;
    }

    private static FeedItem? Item(EpisodeRow row, IReadOnlyList<MediaRendition>? renditions, PublicUrls urls, HttpRequest request)
    {
        var mp3 = renditions?.FirstOrDefault(r => r.Name == "mp3");
        if (mp3 is null)
        {
            return null;
        }

        var aac = renditions!.FirstOrDefault(r => r.Name == "aac");
        var html = ShowNotes.ToHtml(row.Description);
        return new FeedItem(row.Guid, row.Title, html.Length > 0 ? html : $"<p>{System.Net.WebUtility.HtmlEncode(row.Title)}</p>", row.PublishedAt!.Value,
            urls.Absolute(request, EpisodeAudio.PathOf(row.Id)), mp3.SizeBytes, mp3.ContentType,
            (long)Math.Round((row.DurationMs ?? 0) / 1000.0), Covers.Urls(row.CoverImageKey, urls, request)?["3000"], row.SeasonNumber,
            row.EpisodeNumber, row.EpisodeType, row.Explicit,
            aac is null ? null : new FeedAlternate(urls.Absolute(request, EpisodeAudio.PathOf(row.Id, aac.Name)), aac.SizeBytes, aac.ContentType, aac.BitrateKbps, aac.Sha256));
    }
}
