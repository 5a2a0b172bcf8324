using Airwave.Core.Hosting;
using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Airwave.Catalog.Features;
using Airwave.Catalog.Features.Episodes;
using Airwave.Catalog.Features.Podcasts;
using Airwave.Catalog.Features.Import;
using Airwave.Catalog.Import;
using Airwave.Core.Jobs;
using Airwave.Core.Options;
using Airwave.Catalog.Feeds;
using Airwave.Core.Events;
using Airwave.Delivery.Contracts;
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
        services.AddSingleton<SubscriberStore>();
        services.AddSingleton<TakedownStore>();
        services.AddSingleton<IWithheldMedia, Features.Takedowns.WithheldMediaLookup>();
        services.AddSingleton<IContentModeration, Features.Takedowns.ContentModeration>();
        services.AddSingleton<ITakedownRecords, Features.Takedowns.TakedownRecords>();
        services.AddSingleton<IListenableEpisodes, Features.Listening.ListenableEpisodeLookup>();
        services.AddSingleton<PublicCatalogStore>();
        services.AddSingleton<IPublicCatalog, Public.PublicCatalog>();
        services.AddSingleton<IStudioCatalog, Public.StudioCatalog>();
        services.AddSingleton<IStudioEditor, Public.StudioEditor>();
        services.AddSingleton<IStudioSubscribers, Public.StudioSubscribers>();
        services.AddSingleton<ICatalogDirectory, CatalogDirectory>();
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImportOptions>>(new RulesValidator<ImportOptions>(o => o.Validate()));
        services.AddHttpClient(ImportDownloads.ClientName, client => client.DefaultRequestHeaders.UserAgent.ParseAdd("Airwave/1.0 (podcast import)"))
            .ConfigurePrimaryHttpMessageHandler(provider => ImportDownloads.CreateHandler(provider.GetRequiredService<IOptions<ImportOptions>>()));
        services.AddSingleton<ImportStore>();
        services.AddSingleton<ImportDownloads>();
        services.AddSingleton<PodcastImporter>();
        services.AddSingleton<IJobHandler, ImportEpisodeJob>();
        services.AddSingleton<FeedStore>();
        services.AddSingleton<FeedBuilder>();
        services.AddSingleton<FeedCache>();
        services.AddSingleton<FeedMetrics>();
        services.AddSingleton<AnnouncerSignal>();
        services.AddSingleton<CatalogChanges>();
        services.AddRoleService<EpisodeAnnouncer>(ServerRoles.Worker);
        services.AddEventHandler<MediaUploaded, EpisodeMediaEvents>();
        services.AddEventHandler<MediaProcessed, EpisodeMediaEvents>();
        services.AddEventHandler<MediaFailed, EpisodeMediaEvents>();
        services.AddEventHandler<MediaUploadAbandoned, EpisodeMediaEvents>();
        services.AddEventHandler<EpisodeWentLive, EpisodeAnnouncements>();
        services.AddEventHandler<FeedChanged, RebuildFeedOnChange>();
        return services;
    }

    /// <summary>
    /// First in the pipeline: feeds whose current state this process holds are answered from memory before routing
    /// and authentication (feeds are public and precompressed), so serving a popular feed costs almost nothing.
    /// </summary>
    public static IApplicationBuilder UseFeedsFromMemory(this IApplicationBuilder app)
    {
        var services = app.ApplicationServices;
        var cache = services.GetRequiredService<FeedCache>();
        var urls = services.GetRequiredService<PublicUrls>();
        var clock = services.GetRequiredService<TimeProvider>();
        var options = services.GetRequiredService<IOptions<FeedOptions>>().Value;
        var metrics = services.GetRequiredService<FeedMetrics>();
        return app.Use(async (context, next) =>
        {
            if (!await Features.Feeds.GetRssFeed.TryAnswerFromMemoryAsync(context, cache, urls, clock, options, metrics))
            {
                await next(context);
            }
        });
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
        PublishReceipts.Map(episodes);
        EpisodeChapters.Map(episodes);
        Features.Feeds.GetRssFeed.Map(app);
        Features.Feeds.GetPrivateFeed.Map(app);
        Features.Subscribers.Subscribers.Map(app.MapGroup("/api/v1"));
        ImportPodcast.Map(podcasts);
        Features.Takedowns.Takedowns.Map(app.MapGroup("/api/v1/admin").WithTags("Administration"));
        return app;
    }
}
