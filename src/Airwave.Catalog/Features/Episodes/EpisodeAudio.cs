using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;
using Airwave.Delivery.Contracts;
using Airwave.Media.Contracts;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// <c>GET /api/v1/episodes/{episodeId}/audio</c> (the MP3: the enclosure URL in feeds) and
/// <c>…/audio/aac</c> (the AAC alternate enclosure). Each redirects (302, not cacheable, so every download passes
/// here) to wherever Delivery sends listeners: the content-addressed file on the media origin or the CDN in front of
/// it (signed when a signing key is set), or a pre-signed storage URL. A stable URL per episode lets the file change
/// on reprocessing without breaking feeds. Every request, whatever the answer, goes into the delivery log (its path,
/// never the query). A premium episode's audio answers only the owner and, with <c>?token=</c>, the podcast's active
/// subscribers (the URLs in their private feeds carry it); everyone else gets 404. A taken-down episode, or one of a
/// taken-down show, answers 410 Gone to everyone.
/// </summary>
internal static class EpisodeAudio
{
    private static readonly string[] Renditions = ["mp3", "aac"];

    public static string PathOf(Guid episodeId) => $"/api/v1/episodes/{episodeId}/audio";

    /// <summary>The stable URL path of one rendition: the MP3 at <see cref="PathOf(Guid)"/>, others under it.</summary>
    public static string PathOf(Guid episodeId, string rendition) => rendition == "mp3" ? PathOf(episodeId) : $"{PathOf(episodeId)}/{rendition}";

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapMethods("/episodes/{episodeId:guid}/audio", ["GET", "HEAD"], RedirectMp3Async)
            .AllowAnonymous()
            .WithDeliveryLog(episodeRouteValue: "episodeId")
            .WithName("GetEpisodeAudio")
            .WithSummary("Redirect to the episode's MP3 (the feed's enclosure URL)")
            .Produces(StatusCodes.Status302Found)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);
        api.MapMethods("/episodes/{episodeId:guid}/audio/{rendition}", ["GET", "HEAD"], RedirectAsync)
            .AllowAnonymous()
            .WithDeliveryLog(episodeRouteValue: "episodeId")
            .WithName("GetEpisodeAudioRendition")
            .WithSummary("Redirect to one rendition of the episode's audio: mp3, or aac (the feed's alternate enclosure)")
            .Produces(StatusCodes.Status302Found)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone);
    }

    private static Task<IResult> RedirectMp3Async(Guid episodeId, string? token, ClaimsPrincipal user, HttpContext http, PodcastStore podcasts,
        EpisodeStore episodes, SubscriberStore subscribers, IMediaService media, IMediaDelivery delivery, TimeProvider clock,
        CancellationToken cancellationToken) =>
        RedirectAsync(episodeId, "mp3", token, user, http, podcasts, episodes, subscribers, media, delivery, clock, cancellationToken);

    private static async Task<IResult> RedirectAsync(Guid episodeId, string rendition, string? token, ClaimsPrincipal user, HttpContext http,
        PodcastStore podcasts, EpisodeStore episodes, SubscriberStore subscribers, IMediaService media, IMediaDelivery delivery, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (episode?.TakenDownAt is not null || podcast?.TakenDownAt is not null)
        {
            // Gone for everyone, the owner included (ADR 0018): apps and caches drop the file instead of retrying.
            http.Response.Headers.CacheControl = "no-store";
            return Problems.Gone("This episode was taken down and its audio is no longer available.");
        }

        if (podcast is null || !await PrivateFeedTokens.AllowsAsync(user, podcast, episode!, token, subscribers, clock.GetUtcNow(), cancellationToken))
        {
            return Problems.NotFound("The episode");
        }

        if (!Renditions.Contains(rendition))
        {
            return Problems.NotFound($"The audio rendition '{rendition}' (there are 'mp3' and 'aac')");
        }

        var renditions = episode!.LiveAssetId is { } assetId ? await media.GetRenditionsAsync([assetId], cancellationToken) : null;
        if (renditions?.Values.SingleOrDefault()?.FirstOrDefault(r => r.Name == rendition) is not { } file)
        {
            return Problems.NotFound("The episode's audio");
        }

        var target = await delivery.GetRedirectTargetAsync(http, new DeliveryTarget(file.Key, file.ContentType, file.Name, episodeId), cancellationToken);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Redirect(target);
    }
}
