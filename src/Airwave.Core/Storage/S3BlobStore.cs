using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Airwave.Core.Storage;

/// <summary>
/// Blobs as objects in an S3 bucket (AWS or any S3-compatible server), under <see cref="StorageOptions.Prefix"/>.
/// An S3 PUT, and the completion of a multipart upload, replace an object atomically, so readers never see a part.
/// Content over <see cref="MultipartThreshold"/> goes up as a multipart upload from a local file, in parts that are
/// sent a few at a time and can each be retried on their own.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDirectUploadStore, IDisposable
{
    public const long MultipartThreshold = 64L * 1024 * 1024;
    public const long MinimumPartSize = 16L * 1024 * 1024;
    private const int MaxParts = 10_000;
    private const int PartsInFlight = 4;
    private const int CopyBufferSize = 81920;

    /// <summary>The part size when blobs are joined (<see cref="ConcatenateAsync"/>): over S3's 5 MiB minimum, one buffer in memory.</summary>
    public const int ConcatenatePartSize = 8 * 1024 * 1024;

    private readonly AmazonS3Client _client;
    private readonly string _prefix;
    private readonly Protocol _urlProtocol;
    private readonly TimeProvider _clock;

    public S3BlobStore(StorageOptions options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        Bucket = options.Bucket;
        _prefix = options.NormalizedPrefix;
        _clock = clock;
        // The SDK signs URLs for https unless told otherwise, whatever the scheme of ServiceURL.
        var plainHttp = !string.IsNullOrWhiteSpace(options.ServiceUrl) && new Uri(options.ServiceUrl.Trim()).Scheme == Uri.UriSchemeHttp;
        _urlProtocol = plainHttp ? Protocol.HTTP : Protocol.HTTPS;
        _client = CreateClient(options);
    }

    public string Bucket { get; }

    /// <summary>The client the store sends through; tests watch its requests to see which upload path was taken.</summary>
    internal AmazonS3Client Client => _client;

    /// <summary>The object key a blob key is stored under (the prefix, then the key).</summary>
    public string ObjectKey(string key)
    {
        BlobKey.Validate(key);
        return _prefix + key;
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var objectKey = ObjectKey(key);
        if (content.CanSeek && content.Length - content.Position <= MultipartThreshold)
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Bucket,
                Key = objectKey,
                InputStream = content,
                ContentType = contentType,
                UseChunkEncoding = false,
                AutoCloseStream = false,
                // From where the caller left the stream, like a copy would; the SDK rewinds to 0 by default.
                AutoResetStreamPosition = false,
            }, cancellationToken);
            return;
        }

        // The length of a non-seekable stream is unknown until its end, and a single PUT needs it up front; a large
        // body goes up in parts. Both read from a staged local file, which also lets a failed part be sent again.
        var staged = Path.Combine(Path.GetTempPath(), $"airwave-s3-{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var file = new FileStream(staged, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken);
            }

            await UploadFileAsync(objectKey, staged, contentType, cancellationToken);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    public async Task ImportFileAsync(string key, string localPath, string contentType, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        if (!File.Exists(localPath))
        {
            throw new FileNotFoundException($"There is no file at '{localPath}' to import.", localPath);
        }

        await UploadFileAsync(objectKey, localPath, contentType, cancellationToken);
        // Only once the object is stored: a crash before this line leaves the file for the caller's retry.
        File.Delete(localPath);
    }

    /// <summary>
    /// Reads the sources in order into one part buffer of <see cref="ConcatenatePartSize"/> and sends each full buffer as
    /// a part of a multipart upload (begun only once a first part is full; a result smaller than one part is a single
    /// PUT). Memory stays at one part whatever the size; S3 joins the parts atomically on completion.
    /// </summary>
    public async Task ConcatenateAsync(string key, IReadOnlyList<string> sourceKeys, string contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceKeys);
        var objectKey = ObjectKey(key);
        var buffer = new byte[ConcatenatePartSize];
        var filled = 0;
        string? uploadId = null;
        var parts = new List<PartETag>();
        try
        {
            foreach (var source in sourceKeys)
            {
                await using var stream = await OpenReadAsync(source, cancellationToken);
                int read;
                while ((read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
                {
                    filled += read;
                    if (filled == buffer.Length)
                    {
                        uploadId ??= (await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
                        {
                            BucketName = Bucket,
                            Key = objectKey,
                            ContentType = contentType,
                        }, cancellationToken)).UploadId;
                        parts.Add(await UploadBufferedPartAsync(objectKey, uploadId, parts.Count + 1, buffer, filled, cancellationToken));
                        filled = 0;
                    }
                }
            }

            if (uploadId is null)
            {
                await PutAsync(key, new MemoryStream(buffer, 0, filled, writable: false), contentType, cancellationToken);
                return;
            }

            if (filled > 0)
            {
                // The last part may be smaller than the minimum.
                parts.Add(await UploadBufferedPartAsync(objectKey, uploadId, parts.Count + 1, buffer, filled, cancellationToken));
            }

            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = objectKey,
                UploadId = uploadId,
                PartETags = parts,
            }, cancellationToken);
        }
        catch when (uploadId is not null)
        {
            try
            {
                await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = objectKey, UploadId = uploadId },
                    CancellationToken.None);
            }
            catch
            {
                // The original failure is the one worth reporting; a bucket lifecycle rule can clean up what is left.
            }

            throw;
        }
    }

    public string? LocalPath(string key)
    {
        BlobKey.Validate(key);
        return null;
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var response = await GetObjectAsync(key, cancellationToken);
        return new ObjectStream(response);
    }

    public async Task<Stream> OpenReadAsync(string key, long offset, long length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var objectKey = ObjectKey(key);
        try
        {
            var response = await _client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = Bucket,
                Key = objectKey,
                ByteRange = new ByteRange(offset, offset + length - 1),
            }, cancellationToken);
            // A server may ignore the range and send the whole object (s3rver does for "bytes=0-0"): then skip to the
            // offset; either way, never hand out more than was asked for.
            var whole = response.HttpStatusCode != HttpStatusCode.PartialContent;
            return new BoundedReadStream(new ObjectStream(response), length, skip: whole ? offset : 0);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode == "NoSuchKey")
        {
            throw new FileNotFoundException($"There is no blob under '{key}'.", objectKey, e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The offset is at or past the end (S3 answers 416 even for an empty object): nothing to read.
            return Stream.Null;
        }
    }

    public async Task DownloadToFileAsync(string key, string localPath, CancellationToken cancellationToken)
    {
        using var response = await GetObjectAsync(key, cancellationToken);
        try
        {
            await using var target = new FileStream(localPath, FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferSize, useAsync: true);
            await response.ResponseStream.CopyToAsync(target, cancellationToken);
        }
        catch
        {
            // Half a file under the caller's path would look like the whole blob to the next tool.
            if (File.Exists(localPath))
            {
                File.Delete(localPath);
            }

            throw;
        }
    }

    public async Task<long?> LengthAsync(string key, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        try
        {
            var metadata = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = objectKey }, cancellationToken);
            return metadata.ContentLength;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // A HEAD answer has no body, so a missing key and a missing bucket look alike here; puts name the latter.
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        // S3 answers 204 for a key that is not there, so deleting twice is fine without a check.
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = ObjectKey(key) }, cancellationToken);
    }

    public async Task<Uri?> GetReadUrlAsync(string key, TimeSpan lifetime, string? responseContentType, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        BlobKey.ValidateReadUrlLifetime(lifetime);
        cancellationToken.ThrowIfCancellationRequested();
        var request = new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = objectKey,
            Verb = HttpVerb.GET,
            Protocol = _urlProtocol,
            Expires = _clock.GetUtcNow().UtcDateTime + lifetime,
        };
        if (!string.IsNullOrEmpty(responseContentType))
        {
            request.ResponseHeaderOverrides.ContentType = responseContentType;
        }

        var url = await _client.GetPreSignedURLAsync(request);
        return new Uri(url);
    }

    long IDirectUploadStore.PartSize => MinimumPartSize;

    public async Task<string> StartMultipartAsync(string key, string contentType, CancellationToken cancellationToken) =>
        (await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = ObjectKey(key),
            ContentType = contentType,
        }, cancellationToken)).UploadId;

    public async Task<Uri> GetPartUploadUrlAsync(string key, string multipartId, int partNumber, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        BlobKey.ValidateReadUrlLifetime(lifetime);
        cancellationToken.ThrowIfCancellationRequested();
        return new Uri(await _client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = ObjectKey(key),
            Verb = HttpVerb.PUT,
            Protocol = _urlProtocol,
            UploadId = multipartId,
            PartNumber = partNumber,
            Expires = _clock.GetUtcNow().UtcDateTime + lifetime,
        }));
    }

    public async Task CompleteMultipartAsync(string key, string multipartId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken)
    {
        try
        {
            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = ObjectKey(key),
                UploadId = multipartId,
                PartETags = [.. parts.OrderBy(p => p.PartNumber).Select(p => new PartETag(p.PartNumber, p.ETag))],
            }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.NotFound)
        {
            throw new DirectUploadRejectedException(e.Message, e);
        }
    }

    public async Task AbortMultipartAsync(string key, string multipartId, CancellationToken cancellationToken) =>
        await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = ObjectKey(key), UploadId = multipartId },
            cancellationToken);

    public void Dispose() => _client.Dispose();

    /// <summary>A client for the configured endpoint with the settings S3-compatible servers need (tests use it too).</summary>
    internal static AmazonS3Client CreateClient(StorageOptions options)
    {
        // AWSSDK v4 defaults suit AWS, not every S3-compatible server: it streams PUT bodies "aws-chunked" with a
        // trailing checksum, which servers such as s3rver store verbatim (signatures and all) as the object. Checksums
        // only when an operation requires them, and plain bodies (UseChunkEncoding = false on each upload).
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region.Trim());
        }
        else
        {
            config.ServiceURL = options.ServiceUrl.Trim();
            config.AuthenticationRegion = string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region.Trim();
        }

        return string.IsNullOrWhiteSpace(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey.Trim(), options.SecretKey.Trim()), config);
    }

    private async Task<GetObjectResponse> GetObjectAsync(string key, CancellationToken cancellationToken)
    {
        var objectKey = ObjectKey(key);
        try
        {
            return await _client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = objectKey }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode == "NoSuchKey")
        {
            throw new FileNotFoundException($"There is no blob under '{key}'.", objectKey, e);
        }
    }

    private async Task<PartETag> UploadBufferedPartAsync(string objectKey, string uploadId, int number, byte[] buffer, int length,
        CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(buffer, 0, length, writable: false);
        var response = await _client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Bucket,
            Key = objectKey,
            UploadId = uploadId,
            PartNumber = number,
            InputStream = content,
            PartSize = length,
            UseChunkEncoding = false,
        }, cancellationToken);
        return new PartETag(number, response.ETag);
    }

    private async Task UploadFileAsync(string objectKey, string path, string contentType, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        if (length <= MultipartThreshold)
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Bucket,
                Key = objectKey,
                FilePath = path,
                ContentType = contentType,
                UseChunkEncoding = false,
            }, cancellationToken);
            return;
        }

        // S3 allows 10,000 parts; beyond 160 GiB the parts grow so the count stays within that.
        var partSize = Math.Max(MinimumPartSize, (length + MaxParts - 1) / MaxParts);
        var partCount = (int)((length + partSize - 1) / partSize);
        var upload = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = objectKey,
            ContentType = contentType,
        }, cancellationToken);
        try
        {
            var parts = new PartETag[partCount];
            await Parallel.ForEachAsync(Enumerable.Range(1, partCount),
                new ParallelOptions { MaxDegreeOfParallelism = PartsInFlight, CancellationToken = cancellationToken },
                async (number, token) =>
                {
                    var position = (number - 1) * partSize;
                    var response = await _client.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = Bucket,
                        Key = objectKey,
                        UploadId = upload.UploadId,
                        PartNumber = number,
                        FilePath = path,
                        FilePosition = position,
                        PartSize = Math.Min(partSize, length - position),
                        IsLastPart = number == partCount,
                        UseChunkEncoding = false,
                    }, token);
                    parts[number - 1] = new PartETag(number, response.ETag);
                });
            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = objectKey,
                UploadId = upload.UploadId,
                PartETags = [.. parts],
            }, cancellationToken);
        }
        catch
        {
            // Parts of an unfinished upload are kept (and billed) until aborted. The object itself was never touched.
            try
            {
                await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                {
                    BucketName = Bucket,
                    Key = objectKey,
                    UploadId = upload.UploadId,
                }, CancellationToken.None);
            }
            catch
            {
                // The original failure is the one worth reporting; a bucket lifecycle rule can clean up what is left.
            }

            throw;
        }
    }

    /// <summary>The body of a GET: reads straight from the response and releases the connection when disposed.</summary>
    private sealed class ObjectStream(GetObjectResponse response) : Stream
    {
        private Stream Body => response.ResponseStream;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => response.ContentLength;

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Body.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => Body.Read(buffer);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Body.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Body.ReadAsync(buffer, cancellationToken);

        public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken) =>
            Body.CopyToAsync(destination, bufferSize, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
