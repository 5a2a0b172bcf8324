using Airwave.Catalog.Data;

namespace Airwave.Catalog.Features.Podcasts;

/// <summary><c>DELETE /api/v1/podcasts/{podcastId}</c>: removes the podcast and all its episodes.</summary>
internal static class DeletePodcast
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapDelete("/podcasts/{podcastId:guid}", HandleAsync)
            .RequireAuthorization(Policies.Write)
            .WithName("DeletePodcast")
            .WithSummary("Delete a podcast and its episodes");

    private static async Task<Results<NoContent, ProblemHttpResult>> HandleAsync(
        Guid podcastId, ClaimsPrincipal user, PodcastStore podcasts, CatalogChanges changes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        if (user.DenyChange(podcast, now) is { } denied)
        {
            return denied;
        }

        // The stored feed goes with the podcast (foreign key); FeedChanged tells whoever follows the feed that it is gone.
        await changes.CommitAsync(async (connection, transaction) =>
        {
            if (podcast!.IsPublicAt(now))
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, podcastId, now, cancellationToken);
            }

            await PodcastStore.DeleteAsync(connection, transaction, podcastId, cancellationToken);
        }, cancellationToken);
        return TypedResults.NoContent();
    }
}
