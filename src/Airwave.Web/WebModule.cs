using Airwave.Web.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.Web;

/// <summary>
/// Registers the Web module: the server-rendered public site (home, search, podcast and episode pages, the embeddable
/// player, sitemap and robots.txt) and its assets. Pages are Razor components rendered statically on the server
/// (see docs/adr/0017) and the creator studio's pages (docs/adr/0019). JavaScript is used only by the player and the
/// studio's uploads.
/// </summary>
public static class WebModule
{
    public static IServiceCollection AddWeb(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddSingleton<Assets>();
        services.AddAntiforgery();
        // Ahead of the JSON writer that AddProblemDetails registered, which would otherwise answer browsers too.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, HtmlNotFoundWriter>());
        return services;
    }

    public static IEndpointRouteBuilder MapWebEndpoints(this IEndpointRouteBuilder app)
    {
        Assets.Map(app);
        HomePageEndpoint.Map(app);
        SearchPageEndpoint.Map(app);
        PodcastPageEndpoint.Map(app);
        EpisodePageEndpoint.Map(app);
        SitemapEndpoints.Map(app);
        Features.Studio.StudioEndpoints.Map(app);
        Features.Studio.PodcastEditor.Map(app);
        Features.Studio.EpisodeEditor.Map(app);
        Features.Studio.ChapterEditor.Map(app);
        Features.Studio.SubscriberPages.Map(app);
        Features.Studio.AnalyticsDashboard.Map(app);
        Features.Studio.AccountPages.Map(app);
        Features.Admin.AdminPages.Map(app);
        return app;
    }
}
