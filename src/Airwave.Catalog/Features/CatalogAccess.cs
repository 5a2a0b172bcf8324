using Airwave.Catalog.Data;

namespace Airwave.Catalog.Features;

/// <summary>
/// Who may see and change what. The public sees published podcasts and their published episodes; the owner and
/// admins see everything. A caller who may not see a thing gets 404 (its existence is not revealed); one who may
/// see it but not change it gets 403. Seeing drafts needs the read scope; changing needs only the write scope
/// (checked by the endpoint's policy) and ownership.
/// </summary>
internal static class CatalogAccess
{
    public static bool Manages(this ClaimsPrincipal user, PodcastRow podcast) => user.CanManage(podcast.OwnerId);

    public static bool CanView(this ClaimsPrincipal user, PodcastRow podcast, DateTimeOffset now) =>
        podcast.IsPublicAt(now) || (user.HasScope(Scopes.Read) && user.Manages(podcast));

    /// <summary>
    /// The owner sees every episode; the public sees published ones that are not premium (premium episodes reach
    /// listeners only through a subscriber's private feed, see <see cref="IsOutFor"/>).
    /// </summary>
    public static bool CanView(this ClaimsPrincipal user, PodcastRow podcast, EpisodeRow episode, DateTimeOffset now) =>
        (user.HasScope(Scopes.Read) && user.Manages(podcast)) || (IsOutFor(podcast, episode, now) && !episode.Premium);

    /// <summary>Out for its listeners (public ones, or a premium episode's subscribers): the show public, the episode's time come.</summary>
    public static bool IsOutFor(PodcastRow podcast, EpisodeRow episode, DateTimeOffset now) =>
        podcast.IsPublicAt(now) && episode.IsOutAt(now);

    /// <summary>Null when <paramref name="user"/> may change the podcast, otherwise the answer to give.</summary>
    public static ProblemHttpResult? DenyChange(this ClaimsPrincipal user, PodcastRow? podcast, DateTimeOffset now) =>
        podcast is not null && user.Manages(podcast) ? null
        : podcast is not null && podcast.IsPublicAt(now) ? Problems.Forbidden("Only the podcast's owner can change it.")
        : Problems.NotFound("The podcast");

    /// <summary>An episode and the podcast it belongs to; both null when the episode does not exist.</summary>
    public static async Task<(EpisodeRow? Episode, PodcastRow? Podcast)> FindWithPodcastAsync(
        this EpisodeStore episodes, PodcastStore podcasts, Guid episodeId, CancellationToken cancellationToken)
    {
        var episode = await episodes.FindAsync(episodeId, cancellationToken);
        var podcast = episode is null ? null : await podcasts.FindAsync(episode.PodcastId, cancellationToken);
        return (episode, podcast);
    }

    /// <summary>Null when <paramref name="user"/> may change the episode, otherwise the answer to give.</summary>
    public static ProblemHttpResult? DenyChange(this ClaimsPrincipal user, PodcastRow? podcast, EpisodeRow? episode, DateTimeOffset now) =>
        podcast is not null && episode is not null && user.Manages(podcast) ? null
        : podcast is not null && episode is not null && IsOutFor(podcast, episode, now) && !episode.Premium
            ? Problems.Forbidden("Only the podcast's owner can change its episodes.")
        : Problems.NotFound("The episode");
}
