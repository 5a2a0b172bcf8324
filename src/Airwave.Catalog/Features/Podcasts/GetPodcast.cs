using Airwave.Catalog.Data;

namespace Airwave.Catalog.Features.Podcasts;

/// <summary>
/// <c>GET /api/v1/podcasts/{podcastId}</c>: anyone for a published podcast, the owner for a draft. The ETag is what a
/// <c>PATCH</c> sends back in <c>If-Match</c> (<see cref="EntityTags"/>).
/// </summary>
internal static class GetPodcast
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/podcasts/{podcastId:guid}", HandleAsync)
            .AllowAnonymous()
            .WithName("GetPodcast")
            .WithSummary("Get a podcast")
            .WithEntityTag<PodcastResponse>();

    private static async Task<Results<Ok<PodcastResponse>, ProblemHttpResult>> HandleAsync(
        Guid podcastId, ClaimsPrincipal user, HttpRequest http, PodcastStore podcasts, PublicUrls urls, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        return podcast is not null && user.CanView(podcast, now)
            ? TypedResults.Ok(PodcastResponse.From(podcast, user.Manages(podcast), urls, http, now))
            : Problems.NotFound("The podcast");
    }
}
