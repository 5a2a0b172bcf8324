namespace Airwave.Core.Storage;

/// <summary>
/// Blobs as files under <c>{DataDirectory}/blobs</c>. Writes go to a temporary file that is renamed into place,
/// so a crash never leaves a half-written blob under its real key. It has no read URLs: the server serves these
/// files itself.
/// </summary>
public sealed class LocalBlobStore(string root) : IBlobStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public string PathOf(string key)
    {
        BlobKey.Validate(key);
        return Path.Combine(Root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public Task ImportFileAsync(string key, string localPath, string contentType, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var file = new FileStream(localPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            file.Flush(flushToDisk: true);
        }

        // A rename within one file system is atomic and copies nothing; across file systems File.Move copies.
        File.Move(localPath, path, overwrite: true);
        return Task.CompletedTask;
    }

    public async Task ConcatenateAsync(string key, IReadOnlyList<string> sourceKeys, string contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceKeys);
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                foreach (var source in sourceKeys)
                {
                    await using var part = await OpenReadAsync(source, cancellationToken);
                    await part.CopyToAsync(file, cancellationToken);
                }

                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public string? LocalPath(string key)
    {
        var path = PathOf(key);
        return File.Exists(path) ? path : null;
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));
        }
        catch (DirectoryNotFoundException e)
        {
            // The same answer as for a missing file in an existing folder: callers ask "is there a blob", not "which folder".
            throw new FileNotFoundException($"There is no blob under '{key}'.", path, e);
        }
    }

    public async Task<Stream> OpenReadAsync(string key, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var file = await OpenReadAsync(key, cancellationToken);
        file.Seek(Math.Min(offset, file.Length), SeekOrigin.Begin);
        return new BoundedReadStream(file, length);
    }

    public async Task DownloadToFileAsync(string key, string localPath, CancellationToken cancellationToken)
    {
        await using var source = await OpenReadAsync(key, cancellationToken);
        await using var target = new FileStream(localPath, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        await source.CopyToAsync(target, cancellationToken);
    }

    public Task<long?> LengthAsync(string key, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(key));
        return Task.FromResult<long?>(file.Exists ? file.Length : null);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        if (Directory.Exists(Path.GetDirectoryName(path)))
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    public Task<Uri?> GetReadUrlAsync(string key, TimeSpan lifetime, string? responseContentType, CancellationToken cancellationToken)
    {
        BlobKey.Validate(key);
        BlobKey.ValidateReadUrlLifetime(lifetime);
        return Task.FromResult<Uri?>(null);
    }
}
