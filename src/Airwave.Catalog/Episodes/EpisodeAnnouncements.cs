using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;
using Airwave.Catalog.Features;
using Airwave.Catalog.Features.Feeds;
using Airwave.Core.Events;
using Airwave.Core.Text;
using Airwave.Notifications.Contracts;
using Microsoft.Extensions.Logging;

namespace Airwave.Catalog.Episodes;

/// <summary>
/// Tells WebSub hubs and directories about an episode that went live, through the Notifications module: Catalog
/// knows the podcast and its feed's public URL, Notifications does the sending and keeps the receipts. Idempotent:
/// receipts are unique per event and target, so a redelivered event sends nothing twice.
/// </summary>
internal sealed class EpisodeAnnouncements(
    EpisodeStore episodes,
    PodcastStore podcasts,
    IPublishNotifier notifier,
    PublicUrls urls,
    TimeProvider clock,
    ILogger<EpisodeAnnouncements> logger) : IEventHandler<EpisodeWentLive>
{
    public async Task HandleAsync(EpisodeWentLive @event, CancellationToken cancellationToken)
    {
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, @event.EpisodeId, cancellationToken);
        if (episode is null || podcast is null || !IsLive(podcast, episode, clock.GetUtcNow()))
        {
            // Deleted or taken down before the news went out: the feed no longer carries it.
            logger.LogInformation("Episode {EpisodeId} is no longer live; not announcing it", @event.EpisodeId);
            return;
        }

        if (episode.Premium)
        {
            // Only subscribers' private feeds carry it: hubs and directories hear of it if it is made public.
            logger.LogInformation("Episode {EpisodeId} is premium; not announcing it", @event.EpisodeId);
            return;
        }

        var feedUrl = FeedUrl(urls, podcast.Id, out var problem);
        await notifier.RecordAsync(new PublishAnnouncement(@event.Id, episode.Id, podcast.Id, feedUrl, problem), cancellationToken);
    }

    /// <summary>Seen by the public right now: the podcast is published and the episode's time has come.</summary>
    public static bool IsLive(PodcastRow podcast, EpisodeRow episode, DateTimeOffset now) =>
        podcast.IsPublicAt(now) && episode.IsOutAt(now);

    /// <summary>
    /// The feed's absolute public URL, from Server:PublicBaseUrl; without it there is no request to take the host
    /// from and no public address to announce, and <paramref name="problem"/> says so.
    /// </summary>
    public static string? FeedUrl(PublicUrls urls, Guid podcastId, out string? problem)
    {
        var feedUrl = urls.TryAbsolute(GetRssFeed.PathOf(podcastId));
        problem = feedUrl is null
            ? "Server:PublicBaseUrl is not set, so the server has no public address to announce."
            : WebUrl.Problem(feedUrl) is not null
                ? "Server:PublicBaseUrl is not an absolute http:// or https:// URL, so there is no public address to announce."
                : null;
        return problem is null ? feedUrl : null;
    }
}
