using Airwave.Catalog.Data;

namespace Airwave.Catalog.Features.Episodes;

/// <summary><c>DELETE /api/v1/episodes/{episodeId}</c>.</summary>
internal static class DeleteEpisode
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapDelete("/episodes/{episodeId:guid}", HandleAsync)
            .RequireAuthorization(Policies.Write)
            .WithName("DeleteEpisode")
            .WithSummary("Delete an episode");

    private static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(
        Guid episodeId, ClaimsPrincipal user, PodcastStore podcasts, EpisodeStore episodes, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (user.DenyChange(podcast, episode, clock.GetUtcNow()) is { } denied)
        {
            return denied;
        }

        await episodes.DeleteAsync(episodeId, cancellationToken);
        return TypedResults.NoContent();
    }
}
