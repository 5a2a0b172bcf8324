namespace Airwave.Catalog.Contracts;

/// <summary>A podcast as other modules need to know it: whose it is (for their own authorisation) and its name.</summary>
public sealed record CatalogPodcast(Guid Id, Guid OwnerId, string Title);

/// <summary>An episode with its podcast and owner.</summary>
public sealed record CatalogEpisode(Guid Id, Guid PodcastId, Guid OwnerId, string Title);

/// <summary>
/// An episode's delivered media, for counting downloads: the assets whose files listeners may be fetching (the live
/// one and the newest, which differ while a replacement is processed) and the audio's length.
/// </summary>
public sealed record CatalogEpisodeMedia(Guid EpisodeId, Guid PodcastId, long? DurationMs, IReadOnlyList<Guid> AssetIds);

/// <summary>Read-only questions other modules (Analytics) ask the Catalog.</summary>
public interface ICatalogDirectory
{
    Task<CatalogPodcast?> FindPodcastAsync(Guid podcastId, CancellationToken cancellationToken);

    Task<CatalogEpisode?> FindEpisodeAsync(Guid episodeId, CancellationToken cancellationToken);

    /// <summary>Titles of the episodes that exist among <paramref name="episodeIds"/>.</summary>
    Task<IReadOnlyDictionary<Guid, string>> EpisodeTitlesAsync(IReadOnlyCollection<Guid> episodeIds, CancellationToken cancellationToken);

    /// <summary>Every episode that has media, in id order.</summary>
    Task<IReadOnlyList<CatalogEpisodeMedia>> ListEpisodeMediaAsync(CancellationToken cancellationToken);
}
