using System.Text.Json;
using Airwave.Core.Data;
using Airwave.Core.Jobs;
using Airwave.Core.Storage;
using Airwave.Media.Contracts;
using Airwave.Media.Data;
using Airwave.Media.Processing;
using Airwave.Media.Uploads;

namespace Airwave.Media.Features;

/// <summary>The Media module as owning modules see it (<see cref="IMediaService"/>).</summary>
internal sealed class MediaService(UploadService uploads, AssetStore assets, JobQueue jobs, Database database, CoverArt covers,
    DirectUploads direct, IBlobStore blobs, WaveformCache waveforms, Microsoft.Extensions.Options.IOptions<MediaOptions> options,
    TimeProvider clock) : IMediaService
{
    public bool SupportsDirectUploads => direct.Store is not null;

    public async Task<CoverResult> StoreCoverAsync(Stream picture, CancellationToken cancellationToken)
    {
        var result = await covers.StoreAsync(picture, cancellationToken);
        return new CoverResult(result.SetKey, result.Cropped, result.Width, result.Height, result.Problem);
    }

    public Task<UploadStart> StartUploadAsync(Guid userId, string subjectKind, Guid subjectId, long length, string? metadataHeader,
        MediaDetails tags, bool direct, CancellationToken cancellationToken) =>
        direct
            ? uploads.StartDirectAsync(userId, subjectKind, subjectId, length, tags, cancellationToken)
            : uploads.StartAsync(userId, subjectKind, subjectId, length, metadataHeader, tags, cancellationToken);

    public string? UploadSizeProblem(long length) => uploads.SizeProblem(length);

    public Task<UploadStart> IngestFileAsync(Guid userId, string subjectKind, Guid subjectId, string path, MediaDetails tags,
        CancellationToken cancellationToken) => uploads.IngestFileAsync(userId, subjectKind, subjectId, path, tags, cancellationToken);

    public string UploadPath(Guid uploadId) => $"{TusEndpoints.BasePath}/{uploadId}";

    public async Task<IResult> AnswerCreationAsync(HttpContext http, Guid uploadId, string location, CancellationToken cancellationToken)
    {
        TusEndpoints.AddTusHeaders(http.Response);
        var upload = (await uploads.FindOwnedAsync(uploadId, http.User.UserId(), cancellationToken))!;
        http.Response.Headers.Location = location;
        http.Response.Headers[TusProtocol.UploadExpires] = TusProtocol.FormatExpires(upload.ExpiresAt);
        if (http.Request.ContentType?.StartsWith(TusProtocol.OffsetContentType, StringComparison.Ordinal) == true)
        {
            http.Request.Headers[TusProtocol.UploadOffset] = "0";
            var appended = await TusEndpoints.AppendAsync(http, uploads, upload, cancellationToken);
            if (appended is not NoContent)
            {
                return appended;
            }
        }
        else
        {
            http.Response.Headers[TusProtocol.UploadOffset] = upload.UploadOffset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        http.Response.StatusCode = StatusCodes.Status201Created;
        return TypedResults.Empty;
    }

    public async Task<MediaStatus?> GetStatusAsync(Guid assetId, CancellationToken cancellationToken)
    {
        var asset = await assets.FindAsync(assetId, cancellationToken);
        if (asset is null)
        {
            return null;
        }

        var job = await jobs.FindAsync(MediaProcessingJob.Kind, assetId.ToString(), cancellationToken);
        var state = asset.Status == AssetStore.Processing && job?.Status == JobQueue.Queued ? "queued" : asset.Status;
        var percent = asset.Status == AssetStore.Ready ? 100 : job?.Progress ?? 0;
        return new MediaStatus(asset.Id, state, asset.Status == AssetStore.Processing ? job?.Step : null, percent,
            asset.Error ?? (asset.Status == AssetStore.Processing ? job?.LastError : null), job?.Attempts ?? 0,
            Later(asset.UpdatedAt, job?.UpdatedAt),
            asset.Loudness is null ? null : JsonSerializer.Deserialize<LoudnessReport>(asset.Loudness, MediaJson.Options),
            asset.Renditions is null ? [] : JsonSerializer.Deserialize<List<MediaRendition>>(asset.Renditions, MediaJson.Options)!,
            asset.DurationMs,
            asset.Probe is null ? null : JsonSerializer.Deserialize<MediaSource>(asset.Probe, MediaJson.Options));
    }

    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<MediaRendition>>> GetRenditionsAsync(IReadOnlyCollection<Guid> assetIds,
        CancellationToken cancellationToken) =>
        (await assets.RenditionsAsync(assetIds, cancellationToken))
            .Where(a => a.Value is not null)
            .ToDictionary(a => a.Key, a => (IReadOnlyList<MediaRendition>)JsonSerializer.Deserialize<List<MediaRendition>>(a.Value!, MediaJson.Options)!);

    public async Task<IReadOnlyList<double>?> GetWaveformPeaksAsync(Guid assetId, CancellationToken cancellationToken)
    {
        var renditions = await GetRenditionsAsync([assetId], cancellationToken);
        if (renditions.Values.SingleOrDefault()?.FirstOrDefault(r => r.Name == "waveform") is not { } waveform)
        {
            return null;
        }

        if (waveforms.TryGet(waveform.Key, out var cached))
        {
            return cached;
        }

        await using var stream = await blobs.OpenReadAsync(waveform.Key, cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var peaks = document.RootElement.GetProperty("peaks").EnumerateArray().Select(p => p.GetDouble()).ToArray();
        waveforms.Add(waveform.Key, peaks);
        return peaks;
    }

    public async Task<bool> ReprocessAsync(Guid assetId, MediaDetails tags, CancellationToken cancellationToken)
    {
        var asset = await assets.FindAsync(assetId, cancellationToken);
        if (asset?.SourceKey is null)
        {
            return false;
        }

        return await database.InTransactionAsync(async (connection, transaction) =>
        {
            var payload = MediaProcessingJob.Payload(assetId, tags);
            var requeued = await jobs.RequeueAsync(connection, transaction, MediaProcessingJob.Kind, assetId.ToString(), payload, cancellationToken)
                || await jobs.EnqueueAsync(connection, transaction, MediaProcessingJob.Kind, assetId.ToString(), payload, options.Value.MaxAttempts, cancellationToken);
            if (requeued)
            {
                await AssetStore.UpdateResultAsync(connection, transaction, asset with
                {
                    Status = AssetStore.Processing,
                    Error = null,
                    UpdatedAt = clock.GetUtcNow(),
                }, cancellationToken);
            }

            return requeued;
        }, cancellationToken);
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset? b) => b > a ? b.Value : a;
}
