using Airwave.Core.Data;
using Dapper;

namespace Airwave.Catalog.Data;

/// <summary>
/// Reads for the public web pages: only public podcasts and their public, non-premium episodes (what is public is
/// <see cref="Visibility"/>'s rule: published, its time come, not taken down). Pages use numbered pages rather than cursors, as people and search
/// engines follow "page 2" links.
/// </summary>
internal sealed class PublicCatalogStore(Database database)
{
    private static readonly string PublicEpisode = Visibility.OutEpisode("") + " AND NOT premium";

    private static readonly string PublicPodcast = Visibility.PublicPodcast("");

    /// <summary>Public podcasts whose title contains <paramref name="text"/>, case-insensitive, most recently published first.</summary>
    public async Task<IReadOnlyList<PodcastRow>> SearchAsync(string text, DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        // LIKE with the wildcards in the text escaped, so "100%" finds "100%" and not everything.
        var pattern = "%" + text.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<PodcastRow>(new CommandDefinition(
            $"""
            SELECT {PodcastStore.Columns} FROM podcasts
            WHERE {PublicPodcast} AND LOWER(title) LIKE @pattern ESCAPE '\'
            ORDER BY published_at DESC, id DESC LIMIT @limit
            """, new { now, pattern, limit }, cancellationToken: cancellationToken))];
    }

    /// <summary>One page of a podcast's public episodes, newest first, with the count of all of them.</summary>
    public async Task<(IReadOnlyList<EpisodeRow> Rows, int Total)> ListEpisodesAsync(Guid podcastId, DateTimeOffset now, int skip, int take,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM episodes WHERE podcast_id = @podcastId AND {PublicEpisode}", new { podcastId, now },
            cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<EpisodeRow>(new CommandDefinition(
            $"""
            SELECT {EpisodeStore.Columns} FROM episodes
            WHERE podcast_id = @podcastId AND {PublicEpisode}
            ORDER BY published_at DESC, id DESC LIMIT @take OFFSET @skip
            """, new { podcastId, now, take, skip }, cancellationToken: cancellationToken));
        return ([.. rows], (int)total);
    }

    /// <summary>Every public podcast and episode with when it last changed, podcasts first, up to <paramref name="limit"/> rows.</summary>
    public async Task<IReadOnlyList<(bool IsPodcast, Guid Id, DateTimeOffset UpdatedAt)>> ListPagesAsync(DateTimeOffset now, int limit,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var podcasts = (await connection.QueryAsync<PageRow>(new CommandDefinition(
            $"""
            SELECT id AS Id, updated_at AS UpdatedAt FROM podcasts
            WHERE {PublicPodcast} ORDER BY published_at DESC, id DESC LIMIT @limit
            """, new { now, limit }, cancellationToken: cancellationToken))).ToList();
        var episodes = await connection.QueryAsync<PageRow>(new CommandDefinition(
            $"""
            SELECT e.id AS Id, e.updated_at AS UpdatedAt FROM episodes e JOIN podcasts p ON p.id = e.podcast_id
            WHERE {Visibility.PublicPodcast("p.")} AND {Visibility.OutEpisode("e.")} AND NOT e.premium
            ORDER BY e.published_at DESC, e.id DESC LIMIT @limit
            """, new { now, limit = Math.Max(0, limit - podcasts.Count) }, cancellationToken: cancellationToken));
        return [.. podcasts.Select(p => (true, p.Id, p.UpdatedAt)), .. episodes.Select(e => (false, e.Id, e.UpdatedAt))];
    }

    private sealed record PageRow
    {
        public required Guid Id { get; init; }
        public required DateTimeOffset UpdatedAt { get; init; }
    }
}
