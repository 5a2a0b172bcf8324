using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;
using Airwave.Catalog.Features.Episodes;
using Airwave.Catalog.Feeds;
using Airwave.Catalog.Text;
using Airwave.Media.Contracts;

namespace Airwave.Catalog.Public;

/// <summary>
/// <see cref="IPublicCatalog"/>: the catalog as public pages see it. The visibility rules are the public API's
/// (<see cref="Features.CatalogAccess"/>): a podcast is public once published and its time has come; an episode
/// when, in addition, it is published, its time has come and it is not premium.
/// </summary>
internal sealed class PublicCatalog(PodcastStore podcasts, EpisodeStore episodes, PublicCatalogStore store, IMediaService media,
    TimeProvider clock) : IPublicCatalog
{
    public async Task<IReadOnlyList<PublicPodcast>> RecentPodcastsAsync(int limit, CancellationToken cancellationToken)
    {
        var rows = await podcasts.ListAsync(null, clock.GetUtcNow(), limit, null, cancellationToken);
        return [.. rows.Take(limit).Select(ToPublic)];
    }

    public async Task<IReadOnlyList<PublicPodcast>> SearchPodcastsAsync(string query, int limit, CancellationToken cancellationToken) =>
        [.. (await store.SearchAsync(query.Trim(), clock.GetUtcNow(), limit, cancellationToken)).Select(ToPublic)];

    public async Task<PublicPodcast?> FindPodcastAsync(Guid podcastId, CancellationToken cancellationToken)
    {
        var row = await podcasts.FindAsync(podcastId, cancellationToken);
        return row is not null && row.IsPublicAt(clock.GetUtcNow()) ? ToPublic(row) : null;
    }

    public async Task<PublicEpisodePage?> ListEpisodesAsync(Guid podcastId, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var now = clock.GetUtcNow();
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        if (podcast is null || !podcast.IsPublicAt(now))
        {
            return null;
        }

        var (rows, total) = await store.ListEpisodesAsync(podcastId, now, (int)Math.Min(int.MaxValue, (long)(page - 1) * pageSize), pageSize,
            cancellationToken);
        return new PublicEpisodePage([.. rows.Select(r => ToPublic(r, podcast))], total);
    }

    public async Task<PublicEpisodeDetail?> FindEpisodeAsync(Guid episodeId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var episode = await episodes.FindAsync(episodeId, cancellationToken);
        var podcast = episode is null ? null : await podcasts.FindAsync(episode.PodcastId, cancellationToken);
        if (episode is null || podcast is null || !Features.CatalogAccess.IsOutFor(podcast, episode, now) || episode.Premium)
        {
            return null;
        }

        IReadOnlyList<PublicChapter> chapters = [];
        IReadOnlyList<double>? peaks = null;
        if (episode.LiveAssetId is { } assetId)
        {
            peaks = await media.GetWaveformPeaksAsync(assetId, cancellationToken);
        }

        chapters = [.. (await Features.Episodes.EpisodeChapters.ListAsync(episode, media, cancellationToken))
            .Select(c => new PublicChapter(c.Chapter.StartTime ?? 0, c.Chapter.Title ?? "", c.Chapter.Url))];
        var transcripts = FeedJson.List<TranscriptLink>(episode.Transcripts)
            .Where(t => !string.IsNullOrWhiteSpace(t.Url))
            .Select(t => new PublicTranscript(t.Url!, t.Type, t.Language))
            .ToList();
        return new PublicEpisodeDetail(ToPublic(episode, podcast), ToPublic(podcast), chapters, transcripts, episode.ChaptersUrl, peaks);
    }

    public async Task<IReadOnlyList<PublicPageEntry>> ListPagesAsync(int limit, CancellationToken cancellationToken) =>
        [.. (await store.ListPagesAsync(clock.GetUtcNow(), limit, cancellationToken))
            .Select(p => new PublicPageEntry(p.IsPodcast ? PublicPagePaths.Podcast(p.Id) : PublicPagePaths.Episode(p.Id), p.UpdatedAt))];

    private static PublicPodcast ToPublic(PodcastRow row) => new(
        row.Id,
        row.Title,
        ShowNotes.ToHtml(row.Description),
        ShowNotes.ToPlainText(row.Description),
        row.Author,
        row.Language,
        row.Category,
        row.Subcategory,
        row.Explicit,
        row.WebsiteUrl,
        row.Copyright,
        row.CoverImageKey is null ? null : CoverImages.Paths(row.CoverImageKey),
        Features.Feeds.GetRssFeed.PathOf(row.Id),
        [.. Podcasts.AppLinks.Read(row.AppLinks).Entries.Select(e => new PublicAppLink(e.App, e.Url))],
        row.PublishedAt!.Value,
        row.UpdatedAt);

    private static PublicEpisode ToPublic(EpisodeRow row, PodcastRow podcast) => new(
        row.Id,
        row.PodcastId,
        row.Guid,
        row.Title,
        ShowNotes.ToHtml(row.Description),
        ShowNotes.ToPlainText(row.Description),
        row.SeasonNumber,
        row.EpisodeNumber,
        row.EpisodeType,
        row.Explicit,
        row.PublishedAt!.Value,
        row.DurationMs,
        row.LiveAssetId is null ? null : EpisodeAudio.PathOf(row.Id),
        (row.CoverImageKey ?? podcast.CoverImageKey) is { } cover ? CoverImages.Paths(cover) : null,
        row.UpdatedAt);
}
