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
        Guid episodeId, ClaimsPrincipal user, PodcastStore podcasts, EpisodeStore episodes, CatalogChanges changes, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (user.DenyChange(podcast, episode, now) is { } denied)
        {
            return denied;
        }

        await changes.CommitAsync(async (connection, transaction) =>
        {
            await EpisodeStore.DeleteAsync(connection, transaction, episodeId, cancellationToken);
            if (CatalogChanges.InFeed(podcast!, episode!, now))
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, podcast!.Id, now, cancellationToken);
            }
        }, cancellationToken);
        return TypedResults.NoContent();
    }
}
