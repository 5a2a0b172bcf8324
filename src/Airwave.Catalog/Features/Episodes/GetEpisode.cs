using Airwave.Catalog.Data;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// <c>GET /api/v1/episodes/{episodeId}</c>: anyone for a published episode of a public podcast, else the owner. The ETag
/// is what a <c>PATCH</c> sends back in <c>If-Match</c> (<see cref="EntityTags"/>).
/// </summary>
internal static class GetEpisode
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/episodes/{episodeId:guid}", HandleAsync)
            .AllowAnonymous()
            .WithName("GetEpisode")
            .WithSummary("Get an episode")
            .WithEntityTag<EpisodeResponse>();

    private static async Task<Results<Ok<EpisodeResponse>, ProblemHttpResult>> HandleAsync(
        Guid episodeId, ClaimsPrincipal user, HttpRequest http, PublicUrls urls, PodcastStore podcasts, EpisodeStore episodes, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        return podcast is not null && user.CanView(podcast, episode!, now)
            ? TypedResults.Ok(EpisodeResponse.From(episode!, now, urls, http))
            : Problems.NotFound("The episode");
    }
}
