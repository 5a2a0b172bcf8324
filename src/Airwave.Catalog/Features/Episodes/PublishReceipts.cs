using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Airwave.Notifications.Contracts;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// <c>GET /api/v1/episodes/{episodeId}/publish-receipts</c>: what each WebSub hub and directory was told when the
/// episode went live, and how it answered. <c>POST …/publish-receipts/retry</c> sends the failed (and skipped) ones
/// again. The owner's business only: everyone else gets 404, even for a published episode.
/// </summary>
internal static class PublishReceipts
{
    internal sealed record Response(Guid EpisodeId, IReadOnlyList<PublishReceipt> Receipts);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/episodes/{episodeId:guid}/publish-receipts", GetAsync).RequireAuthorization(Policies.Read)
            .WithName("GetPublishReceipts").WithSummary("What hubs and directories were told when the episode went live, and their answers");
        api.MapPost("/episodes/{episodeId:guid}/publish-receipts/retry", RetryAsync).RequireAuthorization(Policies.Write)
            .WithName("RetryPublishReceipts").WithSummary("Send the failed and skipped notifications again");
    }

    private static async Task<Results<Ok<Response>, ProblemHttpResult>> GetAsync(Guid episodeId, ClaimsPrincipal user, PodcastStore podcasts,
        EpisodeStore episodes, IPublishNotifier notifier, CancellationToken cancellationToken)
    {
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (episode is null || podcast is null || !user.Manages(podcast))
        {
            return Problems.NotFound("The episode");
        }

        return TypedResults.Ok(new Response(episodeId, await notifier.ListAsync(episodeId, cancellationToken)));
    }

    private static async Task<Results<Accepted<Response>, ProblemHttpResult>> RetryAsync(Guid episodeId, ClaimsPrincipal user, PodcastStore podcasts,
        EpisodeStore episodes, IPublishNotifier notifier, PublicUrls urls, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (episode is null || podcast is null || !user.Manages(podcast))
        {
            return Problems.NotFound("The episode");
        }

        if (!EpisodeAnnouncements.IsLive(podcast, episode, clock.GetUtcNow()))
        {
            return Problems.Conflict("The episode is not live (it or its podcast is a draft or scheduled), so there is nothing to announce.", "Not live");
        }

        if (EpisodeAnnouncements.FeedUrl(urls, podcast.Id, out var problem) is not { } feedUrl)
        {
            return Problems.Conflict(problem!, "No public address");
        }

        var result = await notifier.RetryAsync(episodeId, feedUrl, cancellationToken);
        if (result.Busy)
        {
            return Problems.Conflict("A notification is finishing its last attempt right now; try again in a moment.", "Busy");
        }

        if (result.Requeued == 0)
        {
            return Problems.Conflict("No notification of this episode has failed or been skipped; there is nothing to send again.", "Nothing to retry");
        }

        return TypedResults.Accepted($"/api/v1/episodes/{episodeId}/publish-receipts",
            new Response(episodeId, await notifier.ListAsync(episodeId, cancellationToken)));
    }
}
