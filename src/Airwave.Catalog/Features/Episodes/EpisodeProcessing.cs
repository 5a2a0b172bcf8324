using System.Text.Json;
using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Airwave.Media.Contracts;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// Where an episode's media stands: <c>GET /api/v1/episodes/{episodeId}/processing</c> (JSON),
/// <c>…/processing/events</c> (the same as server-sent events, for a live status in the studio) and
/// <c>POST /api/v1/episodes/{episodeId}/reprocess</c>. For the owner only.
/// </summary>
internal static class EpisodeProcessing
{
    internal sealed record Status(Guid EpisodeId, string ProcessedStatus, string? Step, int Percent, string? Error, int Attempts,
        LoudnessReport? Loudness, IReadOnlyList<MediaRendition> Renditions, long? DurationMs, MediaSource? Source, DateTimeOffset UpdatedAt);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/episodes/{episodeId:guid}/processing", GetAsync).RequireAuthorization(Policies.Read)
            .WithName("GetEpisodeProcessing").WithSummary("Processing state, current step, percent and loudness report");
        api.MapGet("/episodes/{episodeId:guid}/processing/events", StreamAsync).RequireAuthorization(Policies.Read)
            .WithName("StreamEpisodeProcessing").WithSummary("The processing status as server-sent events until it is ready or failed")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        api.MapPost("/episodes/{episodeId:guid}/reprocess", ReprocessAsync).RequireAuthorization(Policies.Write)
            .WithName("ReprocessEpisode").WithSummary("Run the processing pipeline again on the uploaded audio");
    }

    private static async Task<Results<Ok<Status>, ProblemHttpResult>> GetAsync(Guid episodeId, ClaimsPrincipal user, PodcastStore podcasts,
        EpisodeStore episodes, IMediaService media, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (DenyStatus(user, podcast, episode, clock.GetUtcNow()) is { } denied)
        {
            return denied;
        }

        return TypedResults.Ok(await DescribeAsync(episode!, media, cancellationToken));
    }

    private static async Task StreamAsync(Guid episodeId, HttpContext http, ClaimsPrincipal user, PodcastStore podcasts, EpisodeStore episodes,
        IMediaService media, IOptions<JsonOptions> json, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (DenyStatus(user, podcast, episode, clock.GetUtcNow()) is { } denied)
        {
            await denied.ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        string? last = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                episode = await episodes.FindAsync(episodeId, cancellationToken);
                if (episode is null)
                {
                    return;
                }

                var status = await DescribeAsync(episode, media, cancellationToken);
                var data = JsonSerializer.Serialize(status, json.Value.SerializerOptions);
                if (data != last)
                {
                    await http.Response.WriteAsync($"event: status\ndata: {data}\n\n", cancellationToken);
                    await http.Response.Body.FlushAsync(cancellationToken);
                    last = data;
                }

                if (status.ProcessedStatus is ProcessedStatus.Ready or ProcessedStatus.Failed)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), clock, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser went away.
        }
    }

    private static async Task<Results<Accepted<Status>, ProblemHttpResult>> ReprocessAsync(Guid episodeId, ClaimsPrincipal user,
        PodcastStore podcasts, EpisodeStore episodes, IMediaService media, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (user.DenyChange(podcast, episode, now) is { } denied)
        {
            return denied;
        }

        if (episode!.MediaAssetId is not { } assetId)
        {
            return Problems.Conflict("The episode has no uploaded audio to process; upload it first.");
        }

        var tags = new MediaDetails(episode.Title, podcast!.Author, podcast.Title, (episode.PublishedAt ?? now).Year.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
            episode.CoverImageKey ?? podcast.CoverImageKey, podcast.NormalizeLoudness, podcast.LoudnessTargetLufs);
        if (!await media.ReprocessAsync(assetId, tags, cancellationToken))
        {
            return Problems.Conflict("The episode's audio is being processed right now; wait for it to finish.");
        }

        await episodes.SetMediaStateAsync(episode.Id, assetId, ProcessedStatus.Processing, null, null, null, null, now, cancellationToken);
        var updated = (await episodes.FindAsync(episodeId, cancellationToken))!;
        return TypedResults.Accepted($"/api/v1/episodes/{episodeId}/processing", await DescribeAsync(updated, media, cancellationToken));
    }

    /// <summary>Processing details are the owner's business: others get 404, or 403 for an episode they can see.</summary>
    private static ProblemHttpResult? DenyStatus(ClaimsPrincipal user, PodcastRow? podcast, EpisodeRow? episode, DateTimeOffset now) =>
        user.DenyChange(podcast, episode, now) is not { } denied ? null
        : denied.StatusCode == StatusCodes.Status403Forbidden ? Problems.Forbidden("Only the podcast's owner can see how its episodes are processed.")
        : denied;

    private static async Task<Status> DescribeAsync(EpisodeRow episode, IMediaService media, CancellationToken cancellationToken)
    {
        var asset = episode.MediaAssetId is { } assetId ? await media.GetStatusAsync(assetId, cancellationToken) : null;
        // Uploading: the asset (if any) belongs to an earlier upload, so the episode's own state is what counts.
        if (asset is null || episode.ProcessedStatus is ProcessedStatus.Uploading or ProcessedStatus.AwaitingUpload)
        {
            return new Status(episode.Id, episode.ProcessedStatus, null, 0, episode.ProcessingError, 0, null, [], episode.DurationMs, null,
                episode.UpdatedAt);
        }

        return new Status(episode.Id, episode.ProcessedStatus, asset.Step, episode.ProcessedStatus == ProcessedStatus.Ready ? 100 : asset.Percent,
            episode.ProcessingError ?? asset.Error, asset.Attempts, asset.Loudness, asset.Renditions, asset.DurationMs ?? episode.DurationMs,
            asset.Source, asset.UpdatedAt > episode.UpdatedAt ? asset.UpdatedAt : episode.UpdatedAt);
    }
}
