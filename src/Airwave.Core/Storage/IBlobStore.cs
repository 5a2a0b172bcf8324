namespace Airwave.Core.Storage;

/// <summary>
/// Where files live: the local disk by default, S3-compatible storage in scale-out mode. Keys are relative paths
/// such as <c>uploads/{id}</c> or <c>media/{sha256}.mp3</c>; content-addressed keys never change content, so
/// delivery can cache them forever.
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing what was there, atomically.</summary>
    Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a local file (a finished upload, an ffmpeg output) under <paramref name="key"/> and takes it over:
    /// the local file is gone afterwards (moved where possible, so large files are not copied).
    /// </summary>
    Task ImportFileAsync(string key, string localPath, string contentType, CancellationToken cancellationToken);

    /// <summary>A path the blob can be read from directly, when it is on this machine's disk; otherwise null.</summary>
    string? LocalPath(string key);

    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Copies the blob to a local file, for tools that need a path (ffmpeg seeks in its input).</summary>
    Task DownloadToFileAsync(string key, string localPath, CancellationToken cancellationToken);

    Task<long?> LengthAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);
}
