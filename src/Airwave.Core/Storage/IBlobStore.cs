namespace Airwave.Core.Storage;

/// <summary>
/// Where files live: the local disk by default, S3-compatible storage in scale-out mode (see <see cref="StorageSetup"/>).
/// Keys are relative paths such as <c>sources/{id}</c> or <c>media/{sha256}.mp3</c> (the rules are in
/// <see cref="BlobKey"/>; every method throws <see cref="ArgumentException"/> for a key that breaks them);
/// content-addressed keys never change content, so delivery can cache them forever.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Stores <paramref name="content"/>, read from its current position to its end, under <paramref name="key"/>,
    /// replacing what was there, atomically: readers see the old blob or the whole new one, never a part.
    /// The stream need not be seekable.
    /// </summary>
    Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a local file (a finished upload, an ffmpeg output) under <paramref name="key"/> and takes it over:
    /// the local file is gone afterwards (moved where possible, so large files are not copied).
    /// </summary>
    Task ImportFileAsync(string key, string localPath, string contentType, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the blobs under <paramref name="sourceKeys"/>, one after another, as one blob under <paramref name="key"/>
    /// (replacing what was there, atomically, like <see cref="PutAsync"/>), streaming: never more than one part in
    /// memory, however large the result. The sources stay; the caller deletes them once it has recorded the result.
    /// A resumable upload's chunks become its file this way (ADR 0020). <see cref="FileNotFoundException"/> when a
    /// source is missing.
    /// </summary>
    Task ConcatenateAsync(string key, IReadOnlyList<string> sourceKeys, string contentType, CancellationToken cancellationToken);

    /// <summary>A path the blob can be read from directly, when it is on this machine's disk; otherwise null.</summary>
    string? LocalPath(string key);

    /// <summary>Opens the blob for reading; <see cref="FileNotFoundException"/> when there is none under the key.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Opens part of the blob: <paramref name="length"/> bytes from <paramref name="offset"/>, fewer when the blob ends
    /// first, none when <paramref name="offset"/> is at or past its end. Delivery answers range requests with it
    /// without reading (or, from S3, downloading) what comes before or after the range.
    /// <see cref="FileNotFoundException"/> when there is no blob under the key.
    /// </summary>
    /// <param name="offset">Zero or more.</param>
    /// <param name="length">One or more.</param>
    Task<Stream> OpenReadAsync(string key, long offset, long length, CancellationToken cancellationToken);

    /// <summary>
    /// Copies the blob to a local file, for tools that need a path (ffmpeg seeks in its input);
    /// <see cref="FileNotFoundException"/> when there is none under the key.
    /// </summary>
    Task DownloadToFileAsync(string key, string localPath, CancellationToken cancellationToken);

    /// <summary>The blob's size in bytes; null when there is none under the key.</summary>
    Task<long?> LengthAsync(string key, CancellationToken cancellationToken);

    /// <summary>Removes the blob; a key with no blob is not an error (deleting twice is safe).</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// A URL anyone holding it can read the blob from until <paramref name="lifetime"/> has passed, so clients and
    /// a CDN can fetch media straight from object storage instead of through this server. Null when the store has
    /// no such URLs (the local disk): the server then serves the blob itself. The URL is made without asking
    /// the store whether the blob exists; fetching it for a missing key fails there.
    /// </summary>
    /// <param name="lifetime">More than zero and at most <see cref="BlobKey.MaxReadUrlLifetime"/> (what S3 signatures allow).</param>
    /// <param name="responseContentType">
    /// The Content-Type the storage should answer with (S3's <c>response-content-type</c>, part of the signature), so
    /// a player gets the media type delivery means whatever the object was stored with; null keeps the stored one.
    /// </param>
    Task<Uri?> GetReadUrlAsync(string key, TimeSpan lifetime, string? responseContentType, CancellationToken cancellationToken);
}
