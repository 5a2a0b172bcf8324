using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// <c>POST /api/v1/episodes/{episodeId}/publish</c>: publish now, or at <c>publish_at</c> (a future time schedules
/// it; a past time back-dates it). Publishing an episode that is already out keeps its date. Only episodes whose
/// media is processed (<c>ready</c>) can be published.
/// <c>…/unpublish</c> returns an episode to draft.
/// An episode that becomes public (published now or back-dated, in a public podcast) is announced with
/// <c>EpisodeWentLive</c> in the same transaction; a scheduled one is announced by <see cref="EpisodeAnnouncer"/>
/// when its time comes. Unpublishing or rescheduling clears the announcement, so the next going live is announced again.
/// </summary>
internal static class PublishEpisode
{
    internal sealed record Request(DateTimeOffset? PublishAt);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/episodes/{episodeId:guid}/publish", PublishAsync)
            .RequireAuthorization(Policies.Write)
            .WithName("PublishEpisode")
            .WithSummary("Publish an episode now or schedule it");
        api.MapPost("/episodes/{episodeId:guid}/unpublish", UnpublishAsync)
            .RequireAuthorization(Policies.Write)
            .WithName("UnpublishEpisode")
            .WithSummary("Return an episode to draft");
    }

    private static async Task<Results<Ok<EpisodeResponse>, ValidationProblem, ProblemHttpResult>> PublishAsync(
        Guid episodeId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] Request? request, ClaimsPrincipal user, HttpRequest http, PublicUrls urls,
        PodcastStore podcasts, EpisodeStore episodes, CatalogChanges changes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (user.DenyChange(podcast, episode, now) is { } denied)
        {
            return denied;
        }

        if (episode!.TakenDownAt is not null)
        {
            return TakenDown("episode", episode.TakedownKind, episode.TakedownReason);
        }

        if (episode.ProcessedStatus != ProcessedStatus.Ready)
        {
            return Problems.Conflict(
                $"The episode's media is not ready (processed_status is '{episode.ProcessedStatus}'). " +
                "Upload its audio and wait for processing to finish, then publish.",
                "Media not ready");
        }

        // Without publish_at: publish now, but an episode that is already out keeps its date (publishing is idempotent).
        var publishAt = request?.PublishAt?.ToUniversalTime() ?? (episode.PublishedAt <= now ? episode.PublishedAt.Value : now);
        var updated = episode with { PublishedAt = publishAt, UpdatedAt = now };
        var feedChanged = (CatalogChanges.InFeed(podcast!, episode, now) || CatalogChanges.InFeed(podcast!, updated, now))
            && updated.PublishedAt != episode.PublishedAt;
        await changes.CommitAsync(async (connection, transaction) =>
        {
            await EpisodeStore.UpdateAsync(connection, transaction, updated, ifUpdatedAt: null, cancellationToken);
            if (publishAt > now)
            {
                await EpisodeStore.ClearAnnouncementAsync(connection, transaction, episodeId, cancellationToken);
            }
            else if (podcast!.IsPublicAt(now))
            {
                await EpisodeAnnouncer.AnnounceAsync(connection, transaction, episodeId, podcast.Id, publishAt, now, cancellationToken);
            }

            if (feedChanged)
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, podcast!.Id, now, cancellationToken);
            }
        }, cancellationToken);
        if (publishAt > now)
        {
            changes.WakeAnnouncer();
        }

        return TypedResults.Ok(EpisodeResponse.From(updated, now, urls, http));
    }

    private static async Task<Results<Ok<EpisodeResponse>, ProblemHttpResult>> UnpublishAsync(
        Guid episodeId, ClaimsPrincipal user, HttpRequest http, PublicUrls urls, PodcastStore podcasts, EpisodeStore episodes, CatalogChanges changes,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (user.DenyChange(podcast, episode, now) is { } denied)
        {
            return denied;
        }

        var updated = episode! with { PublishedAt = null, UpdatedAt = now };
        await changes.CommitAsync(async (connection, transaction) =>
        {
            await EpisodeStore.UpdateAsync(connection, transaction, updated, ifUpdatedAt: null, cancellationToken);
            await EpisodeStore.ClearAnnouncementAsync(connection, transaction, episodeId, cancellationToken);
            if (CatalogChanges.InFeed(podcast!, episode, now))
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, podcast!.Id, now, cancellationToken);
            }
        }, cancellationToken);
        return TypedResults.Ok(EpisodeResponse.From(updated, now, urls, http));
    }

    /// <summary>
    /// 409 for publishing what an admin took down (ADR 0018): it names the kind and the reason, so the owner knows what
    /// to resolve before asking for a restore.
    /// </summary>
    internal static ProblemHttpResult TakenDown(string what, string? kind, string? reason) =>
        Problems.Conflict(
            $"The {what} was taken down by an administrator ({kind}): {reason}. It cannot be published again until an administrator restores it.",
            "Taken down");
}
