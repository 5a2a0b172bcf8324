using Airwave.Catalog.Data;
using Airwave.Core.Events;
using Airwave.Media.Contracts;

namespace Airwave.Catalog.Episodes;

/// <summary>
/// Keeps an episode's processed_status in step with its media. Each handler is idempotent (it sets a state, it
/// does not toggle one) and ignores reports about an asset the episode no longer points at.
/// </summary>
internal sealed class EpisodeMediaEvents(EpisodeStore episodes, TimeProvider clock) :
    IEventHandler<MediaUploaded>, IEventHandler<MediaProcessed>, IEventHandler<MediaFailed>, IEventHandler<MediaUploadExpired>
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

    public async Task HandleAsync(MediaUploadExpired @event, CancellationToken cancellationToken)
    {
        if (@event.SubjectKind == MediaSubjects.Episode && await episodes.FindAsync(@event.SubjectId, cancellationToken) is
            { ProcessedStatus: ProcessedStatus.Uploading } episode)
        {
            var status = episode.MediaAssetId is null ? ProcessedStatus.AwaitingUpload : ProcessedStatus.Ready;
            await episodes.SetMediaStateAsync(episode.Id, null, status, null, null, null, null, clock.GetUtcNow(), cancellationToken);
        }
    }
}
