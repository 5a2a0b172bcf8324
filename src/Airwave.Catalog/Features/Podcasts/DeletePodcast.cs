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
        Guid podcastId, ClaimsPrincipal user, PodcastStore podcasts, TimeProvider clock, CancellationToken cancellationToken)
    {
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        if (user.DenyChange(podcast, clock.GetUtcNow()) is { } denied)
        {
            return denied;
        }

        await podcasts.DeleteAsync(podcastId, cancellationToken);
        return TypedResults.NoContent();
    }
}
