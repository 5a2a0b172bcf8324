using Airwave.Catalog.Data;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// <c>GET /api/v1/podcasts/{podcastId}/episodes</c>: newest first. The public sees published episodes only;
/// the owner sees drafts and scheduled ones too. Cursor-paginated.
/// </summary>
internal static class ListEpisodes
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/podcasts/{podcastId:guid}/episodes", HandleAsync)
            .AllowAnonymous()
            .WithName("ListEpisodes")
            .WithSummary("List a podcast's episodes");

    private static async Task<Results<Ok<Page<EpisodeResponse>>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid podcastId, int? limit, string? cursor, ClaimsPrincipal user, HttpRequest http, PublicUrls urls, PodcastStore podcasts, EpisodeStore episodes,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (take, after) = Cursor.Parse(limit, cursor, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var now = clock.GetUtcNow();
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        if (podcast is null || !user.CanView(podcast, now))
        {
            return Problems.NotFound("The podcast");
        }

        var publishedOnly = !(user.HasScope(Scopes.Read) && user.Manages(podcast));
        var rows = await episodes.ListAsync(podcastId, publishedOnly, now, take, after, cancellationToken);
        return TypedResults.Ok(Cursor.ToPage(rows, take, r => r.Position, r => EpisodeResponse.From(r, now, urls, http)));
    }
}
