using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Airwave.Catalog.Features;
using Airwave.Catalog.Features.Episodes;
using Airwave.Catalog.Features.Podcasts;
using Airwave.Catalog.Feeds;
using Airwave.Core.Events;
using Airwave.Media.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Airwave.Catalog;

/// <summary>Registers the Catalog module: podcasts and episodes, their feeds, and announcing episodes that go live.</summary>
public static class CatalogModule
{
    public static IServiceCollection AddCatalog(this IServiceCollection services)
    {
        services.AddOptions<FeedOptions>().BindConfiguration(FeedOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FeedOptions>, FeedOptionsValidator>();
        services.AddSingleton<PodcastStore>();
        services.AddSingleton<EpisodeStore>();
        services.AddSingleton<FeedStore>();
        services.AddSingleton<FeedBuilder>();
        services.AddSingleton<FeedCache>();
        services.AddSingleton<AnnouncerSignal>();
        services.AddSingleton<CatalogChanges>();
        services.AddSingleton<EpisodeAnnouncer>();
        services.AddHostedService(provider => provider.GetRequiredService<EpisodeAnnouncer>());
        services.AddEventHandler<MediaUploaded, EpisodeMediaEvents>();
        services.AddEventHandler<MediaProcessed, EpisodeMediaEvents>();
        services.AddEventHandler<MediaFailed, EpisodeMediaEvents>();
        services.AddEventHandler<MediaUploadAbandoned, EpisodeMediaEvents>();
        services.AddEventHandler<FeedChanged, RebuildFeedOnChange>();
        // Raised here, handled by distribution (directories, hubs): known to the relay even before a handler exists.
        services.AddSingleton(new EventTypeRegistration(typeof(EpisodeWentLive)));
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
        UploadEpisodeMedia.Map(episodes);
        Covers.Map(app.MapGroup("/api/v1"));
        EpisodeProcessing.Map(episodes);
        EpisodeAudio.Map(episodes);
        EpisodeChapters.Map(episodes);
        Features.Feeds.GetRssFeed.Map(app);
        return app;
    }
}
