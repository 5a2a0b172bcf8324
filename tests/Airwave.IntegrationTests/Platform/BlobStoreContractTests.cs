using System.Security.Cryptography;
using Airwave.Core.Storage;

namespace Airwave.IntegrationTests.Platform;

/// <summary>
/// What every <see cref="IBlobStore"/> promises, run against each real store (local disk, an S3-compatible
/// server). Code above the store may rely on exactly this and nothing more.
/// </summary>
public abstract class BlobStoreContractTests : IDisposable
{
    /// <summary>Past the S3 store's multipart threshold (64 MiB), so the large-file path is the one tested.</summary>
    protected const int LargeSize = 70 * 1024 * 1024;

    protected BlobStoreContractTests()
    {
        Scratch = Directory.CreateTempSubdirectory("airwave-blob-test-").FullName;
    }

    protected abstract IBlobStore Store { get; }

    /// <summary>A folder of local files for this test (imports, downloads), removed afterwards.</summary>
    protected string Scratch { get; }

    public virtual void Dispose() => Directory.Delete(Scratch, recursive: true);

    [Fact]
    public async Task Put_ThenOpenRead_SameBytes()
    {
        var key = NewKey("hello.bin");
        var bytes = Bytes(300_000, seed: 1);
        await Store.PutAsync(key, new MemoryStream(bytes), "application/octet-stream", CancellationToken.None);
        (await ReadAllAsync(key)).ShouldBe(bytes);
        (await Store.LengthAsync(key, CancellationToken.None)).ShouldBe(bytes.Length);
    }

