namespace Airwave.Core.Storage;

/// <summary>One part of a direct upload, as the storage acknowledged it (the ETag its PUT returned).</summary>
public sealed record UploadedPart(int PartNumber, string ETag);

/// <summary>
/// Storage that accepts files straight from clients, so large uploads never pass through Airwave's servers:
/// S3 multipart uploads with a pre-signed URL for each part. Local disk storage does not offer it (tus does the job).
/// </summary>
public interface IDirectUploadStore
{
    /// <summary>The size of every part but the last; S3 wants at least 5 MiB.</summary>
    long PartSize { get; }

    /// <summary>Starts a multipart upload to <paramref name="key"/>; returns the storage's id for it.</summary>
    Task<string> StartMultipartAsync(string key, string contentType, CancellationToken cancellationToken);

    /// <summary>A URL the client PUTs part <paramref name="partNumber"/> (1-based) to, valid for <paramref name="lifetime"/>.</summary>
    Task<Uri> GetPartUploadUrlAsync(string key, string multipartId, int partNumber, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>Joins the parts into the object. Fails when a part is missing or an ETag does not match.</summary>
    Task CompleteMultipartAsync(string key, string multipartId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken);

    /// <summary>Drops an unfinished multipart upload and the parts stored so far.</summary>
    Task AbortMultipartAsync(string key, string multipartId, CancellationToken cancellationToken);
}

/// <summary>The storage would not join the parts (one is missing, or an ETag does not match).</summary>
public sealed class DirectUploadRejectedException(string message, Exception inner) : Exception(message, inner);

/// <summary>The direct-upload capability of the configured storage, or none (<see cref="Store"/> is null).</summary>
public sealed record DirectUploads(IDirectUploadStore? Store);
