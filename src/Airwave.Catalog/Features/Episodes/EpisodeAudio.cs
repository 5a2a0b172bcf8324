using Airwave.Catalog.Data;
using Airwave.Media.Contracts;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// <c>GET /api/v1/episodes/{episodeId}/audio</c>: the enclosure URL in feeds. Redirects (302, not cacheable, so
/// every download passes here) to the content-addressed MP3 on the media origin. A stable URL per episode lets the
/// file change on reprocessing without breaking feeds; the delivery log is added here by the delivery feature.
/// </summary>
internal static class EpisodeAudio
{
    public static string PathOf(Guid episodeId) => $"/api/v1/episodes/{episodeId}/audio";

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapMethods("/episodes/{episodeId:guid}/audio", ["GET", "HEAD"], RedirectAsync)
            .AllowAnonymous()
            .WithName("GetEpisodeAudio")
            .WithSummary("Redirect to the episode's MP3 (the feed's enclosure URL)");

    private static async Task<IResult> RedirectAsync(Guid episodeId, ClaimsPrincipal user, HttpRequest http, PodcastStore podcasts,
        EpisodeStore episodes, IMediaService media, PublicUrls urls, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (podcast is null || !user.CanView(podcast, episode!, clock.GetUtcNow()))
        {
            return Problems.NotFound("The episode");
        }

        var renditions = episode!.LiveAssetId is { } assetId ? await media.GetRenditionsAsync([assetId], cancellationToken) : null;
        if (renditions?.Values.SingleOrDefault()?.FirstOrDefault(r => r.Name == "mp3") is not { } mp3)
        {
            return Problems.NotFound("The episode's audio");
        }

        http.HttpContext.Response.Headers.CacheControl = "no-store";
        return TypedResults.Redirect(urls.Absolute(http, "/" + mp3.Key));
    }
}
