using Airwave.Accounts.Contracts;
using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;

namespace Airwave.Catalog.Features.Listening;

/// <summary>
/// Answers <see cref="IListenableEpisodes"/>: an episode may be listened to when it is out for listeners (its show
/// public, its publication time passed) and, if premium, the caller manages the show or is signed in with the e-mail
/// address of an active subscriber. The owner's drafts are not listenable: listens are counted from publication on.
/// </summary>
internal sealed class ListenableEpisodeLookup(
    EpisodeStore episodes, PodcastStore podcasts, SubscriberStore subscribers, IUserDirectory users, TimeProvider clock) : IListenableEpisodes
{
    public async Task<ListenableEpisode?> FindAsync(Guid episodeId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        return episode is not null && podcast is not null && await MayListenAsync(user, podcast, episode, cancellationToken)
            ? From(episode)
            : null;
    }

    public async Task<GuidLookup> FindByGuidAsync(string rssGuid, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var found = new List<ListenableEpisode>();
        foreach (var episode in await episodes.FindByGuidAsync(rssGuid, cancellationToken))
        {
            var podcast = await podcasts.FindAsync(episode.PodcastId, cancellationToken);
            if (podcast is not null && await MayListenAsync(user, podcast, episode, cancellationToken))
            {
                found.Add(From(episode));
            }
        }

        return found.Count switch
        {
            0 => GuidLookup.None,
            1 => new GuidLookup(found[0], false),
            _ => new GuidLookup(null, true),
        };
    }

    private async Task<bool> MayListenAsync(ClaimsPrincipal user, PodcastRow podcast, EpisodeRow episode, CancellationToken cancellationToken)
    {
        if (!CatalogAccess.IsOutFor(podcast, episode, clock.GetUtcNow()))
        {
            return false;
        }

        if (!episode.Premium || user.Manages(podcast))
        {
            return true;
        }

        // Subscriptions are held by e-mail address (a private feed URL); a signed-in account with that address is the subscriber.
        return user.UserId() is { } userId
            && await users.FindAsync(userId, cancellationToken) is { } account
            && await subscribers.HasActiveAsync(podcast.Id, account.Email, cancellationToken);
    }

    private static ListenableEpisode From(EpisodeRow episode) =>
        new(episode.Id, episode.PodcastId, episode.DurationMs is { } ms ? ms / 1000.0 : null);
}
