using System.Text;
using Airwave.Core.Events;

namespace Airwave.Media.Contracts;

/// <summary>What media can belong to. The owning module keeps its own record; Media only knows the kind and id.</summary>
public static class MediaSubjects
{
    public const string Episode = "episode";
}

/// <summary>
/// What the owner knows that processing needs: the tags written into the delivered files (ID3 for MP3, iTunes atoms
/// for AAC), the artwork to embed, and the owner's loudness preferences.
/// </summary>
/// <param name="CoverKey">A stored cover set (see <see cref="CoverImages"/>) to embed as the files' artwork.</param>
/// <param name="Normalize">False keeps the audio's level (it is still measured and reported).</param>
/// <param name="TargetLufs">Integrated loudness target for stereo; mono gets 3 LU less. Null: the server's defaults.</param>
public sealed record MediaDetails(string? Title, string? Artist, string? Album, string? Date, string? Comment, string? CoverKey = null,
    bool Normalize = true, double? TargetLufs = null);

/// <summary>A finished upload: the source file is stored and processing is about to start.</summary>
public sealed record MediaUploaded(Guid Id, DateTimeOffset OccurredAt, Guid AssetId, string SubjectKind, Guid SubjectId, long SizeBytes,
    MediaDetails Details) : IEvent;

/// <summary>An upload that will never finish: it expired, was terminated, or its parts did not add up.</summary>
public sealed record MediaUploadAbandoned(Guid Id, DateTimeOffset OccurredAt, Guid UploadId, string SubjectKind, Guid SubjectId) : IEvent;

/// <summary>One file the pipeline produced.</summary>
/// <param name="Name">"mp3" (the primary enclosure), "aac", "waveform".</param>
/// <param name="Key">Blob key; content-addressed, so it never changes content.</param>
/// <param name="HeaderBytes">For MP3: the length of the ID3 tag before the audio (analytics needs it).</param>
public sealed record MediaRendition(string Name, string Key, string ContentType, long SizeBytes, string Sha256, int? BitrateKbps, long? HeaderBytes);

/// <summary>Loudness before and after normalisation (EBU R128); null where there is nothing to measure (silence).</summary>
/// <param name="Mode">
/// "linear" (one gain for the whole file, the dynamics untouched), "dynamic" (loudnorm adjusted the gain over time
/// because a single gain would have pushed the peaks past the limit), or "none".
/// </param>
public sealed record LoudnessReport(double? InputIntegrated, double? InputTruePeak, double? InputRange, double? OutputIntegrated,
    double? OutputTruePeak, double TargetIntegrated, double TargetTruePeak, bool Normalized, string Mode = "none");

/// <summary>Processing succeeded: every rendition is stored.</summary>
public sealed record MediaProcessed(Guid Id, DateTimeOffset OccurredAt, Guid AssetId, string SubjectKind, Guid SubjectId, long DurationMs,
    IReadOnlyList<MediaRendition> Renditions, LoudnessReport? Loudness) : IEvent;

/// <summary>Processing failed for good; <see cref="Reason"/> is meant for the creator to read.</summary>
public sealed record MediaFailed(Guid Id, DateTimeOffset OccurredAt, Guid AssetId, string SubjectKind, Guid SubjectId, string Reason) : IEvent;

/// <summary>A stored cover set (<see cref="CoverKey"/>), or the reason the picture was refused.</summary>
public sealed record CoverResult(string? CoverKey, bool Cropped, int? OriginalWidth, int? OriginalHeight, string? Problem);

/// <summary>The outcome of asking to start an upload: the upload id, or why not (field → reason).</summary>
/// <param name="Direct">For a direct upload: where to send the parts and how to finish.</param>
public sealed record UploadStart(Guid? UploadId, string? Field, string? Problem, DirectUpload? Direct = null);

/// <summary>
/// A direct-to-storage upload: PUT each part's bytes to its URL (part n holds bytes (n-1)×PartSize onwards), keep each
/// response's ETag header, then POST them to <see cref="CompletePath"/>.
/// </summary>
public sealed record DirectUpload(long PartSize, IReadOnlyList<DirectUploadPart> Parts, string CompletePath, DateTimeOffset ExpiresAt);

public sealed record DirectUploadPart(int PartNumber, string Url);

/// <summary>Where processing of a subject's latest media stands.</summary>
public sealed record MediaStatus(Guid AssetId, string State, string? Step, int Percent, string? Error, int Attempts,
    DateTimeOffset UpdatedAt, LoudnessReport? Loudness, IReadOnlyList<MediaRendition> Renditions, long? DurationMs, MediaSource? Source);

/// <summary>What probing found in the uploaded file (before processing).</summary>
public sealed record MediaSource(string Format, string? Codec, long? BitRate, int? SampleRate, int? Channels, long DurationMs,
    IReadOnlyDictionary<string, string> Tags, bool HasCoverArt, IReadOnlyList<MediaChapter> Chapters);

