using Airwave.Catalog.Contracts;
using Airwave.Web.Pages;
using Airwave.Web.Seo;

namespace Airwave.Web.Features;

/// <summary><c>GET /</c>: the home page, the most recently published shows and the search box.</summary>
internal static class HomePageEndpoint
{
    public const int RecentShows = 24;

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/", HandleAsync).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> HandleAsync(HttpContext http, IPublicCatalog catalog, CancellationToken cancellationToken)
    {
        var recent = await catalog.RecentPodcastsAsync(RecentShows, cancellationToken);
        var meta = new PageMeta(PageMeta.SiteName, "Listen to the podcasts published on this Airwave server, and subscribe in any podcast app.",
            http.Absolute("/"));
        return Site.Render<HomePage>(http, new { Meta = meta, Recent = recent });
    }
}
