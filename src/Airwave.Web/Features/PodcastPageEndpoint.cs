using System.Globalization;
using Airwave.Catalog.Contracts;
using Airwave.Web.Pages;
using Airwave.Web.Seo;

namespace Airwave.Web.Features;

/// <summary>A way to subscribe: the app's name and the link that opens the feed in it.</summary>
public sealed record SubscribeLink(string Name, string Url);

/// <summary>
/// <c>GET /podcasts/{podcastId}?page=N</c>: a public podcast with its cover, description, subscribe links and its
/// episodes, newest first, <see cref="PageSize"/> to a page. Drafts, unknown podcasts and pages past the last are 404.
/// </summary>
internal static class PodcastPageEndpoint
{
    public const int PageSize = 20;

    public static string PathOf(Guid podcastId, int page = 1) =>
        page == 1 ? PublicPagePaths.Podcast(podcastId) : $"{PublicPagePaths.Podcast(podcastId)}?page={page.ToString(CultureInfo.InvariantCulture)}";

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/podcasts/{podcastId:guid}", HandleAsync).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(Guid podcastId, string? page, HttpContext http, IPublicCatalog catalog,
        CancellationToken cancellationToken)
    {
        var number = 1;
        if (page is not null && (!int.TryParse(page, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number < 1))
        {
            return Site.NotFound(http);
        }

        var podcast = await catalog.FindPodcastAsync(podcastId, cancellationToken);
        var episodes = podcast is null ? null : await catalog.ListEpisodesAsync(podcastId, number, PageSize, cancellationToken);
        var pageCount = Math.Max(1, (int)Math.Ceiling((episodes?.Total ?? 0) / (double)PageSize));
        if (podcast is null || episodes is null || number > pageCount)
        {
            return Site.NotFound(http);
        }

        var feedUrl = http.Absolute(podcast.FeedPath);
        var image = podcast.CoverPaths is { } covers ? http.Absolute(covers["1400"]) : null;
        var pageUrl = http.Absolute(PathOf(podcastId, number));
        var meta = new PageMeta(
            number == 1 ? podcast.Title : $"{podcast.Title} (page {number})",
            Texts.Shorten(podcast.DescriptionText.Length > 0 ? podcast.DescriptionText : $"{podcast.Title}, a podcast by {podcast.Author}."),
            pageUrl)
        {
            ImageUrl = image,
            ImageAlt = $"Cover art of {podcast.Title}",
            FeedUrl = feedUrl,
            FeedTitle = podcast.Title,
            JsonLd = StructuredData.Series(podcast, http.Absolute(PathOf(podcastId)), feedUrl, image),
            PrevUrl = number > 1 ? http.Absolute(PathOf(podcastId, number - 1)) : null,
            NextUrl = number < pageCount ? http.Absolute(PathOf(podcastId, number + 1)) : null,
        };
        return Site.Render<PodcastPage>(http, new
        {
            Meta = meta,
            Podcast = podcast,
            Episodes = episodes,
            FeedUrl = feedUrl,
            SubscribeLinks = SubscribeLinks(feedUrl, podcast.AppLinks),
            PageNumber = number,
            PageCount = pageCount,
        });
    }

    /// <summary>
    /// The show's own pages in apps and directories that the creator set (Apple Podcasts, Spotify, …) first, then the
    /// feed itself, then links that open the feed in apps that subscribe to any feed by its URL (Apple Podcasts takes
    /// it with its podcast: scheme, Overcast and Pocket Casts their own schemes, AntennaPod a web deep link), except
    /// for apps the creator already linked.
    /// </summary>
    internal static IReadOnlyList<SubscribeLink> SubscribeLinks(string feedUrl, IReadOnlyList<PublicAppLink> appLinks)
    {
        var withoutScheme = feedUrl[(feedUrl.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var escaped = Uri.EscapeDataString(feedUrl);
        SubscribeLink[] byFeed =
        [
            new("Apple Podcasts", "podcast://" + withoutScheme),
            new("Overcast", "overcast://x-callback-url/add?url=" + escaped),
            new("Pocket Casts", "pktc://subscribe/" + withoutScheme),
            new("AntennaPod", "https://antennapod.org/deeplink/subscribe?url=" + escaped),
        ];
        return
        [
            .. appLinks.Select(a => new SubscribeLink(a.App, a.Url)),
            new("RSS feed", feedUrl),
            .. byFeed.Where(f => !appLinks.Any(a => a.App == f.Name)),
        ];
    }
}
