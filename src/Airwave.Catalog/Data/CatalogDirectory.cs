using Airwave.Catalog.Contracts;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Catalog.Data;

/// <summary>Answers <see cref="ICatalogDirectory"/> from the catalog's tables.</summary>
internal sealed class CatalogDirectory(Database database) : ICatalogDirectory
{
    public async Task<CatalogPodcast?> FindPodcastAsync(Guid podcastId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PodcastInfo>(new CommandDefinition(
            "SELECT id, owner_id, title FROM podcasts WHERE id = @podcastId", new { podcastId }, cancellationToken: cancellationToken));
        return row is null ? null : new CatalogPodcast(row.Id, row.OwnerId, row.Title);
    }

    public async Task<CatalogEpisode?> FindEpisodeAsync(Guid episodeId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<EpisodeInfo>(new CommandDefinition(
            """
            SELECT e.id, e.podcast_id, p.owner_id, e.title FROM episodes e JOIN podcasts p ON p.id = e.podcast_id
            WHERE e.id = @episodeId
            """, new { episodeId }, cancellationToken: cancellationToken));
        return row is null ? null : new CatalogEpisode(row.Id, row.PodcastId, row.OwnerId, row.Title);
    }

    public async Task<IReadOnlyDictionary<Guid, string>> EpisodeTitlesAsync(IReadOnlyCollection<Guid> episodeIds, CancellationToken cancellationToken)
    {
        if (episodeIds.Count == 0)
        {
            return new Dictionary<Guid, string>();
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EpisodeInfo>(new CommandDefinition(
            $"SELECT id, podcast_id, title FROM episodes WHERE {database.Dialect.AnyOf("id", "ids")}",
            new { ids = database.Dialect.IdList(episodeIds) }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Id, r => r.Title);
    }

    public async Task<IReadOnlyList<CatalogEpisodeMedia>> ListEpisodeMediaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EpisodeMediaRow>(new CommandDefinition(
            """
            SELECT id, podcast_id, duration_ms, live_asset_id, media_asset_id FROM episodes
            WHERE live_asset_id IS NOT NULL OR media_asset_id IS NOT NULL ORDER BY id
            """, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new CatalogEpisodeMedia(r.Id, r.PodcastId, r.DurationMs,
            [.. new[] { r.LiveAssetId, r.MediaAssetId }.OfType<Guid>().Distinct()]))];
    }

    private sealed record PodcastInfo
    {
        public Guid Id { get; init; }
        public Guid OwnerId { get; init; }
        public string Title { get; init; } = "";
    }

    private sealed record EpisodeInfo
    {
        public Guid Id { get; init; }
        public Guid PodcastId { get; init; }
        public Guid OwnerId { get; init; }
        public string Title { get; init; } = "";
    }

    private sealed record EpisodeMediaRow
    {
        public Guid Id { get; init; }
        public Guid PodcastId { get; init; }
        public long? DurationMs { get; init; }
        public Guid? LiveAssetId { get; init; }
        public Guid? MediaAssetId { get; init; }
    }
}