/// <summary>A chapter found in the source, in milliseconds from the start.</summary>
public sealed record MediaChapter(long StartMs, long EndMs, string? Title);

/// <summary>What owning modules may ask of Media.</summary>
public interface IMediaService
{
    /// <summary>Starts a resumable upload for a subject the caller has already checked the user may change.</summary>
    /// <param name="direct">Upload straight to S3-compatible storage (pre-signed multipart) instead of through tus.</param>
    Task<UploadStart> StartUploadAsync(Guid userId, string subjectKind, Guid subjectId, long length, string? metadataHeader,
        MediaDetails tags, bool direct, CancellationToken cancellationToken);

    /// <summary>
    /// Takes a file the server already has (an imported episode's downloaded audio) as if it had been uploaded: it is
    /// moved into storage as the source of a new asset and processed. Returns the upload id, or why not (too large).
    /// </summary>
    Task<UploadStart> IngestFileAsync(Guid userId, string subjectKind, Guid subjectId, string path, MediaDetails tags,
        CancellationToken cancellationToken);

    /// <summary>True when the storage takes uploads straight from clients (S3-compatible storage).</summary>
    bool SupportsDirectUploads { get; }

    /// <summary>Null when a file of <paramref name="length"/> bytes may be uploaded, otherwise why not.</summary>
    string? UploadSizeProblem(long length);

    /// <summary>The tus URL path of an upload.</summary>
    string UploadPath(Guid uploadId);

    /// <summary>
    /// Answers a tus creation request for a started upload: 201 with Location and the tus headers, after writing
    /// the first bytes when the request carries them (creation-with-upload).
    /// </summary>
    Task<IResult> AnswerCreationAsync(HttpContext http, Guid uploadId, string location, CancellationToken cancellationToken);

    Task<MediaStatus?> GetStatusAsync(Guid assetId, CancellationToken cancellationToken);

    /// <summary>The stored renditions of each asset (one query for a whole feed); assets without any are left out.</summary>
    Task<IReadOnlyDictionary<Guid, IReadOnlyList<MediaRendition>>> GetRenditionsAsync(IReadOnlyCollection<Guid> assetIds,
        CancellationToken cancellationToken);

    /// <summary>
    /// Validates a cover picture by its content (JPEG or PNG, at least 1400 px), crops it to a square and stores
    /// renders at every cover size; the result names the stored set or says why the picture was refused.
    /// </summary>
    Task<CoverResult> StoreCoverAsync(Stream picture, CancellationToken cancellationToken);

    /// <summary>
    /// The waveform peaks of an asset's processed audio (values 0 to 1, up to 1000 of them, see the waveform file),
    /// for players drawing it; null when the asset has no waveform (not processed yet).
    /// </summary>
    Task<IReadOnlyList<double>?> GetWaveformPeaksAsync(Guid assetId, CancellationToken cancellationToken);

    /// <summary>Runs the pipeline again on the stored source; false when it is running already or has no source.</summary>
    Task<bool> ReprocessAsync(Guid assetId, MediaDetails tags, CancellationToken cancellationToken);
}

/// <summary>
/// tus Upload-Metadata: comma-separated "key base64value" pairs (the value may be absent). Owners read it when they
/// accept a tus creation request (for example the file name of a new episode).
/// </summary>
public static class TusMetadata
{
    /// <summary>The pairs, or null when the header is malformed or repeats a key.</summary>
    public static Dictionary<string, string>? Parse(string? header)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(header))
        {
            return metadata;
        }

        foreach (var pair in header.Split(','))
        {
            var parts = pair.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is 0 or > 2 || metadata.ContainsKey(parts[0]))
            {
                return null;
            }

            try
            {
                metadata[parts[0]] = parts.Length == 2 ? Encoding.UTF8.GetString(Convert.FromBase64String(parts[1])) : "";
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return metadata;
    }

    public static string Format(IReadOnlyDictionary<string, string> metadata) =>
        string.Join(',', metadata.Select(m => $"{m.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(m.Value))}"));
}

/// <summary>Where the renders of a stored cover set are served.</summary>
public static class CoverImages
{
    public static readonly IReadOnlyList<int> Sizes = [3000, 1400, 600, 300];

    public static string KeyOf(string coverKey, int size) => $"{coverKey}/{size.ToString(System.Globalization.CultureInfo.InvariantCulture)}.jpg";

    /// <summary>URL paths of each render, by size in pixels ("3000", "1400", "600", "300").</summary>
    public static IReadOnlyDictionary<string, string> Paths(string coverKey) =>
        Sizes.ToDictionary(size => size.ToString(System.Globalization.CultureInfo.InvariantCulture), size => $"/media/{KeyOf(coverKey, size)}");
}
