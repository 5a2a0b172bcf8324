using Airwave.Catalog.Data;

namespace Airwave.Catalog.Features.Podcasts;

/// <summary>
/// <c>POST /api/v1/podcasts/{podcastId}/publish</c> makes a draft podcast public (its page, feed and published
/// episodes); <c>…/unpublish</c> takes it back to draft.
/// </summary>
internal static class PublishPodcast
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/podcasts/{podcastId:guid}/publish", (Guid podcastId, ClaimsPrincipal user, HttpRequest http, PodcastStore podcasts,
                CatalogChanges changes, PublicUrls urls, TimeProvider clock, CancellationToken cancellationToken) =>
                SetPublishedAsync(podcastId, publish: true, user, http, podcasts, changes, urls, clock, cancellationToken))
            .RequireAuthorization(Policies.Write)
            .WithName("PublishPodcast")
            .WithSummary("Make a podcast public");
        api.MapPost("/podcasts/{podcastId:guid}/unpublish", (Guid podcastId, ClaimsPrincipal user, HttpRequest http, PodcastStore podcasts,
                CatalogChanges changes, PublicUrls urls, TimeProvider clock, CancellationToken cancellationToken) =>
                SetPublishedAsync(podcastId, publish: false, user, http, podcasts, changes, urls, clock, cancellationToken))
            .RequireAuthorization(Policies.Write)
            .WithName("UnpublishPodcast")
            .WithSummary("Take a podcast back to draft");
    }

    internal static async Task<Results<Ok<PodcastResponse>, ProblemHttpResult>> SetPublishedAsync(
        Guid podcastId, bool publish, ClaimsPrincipal user, HttpRequest http, PodcastStore podcasts, CatalogChanges changes, PublicUrls urls,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        if (user.DenyChange(podcast, now) is { } denied)
        {
            return denied;
        }

        if (publish && podcast!.TakenDownAt is not null)
        {
            return Episodes.PublishEpisode.TakenDown("podcast", podcast.TakedownKind, podcast.TakedownReason);
        }

        // Publishing twice keeps the first publication time.
        DateTimeOffset? publishedAt = publish ? podcast!.PublishedAt ?? now : null;
        var updated = podcast! with { PublishedAt = publishedAt, UpdatedAt = now };
        var feedChanged = podcast.IsPublicAt(now) != updated.IsPublicAt(now);
        await changes.CommitAsync(async (connection, transaction) =>
        {
            await PodcastStore.UpdateAsync(connection, transaction, updated, ifUpdatedAt: null, cancellationToken);
            if (feedChanged)
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, podcastId, now, cancellationToken);
            }

            if (!publish)
            {
                // The feed goes with the show, at once; nothing stored is served again.
                await FeedStore.DeleteAllAsync(connection, transaction, podcastId, cancellationToken);
            }
        }, cancellationToken);

        // Episodes already published while the show was a draft go live with it: the announcer raises EpisodeWentLive.
        if (publish)
        {
            changes.WakeAnnouncer();
        }

        return TypedResults.Ok(PodcastResponse.From(updated, forManager: true, urls, http, now));
    }
}
