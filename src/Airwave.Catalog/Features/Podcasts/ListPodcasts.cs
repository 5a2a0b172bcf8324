using Airwave.Catalog.Data;

namespace Airwave.Catalog.Features.Podcasts;

/// <summary>
/// <c>GET /api/v1/podcasts</c>: published podcasts, most recently published first; with <c>mine=true</c>, the caller's
/// own in any state, newest first.
/// Cursor-paginated: pass <c>next_cursor</c> back as <c>cursor</c>.
/// </summary>
internal static class ListPodcasts
{
    public static void Map(IEndpointRouteBuilder api) =>
        api.MapGet("/podcasts", HandleAsync)
            .AllowAnonymous()
            .WithName("ListPodcasts")
            .WithSummary("List published podcasts, or your own with mine=true");

    private static async Task<Results<Ok<Page<PodcastResponse>>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        bool? mine, int? limit, string? cursor, ClaimsPrincipal user, HttpRequest http, PodcastStore podcasts, PublicUrls urls,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (take, after) = Cursor.Parse(limit, cursor, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        if (mine == true && user.UserId() is null)
        {
            return Problems.Unauthorized("Sign in to list your own podcasts.");
        }

        if (mine == true && !user.HasScope(Scopes.Read))
        {
            return Problems.Forbidden("Listing your own podcasts needs a token with the read scope.");
        }

        var now = clock.GetUtcNow();
        var rows = await podcasts.ListAsync(mine == true ? user.UserId() : null, now, take, after, cancellationToken);
        return TypedResults.Ok(Cursor.ToPage(rows, take, r => r.Position(ownList: mine == true),
            r => PodcastResponse.From(r, user.Manages(r), urls, http, now)));
    }
}
