using Airwave.Catalog.Contracts;
using Airwave.Web.Pages;
using Airwave.Web.Seo;

namespace Airwave.Web.Features;

/// <summary><c>GET /search?q=</c>: public shows whose title contains the text. Results pages are not indexed.</summary>
internal static class SearchPageEndpoint
{
    public const int MaxQueryLength = 200;
    public const int MaxResults = 50;

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/search", HandleAsync).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(string? q, HttpContext http, IPublicCatalog catalog, CancellationToken cancellationToken)
    {
        var query = q?.Trim() ?? "";
        var meta = new PageMeta(query.Length == 0 ? "Search shows" : $"Search: {Texts.Shorten(query, 60)}", "Find a show by its title.",
            http.Absolute("/search")) { NoIndex = true };
        if (query.Length > MaxQueryLength)
        {
            return Site.Render<SearchPage>(http, new
            {
                Meta = meta,
                Query = query[..MaxQueryLength],
                Problem = $"The search text is too long: at most {MaxQueryLength} characters.",
            }, StatusCodes.Status400BadRequest);
        }

        var results = query.Length == 0 ? null : await catalog.SearchPodcastsAsync(query, MaxResults, cancellationToken);
        return Site.Render<SearchPage>(http, new { Meta = meta, Query = query, Results = results });
    }
}
