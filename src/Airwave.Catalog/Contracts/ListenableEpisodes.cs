namespace Airwave.Catalog.Contracts;

/// <summary>An episode someone may report listening to, with what analytics needs to judge the report.</summary>
/// <param name="EpisodeId">The episode.</param>
/// <param name="PodcastId">The podcast it belongs to (listen figures are kept per podcast as well).</param>
/// <param name="DurationSeconds">The live media's duration; null while none is known.</param>
public sealed record ListenableEpisode(Guid EpisodeId, Guid PodcastId, double? DurationSeconds);

/// <summary>
/// What the Analytics module may ask of the Catalog about playback reports: which episode an id or RSS guid names,
/// as far as the caller may know it. An episode the caller may not know (not out yet, its show not public, premium
/// while the caller is not a subscriber) is answered exactly like one that does not exist, so playback reports can
/// never be used to probe for drafts or premium episodes.
/// </summary>
public interface IListenableEpisodes
{
    /// <summary>The episode with this id, if <paramref name="user"/> may listen to it; otherwise null.</summary>
    Task<ListenableEpisode?> FindAsync(Guid episodeId, ClaimsPrincipal user, CancellationToken cancellationToken);

    /// <summary>
    /// The episode whose RSS guid is <paramref name="rssGuid"/>, if <paramref name="user"/> may listen to it. Guids are
    /// unique per podcast only: when several listenable episodes share it, the answer is <see cref="GuidLookup.Ambiguous"/>.
    /// </summary>
    Task<GuidLookup> FindByGuidAsync(string rssGuid, ClaimsPrincipal user, CancellationToken cancellationToken);
}

/// <summary>The answer to a lookup by RSS guid.</summary>
/// <param name="Episode">The one listenable episode with the guid, or null.</param>
/// <param name="Ambiguous">True when more than one listenable episode (of different podcasts) carries the guid.</param>
public sealed record GuidLookup(ListenableEpisode? Episode, bool Ambiguous)
{
    public static GuidLookup None { get; } = new(null, false);
}
