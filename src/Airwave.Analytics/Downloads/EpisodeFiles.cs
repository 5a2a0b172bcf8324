using Airwave.Analytics.Counting;
using Airwave.Catalog.Contracts;
using Airwave.Media.Contracts;

namespace Airwave.Analytics.Downloads;

/// <summary>The episode and podcast a counted file belongs to.</summary>
internal sealed record EpisodeOfFile(Guid EpisodeId, Guid PodcastId);

/// <summary>
/// The counting engine's view of the catalogue: one entry per delivered audio file (an episode's MP3 and AAC, of its
/// live and newest media), matched by its origin path <c>/media/{sha256}.{ext}</c>, which is the same behind any CDN
/// host. A file that two episodes share (the same audio uploaded twice) counts for the episode with the lower id.
/// </summary>
internal sealed class EpisodeFiles
{
    private EpisodeFiles(EpisodeCatalog catalog, Dictionary<string, EpisodeOfFile> owners) => (Catalog, Owners) = (catalog, owners);

    public EpisodeCatalog Catalog { get; }

    /// <summary>By the engine's episode id (the file's path).</summary>
    public Dictionary<string, EpisodeOfFile> Owners { get; }

    public static async Task<EpisodeFiles> LoadAsync(ICatalogDirectory catalog, IMediaService media, CancellationToken cancellationToken)
    {
        var episodes = await catalog.ListEpisodeMediaAsync(cancellationToken);
        var renditions = await media.GetRenditionsAsync([.. episodes.SelectMany(e => e.AssetIds).Distinct()], cancellationToken);
        var files = new List<EpisodeFile>();
        var owners = new Dictionary<string, EpisodeOfFile>(StringComparer.Ordinal);
        foreach (var episode in episodes)
        {
            if (episode.DurationMs is not > 0)
            {
                continue;
            }

            foreach (var assetId in episode.AssetIds)
            {
                foreach (var rendition in renditions.GetValueOrDefault(assetId) ?? [])
                {
                    if (!rendition.Key.StartsWith("media/", StringComparison.Ordinal) || rendition.Key.EndsWith(".json", StringComparison.Ordinal)
                        || rendition.SizeBytes <= 0)
                    {
                        continue;
                    }

                    var path = "/" + rendition.Key;
                    if (!owners.TryAdd(path, new EpisodeOfFile(episode.EpisodeId, episode.PodcastId)))
                    {
                        continue;
                    }

                    var header = rendition.HeaderBytes is { } h && h >= 0 && h < rendition.SizeBytes ? h : 0;
                    files.Add(new EpisodeFile(path, [path], rendition.SizeBytes, header, episode.DurationMs.Value / 1000.0));
                }
            }
        }

        return new EpisodeFiles(new EpisodeCatalog(files), owners);
    }
}
