using Airwave.Catalog.Data;
using Airwave.Core.Events;
using Airwave.Media.Contracts;

namespace Airwave.Catalog.Episodes;

/// <summary>
/// Keeps an episode's processed_status in step with its media. Each handler is idempotent (it sets a state, it
/// does not toggle one) and ignores reports about an asset the episode no longer points at. Processed media goes
/// live in the same transaction as the state and, for an episode in a public feed, <c>FeedChanged</c>.
/// </summary>
internal sealed class EpisodeMediaEvents(EpisodeStore episodes, PodcastStore podcasts, CatalogChanges changes, IMediaService media, TimeProvider clock) :
    IEventHandler<MediaUploaded>, IEventHandler<MediaProcessed>, IEventHandler<MediaFailed>, IEventHandler<MediaUploadAbandoned>
{
    public async Task HandleAsync(MediaUploaded @event, CancellationToken cancellationToken)
    {
        if (@event.SubjectKind == MediaSubjects.Episode)
        {
            await episodes.SetMediaStateAsync(@event.SubjectId, null, ProcessedStatus.Processing, null, @event.AssetId, null, null,
                clock.GetUtcNow(), cancellationToken);
        }
    }

    public async Task HandleAsync(MediaProcessed @event, CancellationToken cancellationToken)
    {
        if (@event.SubjectKind == MediaSubjects.Episode)
        {
            var enclosure = @event.Renditions.Single(r => r.Name == "mp3");
            var episode = await episodes.FindAsync(@event.SubjectId, cancellationToken);
            var podcast = episode is null ? null : await podcasts.FindAsync(episode.PodcastId, cancellationToken);
            if (episode is null || podcast is null)
            {
                return;
            }

            // Chapters in the source are copied into the delivered files; the feed links them when the episode has none of its own.
            var chapters = (await media.GetStatusAsync(@event.AssetId, cancellationToken))?.Source?.Chapters.Count ?? 0;
            var now = clock.GetUtcNow();
            await changes.CommitAsync(async (connection, transaction) =>
            {
                if (await EpisodeStore.SetMediaStateAsync(connection, transaction, episode.Id, @event.AssetId, ProcessedStatus.Ready, null, null,
                        @event.DurationMs, enclosure.SizeBytes, now, cancellationToken)
                    && await EpisodeStore.GoLiveAsync(connection, transaction, episode.Id, @event.AssetId, chapters, now, cancellationToken))
                {
                    await TakedownStore.WithholdIfTakenDownAsync(connection, transaction, episode.Id, @event.Renditions.Select(r => r.Key), now,
                        cancellationToken);
                    if (podcast.IsPublicAt(now) && episode.IsOutAt(now))
                    {
                        await CatalogChanges.FeedChangedAsync(connection, transaction, podcast.Id, now, cancellationToken);
                    }
                }
            }, cancellationToken);
        }
    }

    public async Task HandleAsync(MediaFailed @event, CancellationToken cancellationToken)
    {
        if (@event.SubjectKind == MediaSubjects.Episode)
        {
            await episodes.SetMediaStateAsync(@event.SubjectId, @event.AssetId, ProcessedStatus.Failed, @event.Reason, null, null, null,
                clock.GetUtcNow(), cancellationToken);
        }
    }

    public async Task HandleAsync(MediaUploadAbandoned @event, CancellationToken cancellationToken)
    {
        if (@event.SubjectKind == MediaSubjects.Episode && await episodes.FindAsync(@event.SubjectId, cancellationToken) is
            { ProcessedStatus: ProcessedStatus.Uploading } episode)
        {
            // Back to where the episode's previous media stands (if it had any).
            var previous = episode.MediaAssetId is { } assetId ? await media.GetStatusAsync(assetId, cancellationToken) : null;
            var (status, error) = previous?.State switch
            {
                "ready" => (ProcessedStatus.Ready, null),
                "failed" => (ProcessedStatus.Failed, previous.Error),
                null => (ProcessedStatus.AwaitingUpload, (string?)null),
                _ => (ProcessedStatus.Processing, null),
            };
            await episodes.SetMediaStateAsync(episode.Id, null, status, error, null, null, null, clock.GetUtcNow(), cancellationToken);
        }
    }
}
