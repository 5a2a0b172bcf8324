using System.Text.Json;
using Airwave.Core.Data;
using Airwave.Core.Events;
using Airwave.Core.Jobs;
using Airwave.Core.Storage;
using Airwave.Media.Contracts;
using Airwave.Media.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Media.Processing;

/// <summary>
/// The durable job that processes one media asset: runs its profile's pipeline in a scratch folder, stores the
/// outputs under content-addressed keys, then records the result and <see cref="MediaProcessed"/> in one
/// transaction. Until that commit nothing is published, so a crash mid-job leaves nothing half-done and the job
/// simply runs again. The source upload is kept (reprocessing needs it).
/// </summary>
internal sealed class MediaProcessingJob(
    Database database,
    AssetStore assets,
    JobQueue jobs,
    IBlobStore blobs,
    EventOutbox outbox,
    IOptions<MediaOptions> options,
    TimeProvider clock,
    ILogger<MediaProcessingJob> logger) : IJobHandler
{
    public const string Kind = "media.process";

    internal sealed record JobPayload(Guid AssetId, MediaDetails Details);

    public static string Payload(Guid assetId, MediaDetails tags) => JsonSerializer.Serialize(new JobPayload(assetId, tags), MediaJson.Options);

    string IJobHandler.Kind => Kind;

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<JobPayload>(context.Job.Payload, MediaJson.Options)!;
        var asset = await assets.FindAsync(payload.AssetId, cancellationToken)
            ?? throw new PermanentJobFailureException("The media asset no longer exists.");
        var work = Path.Combine(Path.GetTempPath(), "airwave-jobs", context.Job.Id.ToString("N"));
        try
        {
            Directory.CreateDirectory(work);
            var source = blobs.LocalPath(asset.SourceKey!);
            if (source is null)
            {
                context.Report("fetching source", 0);
                source = Path.Combine(work, "source");
                await blobs.DownloadToFileAsync(asset.SourceKey!, source, cancellationToken);
            }

            var cover = await CoverFileAsync(payload.Details.CoverKey, work, cancellationToken);
            var result = await new PodcastAudioPipeline(options.Value).RunAsync(source, cover, work, payload.Details,
                (step, percent) => context.Report(step, percent), cancellationToken);
            var renditions = new List<MediaRendition>();
            foreach (var output in result.Outputs)
            {
                var key = $"media/{output.Sha256}.{output.Extension}";
                await blobs.ImportFileAsync(key, output.LocalPath, output.ContentType, cancellationToken);
                renditions.Add(new MediaRendition(output.Name, key, output.ContentType, output.SizeBytes, output.Sha256, output.BitrateKbps,
                    output.HeaderBytes));
            }

            var now = clock.GetUtcNow();
            await database.InTransactionAsync(async (connection, transaction) =>
            {
                await AssetStore.UpdateResultAsync(connection, transaction, asset with
                {
                    Status = AssetStore.Ready,
                    Error = null,
                    DurationMs = result.DurationMs,
                    Probe = JsonSerializer.Serialize(Describe(result.Probe, result.DurationMs), MediaJson.Options),
                    Loudness = JsonSerializer.Serialize(result.Loudness, MediaJson.Options),
                    Renditions = JsonSerializer.Serialize(renditions, MediaJson.Options),
                    UpdatedAt = now,
                }, cancellationToken);
                await EventOutbox.AppendAsync(connection, transaction, new MediaProcessed(Guid.CreateVersion7(now), now, asset.Id,
                    asset.SubjectKind, asset.SubjectId, result.DurationMs, renditions, result.Loudness), cancellationToken);
                await jobs.CompleteAsync(connection, transaction, context.Job.Id, context.Owner, cancellationToken);
                return 0;
            }, cancellationToken);
            outbox.Wake();
            logger.LogInformation("Processed {AssetId}: {Duration} ms, loudness {Input} → {Output} LUFS", asset.Id, result.DurationMs,
                result.Loudness.InputIntegrated, result.Loudness.OutputIntegrated);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static MediaSource Describe(Ffmpeg.FfprobeReport probe, long durationMs) => new(
        string.Join(",", probe.FormatNames),
        probe.AudioStream?.CodecName,
        probe.AudioStream?.BitRate ?? probe.BitRate,
        probe.AudioStream?.SampleRate,
        probe.AudioStream?.Channels,
        durationMs,
        probe.Tags.All.ToDictionary(t => t.Key.ToLowerInvariant(), t => t.Value),
        probe.HasCoverArt,
        [.. probe.Chapters.Select(c => new MediaChapter((long)c.Start.TotalMilliseconds, (long)c.End.TotalMilliseconds, c.Title))]);

    /// <summary>The 1400 px render of the cover to embed (Apple's recommended embedded size), or null.</summary>
    private async Task<string?> CoverFileAsync(string? coverKey, string work, CancellationToken cancellationToken)
    {
        if (coverKey is null)
        {
            return null;
        }

        var key = CoverImages.KeyOf(coverKey, 1400);
        if (blobs.LocalPath(key) is { } local)
        {
            return local;
        }

        if (await blobs.LengthAsync(key, cancellationToken) is null)
        {
            return null;
        }

        var path = Path.Combine(work, "cover.jpg");
        await blobs.DownloadToFileAsync(key, path, cancellationToken);
        return path;
    }

    public async Task OnFailedAsync(JobLease job, string reason, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<JobPayload>(job.Payload, MediaJson.Options)!;
        var asset = await assets.FindAsync(payload.AssetId, cancellationToken);
        if (asset is null)
        {
            return;
        }

        var now = clock.GetUtcNow();
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await AssetStore.UpdateResultAsync(connection, transaction, asset with { Status = AssetStore.Failed, Error = reason, UpdatedAt = now },
                cancellationToken);
            await EventOutbox.AppendAsync(connection, transaction,
                new MediaFailed(Guid.CreateVersion7(now), now, asset.Id, asset.SubjectKind, asset.SubjectId, reason), cancellationToken);
            return 0;
        }, cancellationToken);
        outbox.Wake();
    }
}

/// <summary>Turns a finished upload into a processing job (once, however often the event is delivered).</summary>
internal sealed class QueueProcessingOnUpload(Database database, JobQueue jobs, IOptions<MediaOptions> options) : IEventHandler<MediaUploaded>
{
    public async Task HandleAsync(MediaUploaded @event, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await jobs.EnqueueAsync(connection, null, MediaProcessingJob.Kind, @event.AssetId.ToString(),
            MediaProcessingJob.Payload(@event.AssetId, @event.Details), options.Value.MaxAttempts, cancellationToken);
    }
}
