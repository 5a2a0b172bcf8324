using System.Security.Cryptography;
using System.Text.Json;
using Airwave.Core.Data;
using Airwave.Core.Events;
using Airwave.Core.Storage;
using Airwave.Media.Contracts;
using Airwave.Media.Data;
using Airwave.Media.Processing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Media.Uploads;

/// <summary>What Airwave keeps of the client's Upload-Metadata and of the owner's tags.</summary>
internal sealed record UploadMetadata(Dictionary<string, string> Tus, MediaDetails Details)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static UploadMetadata FromJson(string json) => JsonSerializer.Deserialize<UploadMetadata>(json)!;
}

/// <summary>The outcome of writing a chunk: the new offset, or a tus status and reason.</summary>
internal sealed record AppendResult(long Offset, int? FailureStatus, string? Reason);

/// <summary>
/// The life of a resumable upload: start, append chunks (each acknowledged only once it is on disk and its offset
/// committed), complete (source into the blob store, asset and <see cref="MediaUploaded"/> in one transaction),
/// terminate, expire. Bytes past the acknowledged offset are discarded on the next write, so a crash mid-chunk
/// resumes from exactly what the client was told.
/// </summary>
internal sealed class UploadService(
    Database database,
    UploadStore uploads,
    UploadArea area,
    IBlobStore blobs,
    DirectUploads direct,
    EventOutbox outbox,
    IOptions<MediaOptions> options,
    TimeProvider clock,
    ILogger<UploadService> logger)
{
    private static readonly Dictionary<Guid, SemaphoreSlim> Writers = [];

    public static string SourceKey(Guid uploadId) => $"sources/{uploadId:N}";

    public async Task<UploadStart> StartAsync(Guid userId, string subjectKind, Guid subjectId, long length, string? metadataHeader,
        MediaDetails tags, CancellationToken cancellationToken)
    {
        if (SizeProblem(length) is { } problem)
        {
            return new UploadStart(null, "upload_length", problem);
        }

        var tus = TusMetadata.Parse(metadataHeader);
        if (tus is null)
        {
            return new UploadStart(null, "upload_metadata", "must be comma-separated 'key base64value' pairs with unique keys");
        }

        var now = clock.GetUtcNow();
        var upload = NewUpload(Guid.CreateVersion7(now), userId, subjectKind, subjectId, length, new UploadMetadata(tus, tags), null, now);
        await uploads.InsertAsync(upload, cancellationToken);
        if (length == 0)
        {
            // Nothing to send: the upload is complete at once, and processing reports that the file is empty.
            await File.WriteAllBytesAsync(area.PathOf(upload.Id), [], cancellationToken);
            await CompleteAsync(upload, cancellationToken);
        }

        return new UploadStart(upload.Id, null, null);
    }

    /// <summary>
    /// Records a finished upload for a file the server holds (moved, not copied, when it is on the same disk as the
    /// upload area) and completes it at once, so it is processed like any upload.
    /// </summary>
    public async Task<UploadStart> IngestFileAsync(Guid userId, string subjectKind, Guid subjectId, string path, MediaDetails tags,
        CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        if (SizeProblem(length) is { } problem)
        {
            return new UploadStart(null, "size", problem);
        }

        var now = clock.GetUtcNow();
        var upload = NewUpload(Guid.CreateVersion7(now), userId, subjectKind, subjectId, length, new UploadMetadata([], tags), null, now);
        await uploads.InsertAsync(upload, cancellationToken);
        File.Move(path, area.PathOf(upload.Id));
        await CompleteAsync(upload with { UploadOffset = length }, cancellationToken);
        return new UploadStart(upload.Id, null, null);
    }

    /// <summary>
    /// Starts an upload that goes straight to S3-compatible storage as a multipart upload with a pre-signed URL per
    /// part; the client finishes it with <see cref="CompleteDirectAsync"/>.
    /// </summary>
    public async Task<UploadStart> StartDirectAsync(Guid userId, string subjectKind, Guid subjectId, long length, MediaDetails tags,
        CancellationToken cancellationToken)
    {
        if (direct.Store is not { } store)
        {
            return new UploadStart(null, "direct", "needs S3-compatible storage (Storage:Provider = s3); upload with tus instead");
        }

        if (SizeProblem(length) is { } problem)
        {
            return new UploadStart(null, "upload_length", problem);
        }

        if (length == 0)
        {
            return new UploadStart(null, "size", "must be at least 1 byte for a direct upload");
        }

        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var multipartId = await store.StartMultipartAsync(SourceKey(id), "application/octet-stream", cancellationToken);
        var upload = NewUpload(id, userId, subjectKind, subjectId, length, new UploadMetadata([], tags), multipartId, now);
        await uploads.InsertAsync(upload, cancellationToken);
        var partCount = (int)((length + store.PartSize - 1) / store.PartSize);
        var parts = new List<DirectUploadPart>(partCount);
        for (var part = 1; part <= partCount; part++)
        {
            var url = await store.GetPartUploadUrlAsync(SourceKey(id), multipartId, part, options.Value.UploadExpiration, cancellationToken);
            parts.Add(new DirectUploadPart(part, url.ToString()));
        }

        return new UploadStart(id, null, null, new DirectUpload(store.PartSize, parts, $"/api/v1/uploads/{id}/complete", upload.ExpiresAt));
    }

    /// <summary>
    /// Joins the parts the client stored and checks the object has exactly the announced length before the upload
    /// counts as complete; null on success, otherwise why it was refused.
    /// </summary>
    public async Task<string?> CompleteDirectAsync(UploadRow upload, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken)
    {
        var store = direct.Store!;
        try
        {
            await store.CompleteMultipartAsync(SourceKey(upload.Id), upload.DirectUploadId!, parts, cancellationToken);
        }
        catch (DirectUploadRejectedException e)
        {
            return $"the storage refused to join the parts ({e.Message}); check that every part was uploaded and its ETag sent";
        }

        var stored = await blobs.LengthAsync(SourceKey(upload.Id), cancellationToken);
        if (stored != upload.Length)
        {
            await blobs.DeleteAsync(SourceKey(upload.Id), cancellationToken);
            await AbandonAsync(upload with { DirectUploadId = null }, cancellationToken);
            return $"the parts add up to {stored} bytes but the upload announced {upload.Length}; start a new upload";
        }

        await CompleteAsync(upload with { UploadOffset = upload.Length }, cancellationToken);
        return null;
    }

    private UploadRow NewUpload(Guid id, Guid userId, string subjectKind, Guid subjectId, long length, UploadMetadata metadata,
        string? directUploadId, DateTimeOffset now) => new()
    {
        Id = id,
        OwnerId = userId,
        SubjectKind = subjectKind,
        SubjectId = subjectId,
        Length = length,
        UploadOffset = 0,
        Metadata = metadata.ToJson(),
        CreatedAt = now,
        ExpiresAt = now + options.Value.UploadExpiration,
        DirectUploadId = directUploadId,
    };

    public string? SizeProblem(long length) =>
        length < 0 ? "must be 0 or more bytes"
        : length > options.Value.MaxUploadBytes ? $"is {length} bytes; the limit is {options.Value.MaxUploadBytes} bytes"
        : null;

    public async Task<UploadRow?> FindOwnedAsync(Guid uploadId, Guid? userId, CancellationToken cancellationToken)
    {
        var upload = await uploads.FindAsync(uploadId, cancellationToken);
        return upload is not null && upload.OwnerId == userId ? upload : null;
    }

    /// <summary>Appends the request body at <paramref name="offset"/>, verifying the chunk when a checksum is given.</summary>
    public async Task<AppendResult> AppendAsync(UploadRow upload, long offset, (string Algorithm, byte[] Digest)? checksum, HttpContext http,
        CancellationToken cancellationToken)
    {
        var writer = WriterFor(upload.Id);
        if (!await writer.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            return new AppendResult(upload.UploadOffset, StatusCodes.Status409Conflict, "Another request is writing to this upload.");
        }

        try
        {
            // Re-read under the lock: another request may have moved the offset meanwhile.
            upload = (await uploads.FindAsync(upload.Id, cancellationToken))!;
            if (offset != upload.UploadOffset)
            {
                return new AppendResult(upload.UploadOffset, StatusCodes.Status409Conflict,
                    $"Upload-Offset is {offset} but the upload is at {upload.UploadOffset}; ask with HEAD and resume from there.");
            }

            var remaining = upload.Length - upload.UploadOffset;
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = null;
            }

            var (written, digest, overflow) = await WriteChunkAsync(upload, remaining, http.Request.Body, hash: checksum is not null, cancellationToken);
            if (overflow)
            {
                Truncate(upload);
                return new AppendResult(upload.UploadOffset, StatusCodes.Status413PayloadTooLarge,
                    $"The chunk goes past Upload-Length ({upload.Length} bytes).");
            }

            if (checksum is { } expected && !digest.AsSpan().SequenceEqual(expected.Digest))
            {
                Truncate(upload);
                return new AppendResult(upload.UploadOffset, TusProtocol.ChecksumMismatch, "The chunk does not match its Upload-Checksum.");
            }

            var newOffset = upload.UploadOffset + written;
            if (newOffset != upload.UploadOffset && !await uploads.AdvanceAsync(upload.Id, upload.UploadOffset, newOffset, CancellationToken.None))
            {
                Truncate(upload);
                return new AppendResult(upload.UploadOffset, StatusCodes.Status409Conflict, "The upload changed while this chunk was written.");
            }

            if (newOffset == upload.Length)
            {
                await CompleteAsync(upload with { UploadOffset = newOffset }, CancellationToken.None);
                ForgetWriter(upload.Id);
            }

            return new AppendResult(newOffset, null, null);
        }
        finally
        {
            writer.Release();
        }
    }

    /// <summary>
    /// Stores the finished file as the asset's source and records, in one transaction, the asset, the completed
    /// upload and the <see cref="MediaUploaded"/> event. Safe to call again after a crash between the two steps.
    /// </summary>
    public async Task CompleteAsync(UploadRow upload, CancellationToken cancellationToken)
    {
        var part = area.PathOf(upload.Id);
        if (File.Exists(part))
        {
            await blobs.ImportFileAsync(SourceKey(upload.Id), part, "application/octet-stream", cancellationToken);
        }

        var now = clock.GetUtcNow();
        var assetId = Guid.CreateVersion7(now);
        var metadata = UploadMetadata.FromJson(upload.Metadata);
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await AssetStore.InsertAsync(connection, transaction, new AssetRow
            {
                Id = assetId,
                SubjectKind = upload.SubjectKind,
                SubjectId = upload.SubjectId,
                Profile = ProcessingProfiles.For(upload.SubjectKind),
                SourceKey = SourceKey(upload.Id),
                SourceSize = upload.Length,
                Status = AssetStore.Processing,
                CreatedAt = now,
                UpdatedAt = now,
            }, cancellationToken);
            await UploadStore.CompleteAsync(connection, transaction, upload.Id, assetId, now, cancellationToken);
            await EventOutbox.AppendAsync(connection, transaction,
                new MediaUploaded(Guid.CreateVersion7(now), now, assetId, upload.SubjectKind, upload.SubjectId, upload.Length, metadata.Details), cancellationToken);
            return 0;
        }, cancellationToken);
        outbox.Wake();
        logger.LogInformation("Upload {UploadId} complete ({Bytes} bytes); asset {AssetId} queued", upload.Id, upload.Length, assetId);
    }

    public Task TerminateAsync(UploadRow upload, CancellationToken cancellationToken) => AbandonAsync(upload, cancellationToken);

    /// <summary>Deletes uploads that were never finished in time and tells their owners.</summary>
    public async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var expired = await uploads.ExpiredAsync(clock.GetUtcNow(), cancellationToken);
        foreach (var upload in expired)
        {
            await AbandonAsync(upload, cancellationToken);
        }

        return expired.Count;
    }

    /// <summary>
    /// Removes an upload that will not finish (row, partial file, parts stored directly) and tells its owner, in the
    /// same transaction as the delete, so the owner's record never stays "uploading".
    /// </summary>
    private async Task AbandonAsync(UploadRow upload, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            await EventOutbox.AppendAsync(connection, transaction,
                new MediaUploadAbandoned(Guid.CreateVersion7(now), now, upload.Id, upload.SubjectKind, upload.SubjectId), cancellationToken);
            await Dapper.SqlMapper.ExecuteAsync(connection, "DELETE FROM uploads WHERE id = @Id", new { upload.Id }, transaction);
            return 0;
        }, cancellationToken);
        outbox.Wake();
        File.Delete(area.PathOf(upload.Id));
        ForgetWriter(upload.Id);
        if (upload.DirectUploadId is { } multipartId && direct.Store is { } store)
        {
            await store.AbortMultipartAsync(SourceKey(upload.Id), multipartId, cancellationToken);
        }
    }

    /// <param name="hash">Compute the chunk's SHA-1 (only when the client sent Upload-Checksum: it costs CPU per byte).</param>
    private async Task<(long Written, byte[] Digest, bool Overflow)> WriteChunkAsync(UploadRow upload, long remaining, Stream body, bool hash,
        CancellationToken cancellationToken)
    {
        using var sha1 = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA1) : null;
        long written = 0;
        var overflow = false;
        await using (var file = new FileStream(area.PathOf(upload.Id), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            // Anything past the acknowledged offset was never confirmed to the client: drop it.
            file.SetLength(upload.UploadOffset);
            file.Seek(upload.UploadOffset, SeekOrigin.Begin);
            var buffer = new byte[81920];
            try
            {
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    if (written + read > remaining)
                    {
                        overflow = true;
                        break;
                    }

                    await file.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None);
                    sha1?.AppendData(buffer, 0, read);
                    written += read;
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
            {
                // The client went away mid-chunk. tus keeps what arrived so the client resumes after it, unless the
                // chunk carries a checksum, which a partial chunk cannot match.
                logger.LogInformation("Upload {UploadId}: connection ended after {Bytes} bytes of the chunk", upload.Id, written);
            }

            await file.FlushAsync(CancellationToken.None);
            file.Flush(flushToDisk: true);
        }

        return (written, sha1?.GetHashAndReset() ?? [], overflow);
    }

    private void Truncate(UploadRow upload)
    {
        using var file = new FileStream(area.PathOf(upload.Id), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None);
        file.SetLength(upload.UploadOffset);
    }

    private static void ForgetWriter(Guid uploadId)
    {
        lock (Writers)
        {
            Writers.Remove(uploadId);
        }
    }

    private static SemaphoreSlim WriterFor(Guid uploadId)
    {
        lock (Writers)
        {
            if (!Writers.TryGetValue(uploadId, out var writer))
            {
                writer = new SemaphoreSlim(1, 1);
                Writers[uploadId] = writer;
            }

            return writer;
        }
    }
}
