using Airwave.Core.Storage;

namespace Airwave.IntegrationTests.Platform;

/// <summary>The blob store contract on the local disk, plus what only the local store does.</summary>
public sealed class LocalBlobStoreTests : BlobStoreContractTests
{
    private readonly LocalBlobStore _store;

    public LocalBlobStoreTests()
    {
        _store = new LocalBlobStore(Path.Combine(Scratch, "blobs"));
    }

    protected override IBlobStore Store => _store;

    [Fact]
    public async Task LocalPath_StoredBlob_FileUnderRootWithTheBytes()
    {
        var key = NewKey("here.bin");
        var bytes = Bytes(1_000, seed: 20);
        await _store.PutAsync(key, new MemoryStream(bytes), "application/octet-stream", CancellationToken.None);

        var path = _store.LocalPath(key);

        path.ShouldBe(Path.Combine(_store.Root, key));
        (await File.ReadAllBytesAsync(path!)).ShouldBe(bytes);
        _store.LocalPath(NewKey("never-written")).ShouldBeNull();
    }

    [Fact]
    public async Task Put_LeavesNoTemporaryFiles()
    {
        var key = NewKey("tidy.bin");
        await _store.PutAsync(key, new MemoryStream(Bytes(10_000, seed: 21)), "application/octet-stream", CancellationToken.None);
        await _store.PutAsync(key, new MemoryStream(Bytes(10_000, seed: 22)), "application/octet-stream", CancellationToken.None);
        var path = _store.LocalPath(key)!;
        Directory.GetFiles(Path.GetDirectoryName(path)!).ShouldBe([path]);
    }

    [Fact]
    public async Task Put_ConcurrentWritersSameKey_OneWholeVersionWins()
    {
        // Here rather than in the contract: S3 promises this too, but s3rver writes objects in place and does not.
        var key = NewKey("contended.bin");
        const int size = 512 * 1024;
        await Task.WhenAll(Enumerable.Range(1, 6).Select(writer =>
            _store.PutAsync(key, new MemoryStream(Enumerable.Repeat((byte)writer, size).ToArray()), "application/octet-stream", CancellationToken.None)));

        var stored = await ReadAllAsync(key);
        stored.Length.ShouldBe(size);
        stored.Distinct().Count().ShouldBe(1, "one writer's version, not a mix");
    }

    [Fact]
    public async Task GetReadUrl_StoredBlob_NullBecauseTheServerServesLocalFiles()
    {
        var key = NewKey("served.mp3");
        await _store.PutAsync(key, new MemoryStream(Bytes(100, seed: 23)), "audio/mpeg", CancellationToken.None);
        (await _store.GetReadUrlAsync(key, TimeSpan.FromMinutes(10), null, CancellationToken.None)).ShouldBeNull();
    }
}
