using Airwave.Catalog.Data;
using Airwave.Core.Events;
using Airwave.Media.Contracts;

namespace Airwave.Catalog.Episodes;

/// <summary>
/// Keeps an episode's processed_status in step with its media. Each handler is idempotent (it sets a state, it
/// does not toggle one) and ignores reports about an asset the episode no longer points at.
/// </summary>
internal sealed class EpisodeMediaEvents(EpisodeStore episodes, IMediaService media, TimeProvider clock) :
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
            await episodes.SetMediaStateAsync(@event.SubjectId, @event.AssetId, ProcessedStatus.Ready, null, null, @event.DurationMs,
                enclosure.SizeBytes, clock.GetUtcNow(), cancellationToken);
            await episodes.GoLiveAsync(@event.SubjectId, @event.AssetId, clock.GetUtcNow(), cancellationToken);
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
