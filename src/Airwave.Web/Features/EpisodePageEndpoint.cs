using System.Globalization;
using System.Text.Encodings.Web;
using Airwave.Catalog.Contracts;
using Airwave.Web.Pages;
using Airwave.Web.Seo;

namespace Airwave.Web.Features;

/// <summary>
/// <c>GET /episodes/{episodeId}</c>: a public episode with its player, chapters, show notes, transcripts and the code
/// to embed its player. <c>GET /embed/episodes/{episodeId}</c>: the player alone, for an iframe on other sites (the
/// only page that may be framed). Drafts, scheduled, premium and unknown episodes are 404.
/// </summary>
internal static class EpisodePageEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/episodes/{episodeId:guid}", PageAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/embed/episodes/{episodeId:guid}", EmbedAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> PageAsync(Guid episodeId, HttpContext http, IPublicCatalog catalog, CancellationToken cancellationToken)
    {
        if (await catalog.FindEpisodeAsync(episodeId, cancellationToken) is not { } detail)
        {
            return Site.NotFound(http);
        }

        var (episode, podcast) = (detail.Episode, detail.Podcast);
        var pageUrl = http.Absolute(PublicPagePaths.Episode(episodeId));
        var audioUrl = episode.AudioPath is null ? null : http.Absolute(episode.AudioPath);
        var image = episode.CoverPaths is { } covers ? http.Absolute(covers["1400"]) : null;
        var embedUrl = http.Absolute(PublicPagePaths.Embed(episodeId));
        var meta = new PageMeta(
            $"{episode.Title} · {podcast.Title}",
            Texts.Shorten(episode.ShowNotesText.Length > 0 ? episode.ShowNotesText : $"{episode.Title}, an episode of {podcast.Title}."),
            pageUrl)
        {
            OgType = "music.song",
            ImageUrl = image,
            ImageAlt = $"Cover art of {episode.Title}",
            FeedUrl = http.Absolute(podcast.FeedPath),
            FeedTitle = podcast.Title,
            JsonLd = StructuredData.Episode(episode, podcast, pageUrl, http.Absolute(PublicPagePaths.Podcast(podcast.Id)), audioUrl, image),
            PlayerUrl = audioUrl is null ? null : embedUrl,
        };
        return Site.Render<EpisodePage>(http, new
        {
            Meta = meta,
            Detail = detail,
            AudioUrl = audioUrl,
            EventsUrl = Site.PlaybackEventsPath,
            EmbedCode = EmbedCode(embedUrl, episode.Title),
        });
    }

    private static async Task<IResult> EmbedAsync(Guid episodeId, HttpContext http, IPublicCatalog catalog, CancellationToken cancellationToken)
    {
        if (await catalog.FindEpisodeAsync(episodeId, cancellationToken) is not { Episode.AudioPath: not null } detail)
        {
            return Site.NotFound(http);
        }

        var episode = detail.Episode;
        var pageUrl = http.Absolute(PublicPagePaths.Episode(episodeId));
        var meta = new PageMeta($"{episode.Title} · {detail.Podcast.Title}", Texts.Shorten(episode.ShowNotesText), pageUrl) { NoIndex = true };
        return Site.Render<EmbedPage>(http, new
        {
            Meta = meta,
            Detail = detail,
            AudioUrl = http.Absolute(episode.AudioPath!),
            EventsUrl = Site.PlaybackEventsPath,
            EpisodeUrl = pageUrl,
        }, frameable: true);
    }

    /// <summary>The iframe to paste into another page; the title is attribute-encoded, as it is the creator's text.</summary>
    internal static string EmbedCode(string embedUrl, string title) =>
        string.Create(CultureInfo.InvariantCulture,
            $"<iframe src=\"{HtmlEncoder.Default.Encode(embedUrl)}\" title=\"{HtmlEncoder.Default.Encode(title)}\" width=\"100%\" " +
            $"height=\"{PageShell.EmbedHeight}\" style=\"border:0\" loading=\"lazy\"></iframe>");
}
