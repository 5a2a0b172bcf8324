using System.Security.Claims;
using Airwave.Catalog.Data;
using Airwave.Core.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Airwave.Catalog.Features.Episodes;

/// <summary><c>GET /api/v1/episodes/{episodeId}</c>: anyone for a published episode of a public podcast, else the owner.</summary>
internal static class GetEpisode
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/episodes/{episodeId:guid}", HandleAsync)
            .AllowAnonymous()
            .WithName("GetEpisode")
            .WithSummary("Get an episode");

    private static async Task<Results<Ok<EpisodeResponse>, ProblemHttpResult>> HandleAsync(
        Guid episodeId, ClaimsPrincipal user, PodcastStore podcasts, EpisodeStore episodes, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var episode = await episodes.FindAsync(episodeId, cancellationToken);
        var podcast = episode is null ? null : await podcasts.FindAsync(episode.PodcastId, cancellationToken);
        return podcast is not null && user.CanView(podcast, episode!, now)
            ? TypedResults.Ok(EpisodeResponse.From(episode!, now))
            : Problems.NotFound("The episode");
    }
}
