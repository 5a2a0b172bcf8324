using Airwave.Catalog.Data;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Airwave.Catalog.Feeds;

/// <summary>
/// Stored feed bodies kept in this process, keyed by podcast, base URL, page and encoding and checked against the
/// stored ETag on every request (one small query), so a rebuild by any process is seen at once. Bounded by
/// <see cref="FeedOptions.MemoryCacheMegabytes"/>; the least recently used bodies go first.
/// </summary>
internal sealed class FeedCache : IDisposable
{
    private readonly MemoryCache? _cache;

    public FeedCache(IOptions<FeedOptions> options)
    {
        var bytes = (long)options.Value.MemoryCacheMegabytes * 1024 * 1024;
        _cache = bytes > 0 ? new MemoryCache(new MemoryCacheOptions { SizeLimit = bytes }) : null;
    }

    public void Dispose() => _cache?.Dispose();

    /// <summary>The cached body if it is the one with <paramref name="etag"/>, else null.</summary>
    public StoredFeedBody? Get(Guid podcastId, string baseUrl, int page, FeedEncoding encoding, string etag) =>
        _cache is not null && _cache.TryGetValue((podcastId, baseUrl, page, encoding), out StoredFeedBody? body) && body!.Etag == etag ? body : null;

    public void Set(Guid podcastId, string baseUrl, int page, FeedEncoding encoding, StoredFeedBody body) =>
        _cache?.Set((podcastId, baseUrl, page, encoding), body, new MemoryCacheEntryOptions { Size = body.Body.Length + 256 });
}
