using Airwave.Catalog.Data;
using Airwave.Media.Contracts;
using Microsoft.AspNetCore.Http.Features;

namespace Airwave.Catalog.Features;

/// <summary>
/// <c>PUT /api/v1/podcasts/{podcastId}/cover</c> and <c>PUT /api/v1/episodes/{episodeId}/cover</c>: the picture is
/// the request body (JPEG or PNG, recognised by content, at least 1400×1400 px; up to 20 MB). A picture that is not
/// square is cropped to its centre, and the answer says so. Renders: 3000, 1400, 600 and 300 px JPEGs.
/// </summary>
internal static class Covers
{
    public const long MaxBytes = 20 * 1024 * 1024;

    internal sealed record CoverResponse(string CoverImageUrl, IReadOnlyDictionary<string, string> CoverImages, bool Cropped,
        int OriginalWidth, int OriginalHeight);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPut("/podcasts/{podcastId:guid}/cover", PutPodcastCoverAsync).RequireAuthorization(Policies.Write)
            .WithTags("Podcasts").WithName("SetPodcastCover").WithSummary("Upload the podcast's cover art (JPEG/PNG, at least 1400 px)")
            .Accepts<Stream>("image/jpeg", "image/png");
        api.MapPut("/episodes/{episodeId:guid}/cover", PutEpisodeCoverAsync).RequireAuthorization(Policies.Write)
            .WithTags("Episodes").WithName("SetEpisodeCover").WithSummary("Upload an episode's own cover art (JPEG/PNG, at least 1400 px)")
            .Accepts<Stream>("image/jpeg", "image/png");
    }

    /// <summary>Absolute URLs of a cover set by size, or null when there is no cover.</summary>
    public static IReadOnlyDictionary<string, string>? Urls(string? coverKey, PublicUrls urls, HttpRequest request) =>
        coverKey is null ? null : CoverImages.Paths(coverKey).ToDictionary(p => p.Key, p => urls.Absolute(request, p.Value));

    /// <summary>The absolute URL of the largest render (the 3000 px one feeds point at), or null when there is no cover.</summary>
    public static string? LargestAt(string? coverKey, string baseUrl) =>
        coverKey is null ? null : PublicUrls.Combine(baseUrl, CoverImages.Paths(coverKey)["3000"]);

    private static async Task<Results<Ok<CoverResponse>, ValidationProblem, ProblemHttpResult>> PutPodcastCoverAsync(Guid podcastId,
        HttpRequest http, ClaimsPrincipal user, PodcastStore podcasts, CatalogChanges changes, IMediaService media, PublicUrls urls, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        if (user.DenyChange(podcast, now) is { } denied)
        {
            return denied;
        }

        return await StoreAsync(http, media, urls, key => changes.CommitAsync(async (connection, transaction) =>
        {
            await PodcastStore.SetCoverAsync(connection, transaction, podcastId, key, now, cancellationToken);
            if (podcast!.IsPublicAt(now))
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, podcastId, now, cancellationToken);
            }
        }, cancellationToken), cancellationToken);
    }

    private static async Task<Results<Ok<CoverResponse>, ValidationProblem, ProblemHttpResult>> PutEpisodeCoverAsync(Guid episodeId,
        HttpRequest http, ClaimsPrincipal user, PodcastStore podcasts, EpisodeStore episodes, CatalogChanges changes, IMediaService media,
        PublicUrls urls, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (user.DenyChange(podcast, episode, now) is { } denied)
        {
            return denied;
        }

        return await StoreAsync(http, media, urls, key => changes.CommitAsync(async (connection, transaction) =>
        {
            await EpisodeStore.SetCoverAsync(connection, transaction, episodeId, key, now, cancellationToken);
            if (CatalogChanges.InFeed(podcast!, episode!, now))
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, podcast!.Id, now, cancellationToken);
            }
        }, cancellationToken), cancellationToken);
    }

    private static async Task<Results<Ok<CoverResponse>, ValidationProblem, ProblemHttpResult>> StoreAsync(HttpRequest http, IMediaService media,
        PublicUrls urls, Func<string, Task> save, CancellationToken cancellationToken)
    {
        if (http.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBytes;
        }

        if (http.ContentLength > MaxBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Picture too large",
                detail: $"Covers may be at most {MaxBytes} bytes.");
        }

        var result = await media.StoreCoverAsync(http.Body, cancellationToken);
        if (result.CoverKey is null)
        {
            return Problems.Validation("cover", result.Problem!);
        }

        await save(result.CoverKey);
        var images = Urls(result.CoverKey, urls, http)!;
        return TypedResults.Ok(new CoverResponse(images["3000"], images, result.Cropped, result.OriginalWidth!.Value, result.OriginalHeight!.Value));
    }
}