    [Fact]
    public async Task Put_EmptyStream_EmptyBlob()
    {
        var key = NewKey("empty");
        await Store.PutAsync(key, new MemoryStream(), "application/octet-stream", CancellationToken.None);
        (await Store.LengthAsync(key, CancellationToken.None)).ShouldBe(0);
        (await ReadAllAsync(key)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Put_ExistingKey_ReplacedWhole()
    {
        var key = NewKey("replaced.txt");
        await Store.PutAsync(key, new MemoryStream(Bytes(50_000, seed: 2)), "text/plain", CancellationToken.None);
        var shorter = Bytes(1_000, seed: 3);
        await Store.PutAsync(key, new MemoryStream(shorter), "text/plain", CancellationToken.None);
        (await ReadAllAsync(key)).ShouldBe(shorter);
        (await Store.LengthAsync(key, CancellationToken.None)).ShouldBe(shorter.Length);
    }

    [Fact]
    public async Task Put_NonSeekableStream_StoredWhole()
    {
        var key = NewKey("piped.bin");
        var bytes = Bytes(1_500_000, seed: 4);
        await Store.PutAsync(key, new NonSeekableStream(new MemoryStream(bytes)), "application/octet-stream", CancellationToken.None);
        (await ReadAllAsync(key)).ShouldBe(bytes);
    }

    [Fact]
    public async Task Put_StreamNotAtStart_StoresFromItsPosition()
    {
        var key = NewKey("tail.bin");
        var bytes = Bytes(10_000, seed: 5);
        var stream = new MemoryStream(bytes) { Position = 4_000 };
        await Store.PutAsync(key, stream, "application/octet-stream", CancellationToken.None);
        (await ReadAllAsync(key)).ShouldBe(bytes[4_000..]);
    }

    [Fact]
    public async Task Put_LargeNonSeekableStream_StoredIntact()
    {
        var key = NewKey("large-piped.bin");
        var (path, sha256) = await RandomFileAsync(LargeSize, seed: 6);
        await using (var source = new NonSeekableStream(File.OpenRead(path)))
        {
            await Store.PutAsync(key, source, "audio/mpeg", CancellationToken.None);
        }

        (await Store.LengthAsync(key, CancellationToken.None)).ShouldBe(LargeSize);
        (await DownloadedSha256Async(key)).ShouldBe(sha256);
        await AfterLargeUploadAsync(key, "audio/mpeg");
    }

    [Fact]
    public async Task Length_MissingKey_Null()
    {
        (await Store.LengthAsync(NewKey("never-written"), CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Delete_StoredBlob_Gone()
    {
        var key = NewKey("doomed.txt");
        await Store.PutAsync(key, new MemoryStream(Bytes(100, seed: 7)), "text/plain", CancellationToken.None);
        await Store.DeleteAsync(key, CancellationToken.None);
        (await Store.LengthAsync(key, CancellationToken.None)).ShouldBeNull();
        await Should.ThrowAsync<FileNotFoundException>(() => Store.OpenReadAsync(key, CancellationToken.None));
        await Store.DeleteAsync(key, CancellationToken.None);
    }

    [Fact]
    public async Task Delete_MissingKey_NoError()
    {
        await Store.DeleteAsync(NewKey("never-written"), CancellationToken.None);
        await Store.DeleteAsync($"no-such-folder-{Guid.NewGuid():N}/deeper/blob", CancellationToken.None);
    }

    [Fact]
    public async Task OpenRead_MissingKey_FileNotFound()
    {
        await Should.ThrowAsync<FileNotFoundException>(() => Store.OpenReadAsync(NewKey("never-written"), CancellationToken.None));
        await Should.ThrowAsync<FileNotFoundException>(() => Store.OpenReadAsync($"no-such-folder-{Guid.NewGuid():N}/blob", CancellationToken.None));
    }

    [Fact]
    public async Task OpenReadPart_StartMiddleEnd_ExactlyThoseBytes()
    {
        var key = NewKey("parts.bin");
        var bytes = Bytes(300_000, seed: 21);
        await Store.PutAsync(key, new MemoryStream(bytes), "application/octet-stream", CancellationToken.None);

        (await ReadPartAsync(key, 0, 1)).ShouldBe(bytes[..1]);
        (await ReadPartAsync(key, 1000, 65_536)).ShouldBe(bytes[1000..66_536]);
        (await ReadPartAsync(key, 299_990, 10)).ShouldBe(bytes[299_990..]);
        (await ReadPartAsync(key, 0, 300_000)).ShouldBe(bytes);
    }

    [Fact]
    public async Task OpenReadPart_PastTheEnd_WhatThereIs()
    {
        var key = NewKey("short.bin");
        var bytes = Bytes(1_000, seed: 22);
        await Store.PutAsync(key, new MemoryStream(bytes), "application/octet-stream", CancellationToken.None);

        (await ReadPartAsync(key, 900, 500)).ShouldBe(bytes[900..]);
        (await ReadPartAsync(key, 1_000, 10)).ShouldBeEmpty();
        (await ReadPartAsync(key, 5_000, 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task OpenReadPart_MissingKeyOrBadRange_Refused()
    {
        var key = NewKey("range.bin");
        await Store.PutAsync(key, new MemoryStream(Bytes(10, seed: 23)), "application/octet-stream", CancellationToken.None);

        await Should.ThrowAsync<FileNotFoundException>(() => Store.OpenReadAsync(NewKey("never-written"), 0, 10, CancellationToken.None));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => Store.OpenReadAsync(key, -1, 10, CancellationToken.None));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => Store.OpenReadAsync(key, 0, 0, CancellationToken.None));
    }

    [Fact]
    public async Task DownloadToFile_StoredBlob_ReplacesTheLocalFile()
    {
        var key = NewKey("download.bin");
        var bytes = Bytes(200_000, seed: 8);
        await Store.PutAsync(key, new MemoryStream(bytes), "application/octet-stream", CancellationToken.None);
        var target = Path.Combine(Scratch, "download.bin");
        await File.WriteAllBytesAsync(target, Bytes(500_000, seed: 9));

        await Store.DownloadToFileAsync(key, target, CancellationToken.None);

        (await File.ReadAllBytesAsync(target)).ShouldBe(bytes);
    }

    [Fact]
    public async Task DownloadToFile_MissingKey_FileNotFound_NoFileLeft()
    {
        var target = Path.Combine(Scratch, "missing.bin");
        await Should.ThrowAsync<FileNotFoundException>(() => Store.DownloadToFileAsync(NewKey("never-written"), target, CancellationToken.None));
        File.Exists(target).ShouldBeFalse();
    }

    [Fact]
    public async Task ImportFile_Stored_LocalFileGone()
    {
        var key = NewKey("imported.mp3");
        var bytes = Bytes(400_000, seed: 10);
        var local = Path.Combine(Scratch, "imported.mp3");
        await File.WriteAllBytesAsync(local, bytes);

        await Store.ImportFileAsync(key, local, "audio/mpeg", CancellationToken.None);

        File.Exists(local).ShouldBeFalse();
        (await ReadAllAsync(key)).ShouldBe(bytes);
    }

    [Fact]
    public async Task ImportFile_ExistingKey_Replaced()
    {
        var key = NewKey("reimported.bin");
        await Store.PutAsync(key, new MemoryStream(Bytes(90_000, seed: 11)), "application/octet-stream", CancellationToken.None);
        var bytes = Bytes(30_000, seed: 12);
        var local = Path.Combine(Scratch, "again.bin");
        await File.WriteAllBytesAsync(local, bytes);

        await Store.ImportFileAsync(key, local, "application/octet-stream", CancellationToken.None);

        (await ReadAllAsync(key)).ShouldBe(bytes);
    }

    [Fact]
    public async Task ImportFile_70MiB_StoredIntact_LocalFileGone()
    {
        var key = NewKey("large.wav");
        var (local, sha256) = await RandomFileAsync(LargeSize, seed: 13);

        await Store.ImportFileAsync(key, local, "audio/wav", CancellationToken.None);

        File.Exists(local).ShouldBeFalse();
        (await Store.LengthAsync(key, CancellationToken.None)).ShouldBe(LargeSize);
        (await DownloadedSha256Async(key)).ShouldBe(sha256);
        await AfterLargeUploadAsync(key, "audio/wav");
    }

    [Fact]
    public async Task ImportFile_MissingLocalFile_FileNotFound()
    {
        var key = NewKey("from-nowhere");
        await Should.ThrowAsync<FileNotFoundException>(() =>
            Store.ImportFileAsync(key, Path.Combine(Scratch, "not-there.bin"), "application/octet-stream", CancellationToken.None));
        (await Store.LengthAsync(key, CancellationToken.None)).ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../outside")]
    [InlineData("media/../../outside")]
    [InlineData("media/./x")]
    [InlineData("media//x")]
    [InlineData("media/")]
    [InlineData("media\\x")]
    [InlineData("with space")]
    [InlineData("caf\u00e9.mp3")]
    [InlineData("query?x=1")]
    public async Task AnyOperation_InvalidKey_ArgumentException_NothingTouched(string key)
    {
        var local = Path.Combine(Scratch, "victim.bin");
        await File.WriteAllBytesAsync(local, [1, 2, 3]);
        var ct = CancellationToken.None;

        await Should.ThrowAsync<ArgumentException>(() => Store.PutAsync(key, new MemoryStream([1]), "text/plain", ct));
        await Should.ThrowAsync<ArgumentException>(() => Store.ImportFileAsync(key, local, "text/plain", ct));
        await Should.ThrowAsync<ArgumentException>(() => Store.OpenReadAsync(key, ct));
        await Should.ThrowAsync<ArgumentException>(() => Store.DownloadToFileAsync(key, local, ct));
        await Should.ThrowAsync<ArgumentException>(() => Store.LengthAsync(key, ct));
        await Should.ThrowAsync<ArgumentException>(() => Store.DeleteAsync(key, ct));
        await Should.ThrowAsync<ArgumentException>(() => Store.GetReadUrlAsync(key, TimeSpan.FromMinutes(5), null, ct));
        Should.Throw<ArgumentException>(() => Store.LocalPath(key));
        (await File.ReadAllBytesAsync(local)).ShouldBe([1, 2, 3]);
    }

    [Fact]
    public async Task Put_LongestValidKey_Works_OneMoreCharacterRefused()
    {
        var segment = new string('s', BlobKey.MaxSegmentLength);
        var key = $"{segment}/{segment}/{Guid.NewGuid():N}";
        key += "/" + new string('t', BlobKey.MaxLength - key.Length - 1);
        key.Length.ShouldBe(BlobKey.MaxLength);

        await Store.PutAsync(key, new MemoryStream([42]), "application/octet-stream", CancellationToken.None);
        (await ReadAllAsync(key)).ShouldBe([42]);
        await Store.DeleteAsync(key, CancellationToken.None);

        await Should.ThrowAsync<ArgumentException>(() => Store.LengthAsync(key + "t", CancellationToken.None));
        await Should.ThrowAsync<ArgumentException>(() => Store.LengthAsync($"{segment}s/x", CancellationToken.None));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    [InlineData(7 * 24 * 3600 + 1)]
    public async Task GetReadUrl_LifetimeOutOfRange_ArgumentOutOfRange(int seconds)
    {
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() =>
            Store.GetReadUrlAsync(NewKey("any"), TimeSpan.FromSeconds(seconds), null, CancellationToken.None));
    }

    /// <summary>Store-specific checks on a blob that went the large-content way (a multipart upload on S3).</summary>
    protected virtual Task AfterLargeUploadAsync(string key, string contentType) => Task.CompletedTask;

    [Fact]
    public async Task Concatenate_SmallSources_OneBlobInOrder_SourcesKept()
    {
        var a = Bytes(1_000, seed: 11);
        var b = Bytes(0, seed: 12);
        var c = Bytes(70_000, seed: 13);
        var sources = new[] { NewKey("a"), NewKey("b"), NewKey("c") };
        await Store.PutAsync(sources[0], new MemoryStream(a), "application/octet-stream", CancellationToken.None);
        await Store.PutAsync(sources[1], new MemoryStream(b), "application/octet-stream", CancellationToken.None);
        await Store.PutAsync(sources[2], new MemoryStream(c), "application/octet-stream", CancellationToken.None);
        var key = NewKey("joined");
        await Store.ConcatenateAsync(key, sources, "application/octet-stream", CancellationToken.None);
        (await ReadAllAsync(key)).ShouldBe([.. a, .. b, .. c]);
        (await Store.LengthAsync(sources[2], CancellationToken.None)).ShouldBe(c.Length);
    }

    [Fact]
    public async Task Concatenate_SourcesOfUnevenSizes_PastSeveralParts_SameBytes()
    {
        // Sources smaller and larger than a part (8 MiB for S3), so parts straddle sources and the last is short.
        int[] sizes = [3 * 1024 * 1024, 11 * 1024 * 1024, 1, 5 * 1024 * 1024 + 7];
        var sources = new List<string>();
        using var expected = new MemoryStream();
        for (var i = 0; i < sizes.Length; i++)
        {
            var bytes = Bytes(sizes[i], seed: 20 + i);
            expected.Write(bytes);
            var source = NewKey($"part-{i}");
            await Store.PutAsync(source, new MemoryStream(bytes), "application/octet-stream", CancellationToken.None);
            sources.Add(source);
        }

        var key = NewKey("joined-large");
        await Store.ConcatenateAsync(key, sources, "application/octet-stream", CancellationToken.None);
        (await Store.LengthAsync(key, CancellationToken.None)).ShouldBe(expected.Length);
        (await ReadAllAsync(key)).ShouldBe(expected.ToArray());
    }

    [Fact]
    public async Task Concatenate_MissingSource_FileNotFound_NothingStored()
    {
        var present = NewKey("present");
        await Store.PutAsync(present, new MemoryStream(Bytes(10, seed: 30)), "application/octet-stream", CancellationToken.None);
        var key = NewKey("never");
        await Should.ThrowAsync<FileNotFoundException>(() =>
            Store.ConcatenateAsync(key, [present, NewKey("missing")], "application/octet-stream", CancellationToken.None));
        (await Store.LengthAsync(key, CancellationToken.None)).ShouldBeNull();
    }

    protected static string NewKey(string name) => $"tests/{Guid.NewGuid():N}/{name}";

    protected static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected async Task<byte[]> ReadAllAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    protected async Task<byte[]> ReadPartAsync(string key, long offset, long length)
    {
        await using var stream = await Store.OpenReadAsync(key, offset, length, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>A generated file of pseudo-random bytes (never checked in) and its SHA-256.</summary>
    protected async Task<(string Path, string Sha256)> RandomFileAsync(int size, int seed)
    {
        var path = Path.Combine(Scratch, $"random-{seed}.bin");
        var random = new Random(seed);
        var buffer = new byte[1024 * 1024];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            for (var written = 0; written < size; written += buffer.Length)
            {
                var chunk = buffer.AsMemory(0, Math.Min(buffer.Length, size - written));
                random.NextBytes(chunk.Span);
                hash.AppendData(chunk.Span);
                await file.WriteAsync(chunk);
            }
        }

        return (path, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private async Task<string> DownloadedSha256Async(string key)
    {
        var copy = Path.Combine(Scratch, $"downloaded-{Guid.NewGuid():N}.bin");
        await Store.DownloadToFileAsync(key, copy, CancellationToken.None);
        await using var file = File.OpenRead(copy);
        var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file));
        file.Close();
        File.Delete(copy);
        return sha256;
    }

    /// <summary>A stream that can only be read forward, like a request body or a pipe: its length is unknown.</summary>
    protected sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

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
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
