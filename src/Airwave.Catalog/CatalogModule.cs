using Airwave.Catalog.Data;
using Airwave.Catalog.Features.Episodes;
using Airwave.Catalog.Features.Podcasts;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.Catalog;

/// <summary>Registers the Catalog module: podcasts and episodes.</summary>
public static class CatalogModule
{
    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddSingleton<PodcastStore>();
        services.AddSingleton<EpisodeStore>();
        return services;
    }

    public static IEndpointRouteBuilder MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        var podcasts = app.MapGroup("/api/v1").WithTags("Podcasts");
        CreatePodcast.Map(podcasts);
        ListPodcasts.Map(podcasts);
        GetPodcast.Map(podcasts);
        UpdatePodcast.Map(podcasts);
        DeletePodcast.Map(podcasts);
        PublishPodcast.Map(podcasts);

        var episodes = app.MapGroup("/api/v1").WithTags("Episodes");
        CreateEpisode.Map(episodes);
        ListEpisodes.Map(episodes);
        GetEpisode.Map(episodes);
        UpdateEpisode.Map(episodes);
        DeleteEpisode.Map(episodes);
        PublishEpisode.Map(episodes);
        return app;
    }
}
