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
/// The life of a resumable upload: start, append chunks, complete (the chunks joined into the source in the blob
/// store; asset and <see cref="MediaUploaded"/> in one transaction), terminate, expire. Each PATCH's bytes become one
/// chunk object in the blob store (ADR 0020), acknowledged only once stored and recorded in the same transaction that
/// moves the offset, so any API instance can take the next PATCH, and a crash mid-chunk loses only that chunk: the
/// client resumes from exactly the offset it was told.
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
    /// <summary>One writer per upload in this process: a second request gets 409 at once instead of racing the first.</summary>
    private readonly Dictionary<Guid, SemaphoreSlim> _writers = [];

    /// <summary>How long an upload with every byte may wait for its completion before the expiry run completes it.</summary>
    private static readonly TimeSpan StalledAfter = TimeSpan.FromMinutes(15);

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
            await CompleteAsync(upload, cancellationToken);
        }

        return new UploadStart(upload.Id, null, null);
    }

    /// <summary>
    /// Records a finished upload for a file the server holds (moved, not copied, when it is on the same disk as the
    /// blob store) and completes it at once, so it is processed like any upload.
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
        await blobs.ImportFileAsync(SourceKey(upload.Id), path, "application/octet-stream", cancellationToken);
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

    /// <summary>
    /// Appends the request body at <paramref name="offset"/>, verifying the chunk when a checksum is given. The body is
    /// staged in a local file first (its length and checksum are known before anything is kept), then stored as a
    /// chunk object and acknowledged. Two requests for the same upload on one instance: the second gets 409 at once;
    /// on two instances: both may store their chunk, only the first to acknowledge moves the offset, the other gets
    /// 409 and its chunk is deleted.
    /// </summary>
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
            // Re-read under the lock: another request (here or on another instance) may have moved the offset meanwhile.
            if (await uploads.FindAsync(upload.Id, cancellationToken) is not { } current)
            {
                // Terminated or expired meanwhile, possibly by another instance.
                return new AppendResult(0, StatusCodes.Status404NotFound, "The upload was not found.");
            }

            upload = current;
            if (offset != upload.UploadOffset)
            {
                return new AppendResult(upload.UploadOffset, StatusCodes.Status409Conflict,
                    $"Upload-Offset is {offset} but the upload is at {upload.UploadOffset}; ask with HEAD and resume from there.");
            }

            await AdoptLegacyPartAsync(upload, cancellationToken);
            var remaining = upload.Length - upload.UploadOffset;
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = null;
            }

            var staged = area.StagingPath(upload.Id);
            long written;
            try
            {
                (written, var digest, var overflow) = await StageChunkAsync(upload, staged, remaining, http.Request.Body, hash: checksum is not null,
                    cancellationToken);
                if (overflow)
                {
                    return new AppendResult(upload.UploadOffset, StatusCodes.Status413PayloadTooLarge,
                        $"The chunk goes past Upload-Length ({upload.Length} bytes).");
                }

                if (checksum is { } expected && !digest.AsSpan().SequenceEqual(expected.Digest))
                {
                    return new AppendResult(upload.UploadOffset, TusProtocol.ChecksumMismatch, "The chunk does not match its Upload-Checksum.");
                }

                // From here on the client may be gone: what arrived is kept (tus), so nothing below follows its cancellation.
                if (written > 0 && !await StoreChunkAsync(upload, staged, written))
                {
                    return new AppendResult(upload.UploadOffset, StatusCodes.Status409Conflict, "The upload changed while this chunk was written.");
                }
            }
            finally
            {
                File.Delete(staged);
            }

            var newOffset = upload.UploadOffset + written;
            if (newOffset == upload.Length && written > 0)
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
    /// Stores the staged bytes as a chunk object and acknowledges it. The chunk's row goes in before its object, so a
    /// crash between the two leaves a key the cleanup finds; false (chunk deleted) when another writer moved the
    /// offset first.
    /// </summary>
    private async Task<bool> StoreChunkAsync(UploadRow upload, string staged, long written)
    {
        var key = ChunkKey(upload.Id, upload.UploadOffset);
        await uploads.InsertChunkAsync(key, upload.Id, upload.UploadOffset, clock.GetUtcNow(), CancellationToken.None);
        await blobs.ImportFileAsync(key, staged, "application/octet-stream", CancellationToken.None);
        if (await uploads.AcknowledgeChunkAsync(key, upload.Id, upload.UploadOffset, upload.UploadOffset + written, CancellationToken.None))
        {
            return true;
        }

        await DeleteChunkAsync(key, CancellationToken.None);
        return false;
    }

    /// <summary>
    /// An upload an earlier version was writing to <c>{DataDirectory}/uploads/{id}.part</c> (on this instance): its
    /// acknowledged bytes become the first chunk, so an upgrade in the middle of an upload does not lose it.
    /// </summary>
    private async Task AdoptLegacyPartAsync(UploadRow upload, CancellationToken cancellationToken)
    {
        var legacy = area.LegacyPathOf(upload.Id);
        if (upload.UploadOffset == 0 || !File.Exists(legacy) || (await uploads.ChunksAsync(upload.Id, cancellationToken)).Count > 0)
        {
            return;
        }

        await using (var file = new FileStream(legacy, FileMode.Open, FileAccess.Write, FileShare.None))
        {
            // Anything past the acknowledged offset was never confirmed to the client.
            file.SetLength(upload.UploadOffset);
        }

        var key = ChunkKey(upload.Id, 0);
        await blobs.ImportFileAsync(key, legacy, "application/octet-stream", cancellationToken);
        await uploads.InsertAcknowledgedChunkAsync(key, upload.Id, upload.UploadOffset, clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>
    /// Stores the finished file as the asset's source (the chunks joined, streaming) and records, in one transaction,
    /// the asset, the completed upload and the <see cref="MediaUploaded"/> event; then deletes the chunks. Safe to call
    /// again after a crash between the steps, and at the same time on two instances: only one records the asset.
    /// </summary>
    public async Task CompleteAsync(UploadRow upload, CancellationToken cancellationToken)
    {
        await AdoptLegacyPartAsync(upload, cancellationToken);
        var chunks = await uploads.ChunksAsync(upload.Id, cancellationToken);
        var acknowledged = chunks.Where(c => c.Length is not null).ToList();
        if (acknowledged.Count > 0)
        {
            var expected = 0L;
            foreach (var chunk in acknowledged)
            {
                if (chunk.StartOffset != expected)
                {
                    throw new InvalidOperationException($"Upload {upload.Id}: the chunk at {chunk.StartOffset} does not follow the bytes before it ({expected}).");
                }

                expected += chunk.Length!.Value;
            }

            if (expected != upload.Length)
            {
                throw new InvalidOperationException($"Upload {upload.Id}: the chunks hold {expected} bytes of {upload.Length}.");
            }

            await blobs.ConcatenateAsync(SourceKey(upload.Id), [.. acknowledged.Select(c => c.ChunkKey)], "application/octet-stream", cancellationToken);
        }
        else if (upload.Length == 0)
        {
            await blobs.PutAsync(SourceKey(upload.Id), Stream.Null, "application/octet-stream", cancellationToken);
        }

        var now = clock.GetUtcNow();
        var assetId = Guid.CreateVersion7(now);
        var metadata = UploadMetadata.FromJson(upload.Metadata);
        var recorded = await database.InTransactionAsync(async (connection, transaction) =>
        {
            // First, so an upload another instance completed meanwhile gets no second asset.
            if (!await UploadStore.CompleteAsync(connection, transaction, upload.Id, assetId, now, cancellationToken))
            {
                return false;
            }

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
            await EventOutbox.AppendAsync(connection, transaction,
                new MediaUploaded(Guid.CreateVersion7(now), now, assetId, upload.SubjectKind, upload.SubjectId, upload.Length, metadata.Details), cancellationToken);
            return true;
        }, cancellationToken);
        if (!recorded)
        {
            logger.LogInformation("Upload {UploadId} was completed elsewhere", upload.Id);
            return;
        }

        outbox.Wake();
        await DeleteChunksAsync(chunks, cancellationToken);
        logger.LogInformation("Upload {UploadId} complete ({Bytes} bytes); asset {AssetId} queued", upload.Id, upload.Length, assetId);
    }

    public Task TerminateAsync(UploadRow upload, CancellationToken cancellationToken) => AbandonAsync(upload, cancellationToken);

    /// <summary>
    /// Deletes uploads that were never finished in time and tells their owners; completes uploads that have every byte
    /// but whose instance stopped before completing them; deletes chunks left by uploads that are gone.
    /// </summary>
    public async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var expired = await uploads.ExpiredAsync(now, cancellationToken);
        foreach (var upload in expired)
        {
            await AbandonAsync(upload, cancellationToken);
        }

        foreach (var upload in await uploads.StalledAsync(now, now - StalledAfter, cancellationToken))
        {
            logger.LogWarning("Upload {UploadId} had every byte but was not completed; completing it now", upload.Id);
            await CompleteAsync(upload, cancellationToken);
        }

        await DeleteChunksAsync(await uploads.LeftoverChunksAsync(now - StalledAfter, cancellationToken), cancellationToken);
        area.DeleteStaleStaging(now.UtcDateTime - options.Value.UploadExpiration);
        return expired.Count;
    }

    /// <summary>
    /// Removes an upload that will not finish (row, chunks, parts stored directly) and tells its owner, in the same
    /// transaction as the delete, so the owner's record never stays "uploading". The row goes first: chunks a crash
    /// leaves behind belong to no upload then, and the next expiry run deletes them.
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
        File.Delete(area.LegacyPathOf(upload.Id));
        await DeleteChunksAsync(await uploads.ChunksAsync(upload.Id, cancellationToken), cancellationToken);
        ForgetWriter(upload.Id);
        if (upload.DirectUploadId is { } multipartId && direct.Store is { } store)
        {
            await store.AbortMultipartAsync(SourceKey(upload.Id), multipartId, cancellationToken);
        }
    }

    /// <param name="hash">Compute the chunk's SHA-1 (only when the client sent Upload-Checksum: it costs CPU per byte).</param>
    private async Task<(long Written, byte[] Digest, bool Overflow)> StageChunkAsync(UploadRow upload, string staged, long remaining, Stream body,
        bool hash, CancellationToken cancellationToken)
    {
        using var sha1 = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA1) : null;
        long written = 0;
        var overflow = false;
        await using (var file = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
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
        }

        return (written, sha1?.GetHashAndReset() ?? [], overflow);
    }

    /// <summary>A new key for a chunk starting at <paramref name="offset"/>: unique, so two writers never share an object.</summary>
    private static string ChunkKey(Guid uploadId, long offset) =>
        $"{ChunkPrefix(uploadId)}{offset.ToString("D15", System.Globalization.CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}";

    /// <summary>Where an upload's chunk objects are kept in the blob store.</summary>
    public static string ChunkPrefix(Guid uploadId) => $"uploads/{uploadId:N}/";

    private async Task DeleteChunksAsync(IEnumerable<UploadChunkRow> chunks, CancellationToken cancellationToken)
    {
        foreach (var chunk in chunks)
        {
            await DeleteChunkAsync(chunk.ChunkKey, cancellationToken);
        }
    }

    /// <summary>The object first, then its row: a row without an object is harmless, an object without a row is lost track of.</summary>
    private async Task DeleteChunkAsync(string key, CancellationToken cancellationToken)
    {
        await blobs.DeleteAsync(key, cancellationToken);
        await uploads.DeleteChunkAsync(key, cancellationToken);
    }

    private void ForgetWriter(Guid uploadId)
    {
        lock (_writers)
        {
            _writers.Remove(uploadId);
        }
    }

    private SemaphoreSlim WriterFor(Guid uploadId)
    {
        lock (_writers)
        {
            if (!_writers.TryGetValue(uploadId, out var writer))
            {
                writer = new SemaphoreSlim(1, 1);
                _writers[uploadId] = writer;
            }

            return writer;
        }
    }
}
