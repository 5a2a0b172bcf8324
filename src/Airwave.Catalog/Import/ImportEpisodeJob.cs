using System.Globalization;
using System.Text.Json;
using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Airwave.Core.Jobs;
using Airwave.Media.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Catalog.Import;

/// <summary>
/// The durable job that brings one imported episode's media: its artwork (if the item has its own), then its audio,
/// downloaded to a scratch file and handed to the processing pipeline as if the creator had uploaded it. Network
/// trouble and server errors are retried with backoff; a missing file (4xx) or one too large fails the episode at
/// once with the reason. Progress (bytes so far) is written to the import item, which the import's status and the
/// CLI's progress bar read.
/// </summary>
internal sealed class ImportEpisodeJob(
    ImportStore imports,
    PodcastStore podcasts,
    EpisodeStore episodes,
    CatalogChanges changes,
    ImportDownloads downloads,
    PodcastImporter importer,
    IMediaService media,
    IOptions<ServerOptions> server,
    TimeProvider clock,
    ILogger<ImportEpisodeJob> logger) : IJobHandler
{
    public const string Kind = "catalog.import-episode";

    /// <summary>How often progress is written while a download runs.</summary>
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    internal sealed record JobPayload(Guid ImportId, Guid EpisodeId);

    public static string Payload(Guid importId, Guid episodeId) => JsonSerializer.Serialize(new JobPayload(importId, episodeId));

    string IJobHandler.Kind => Kind;

    public async Task RunAsync(JobContext context, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<JobPayload>(context.Job.Payload)!;
        var item = await imports.FindItemAsync(payload.ImportId, payload.EpisodeId, cancellationToken);
        var episode = await episodes.FindAsync(payload.EpisodeId, cancellationToken);
        var podcast = episode is null ? null : await podcasts.FindAsync(episode.PodcastId, cancellationToken);

        // Deleted meanwhile, already brought in, or given media by the creator: nothing left to do.
        if (item is null || podcast is null || item.State == ImportItemStates.Stored || episode!.ProcessedStatus != ProcessedStatus.AwaitingUpload)
        {
            return;
        }

        if (item.ImageUrl is not null && episode.CoverImageKey is null)
        {
            var warnings = new List<string>();
            if (await importer.CoverAsync(item.ImageUrl, $"The artwork of \"{episode.Title}\"", warnings, cancellationToken) is { } coverKey)
            {
                // Before the audio is processed the episode is in no feed, so this changes no feed.
                await changes.CommitAsync((connection, transaction) =>
                    EpisodeStore.SetCoverAsync(connection, transaction, episode.Id, coverKey, clock.GetUtcNow(), cancellationToken), cancellationToken);
                episode = episode with { CoverImageKey = coverKey };
            }

            foreach (var warning in warnings)
            {
                logger.LogInformation("Import {ImportId}: {Warning}", item.ImportId, warning);
            }
        }

        // Under the data folder: on the same disk as the upload area, so handing the file over is a rename.
        var folder = Path.Combine(Path.GetFullPath(server.Value.DataDirectory), "imports");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{context.Job.Id:N}.download");
        try
        {
            await imports.SetItemStateAsync(item.ImportId, episode.Id, ImportItemStates.Downloading, item.BytesTotal, 0, null, clock.GetUtcNow(),
                cancellationToken);
            long? total = item.BytesTotal;
            long written;
            var lastReport = clock.GetUtcNow();
            await using (var output = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                written = await downloads.DownloadAsync(item.AudioUrl, output, long.MaxValue, async (done, length) =>
                {
                    total = length ?? total;
                    if (media.UploadSizeProblem(Math.Max(done, total ?? 0)) is { } tooLarge)
                    {
                        throw new ImportDownloadException($"The audio {tooLarge}.", permanent: true);
                    }

                    context.Report("downloading", total is > 0 ? (int)(done * 100 / total.Value) : null);
                    var now = clock.GetUtcNow();
                    if (now - lastReport >= ProgressInterval)
                    {
                        lastReport = now;
                        await imports.SetItemStateAsync(item.ImportId, episode.Id, ImportItemStates.Downloading, total, done, null, now, cancellationToken);
                    }
                }, cancellationToken);
                await output.FlushAsync(cancellationToken);
            }

            var tags = new MediaDetails(episode.Title, podcast.Author, podcast.Title,
                (episode.PublishedAt ?? clock.GetUtcNow()).Year.ToString(CultureInfo.InvariantCulture), null,
                episode.CoverImageKey ?? podcast.CoverImageKey, podcast.NormalizeLoudness, podcast.LoudnessTargetLufs);
            var started = await media.IngestFileAsync(podcast.OwnerId, MediaSubjects.Episode, episode.Id, file, tags, cancellationToken);
            if (started.UploadId is null)
            {
                throw new ImportDownloadException($"The audio {started.Problem}.", permanent: true);
            }

            await episodes.SetMediaStateAsync(episode.Id, null, ProcessedStatus.Processing, null, null, null, null, clock.GetUtcNow(), cancellationToken);
            await imports.SetItemStateAsync(item.ImportId, episode.Id, ImportItemStates.Stored, written, written, null, clock.GetUtcNow(), cancellationToken);
        }
        catch (ImportDownloadException e)
        {
            await imports.SetItemStateAsync(item.ImportId, episode.Id, ImportItemStates.Pending, item.BytesTotal, 0, e.Message, clock.GetUtcNow(),
                CancellationToken.None);
            if (e.Permanent)
            {
                throw new PermanentJobFailureException(e.Message);
            }

            throw;
        }
        finally
        {
            File.Delete(file);
        }
    }

    public async Task OnFailedAsync(JobLease job, string reason, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<JobPayload>(job.Payload)!;
        var now = clock.GetUtcNow();
        await imports.SetItemStateAsync(payload.ImportId, payload.EpisodeId, ImportItemStates.Failed, null, 0, reason, now, cancellationToken);
        if (await episodes.FindAsync(payload.EpisodeId, cancellationToken) is { ProcessedStatus: ProcessedStatus.AwaitingUpload })
        {
            await episodes.SetMediaStateAsync(payload.EpisodeId, null, ProcessedStatus.Failed,
                $"The imported audio could not be fetched: {reason} Upload the file yourself, or import again later.", null, null, null, now,
                cancellationToken);
        }
    }
}
