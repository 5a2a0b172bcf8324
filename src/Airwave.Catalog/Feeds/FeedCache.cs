using System.Collections.Concurrent;
using System.Diagnostics;
using Airwave.Catalog.Data;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Airwave.Catalog.Feeds;

/// <summary>
/// What serving a feed needs, kept in this process so a popular feed costs no database work per request:
/// <list type="bullet">
/// <item>Stored feed bodies, keyed by podcast, base URL, page and encoding and checked against the current ETag.
/// Bounded by <see cref="FeedOptions.MemoryCacheMegabytes"/>; the least recently used bodies go first.</item>
/// <item>The current state of each feed (its version, ETag, Last-Modified), read from the database at most once per
/// <see cref="StateLifetime"/>. Any catalog change committed in this process, and any rebuild stored by it, drops
/// every state at once (<see cref="Invalidate"/>), so this process never serves a feed older than its last change;
/// another process (scale-out) sees a change within <see cref="StateLifetime"/>, far inside the feed's max-age.</item>
/// </list>
/// </summary>
internal sealed class FeedCache : IDisposable
{
    /// <summary>How long a feed's state read from the database is trusted without asking again.</summary>
    public static readonly TimeSpan StateLifetime = TimeSpan.FromSeconds(1);

    private readonly MemoryCache? _cache;
    private readonly ConcurrentDictionary<(Guid PodcastId, string BaseUrl, int Page), CachedState> _states = new();
    private long _generation;

    private sealed record CachedState(StoredFeedState State, long Generation, long ReadAt);

    public FeedCache(IOptions<FeedOptions> options)
    {
        var bytes = (long)options.Value.MemoryCacheMegabytes * 1024 * 1024;
        _cache = bytes > 0 ? new MemoryCache(new MemoryCacheOptions { SizeLimit = bytes }) : null;
    }

    public void Dispose() => _cache?.Dispose();

    /// <summary>Read before asking the database for a state, and given back to <see cref="SetState"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Something a feed shows may have changed: every cached state is stale.</summary>
    public void Invalidate() => Interlocked.Increment(ref _generation);

    /// <summary>The state read for this feed less than <see cref="StateLifetime"/> ago with nothing changed since, or null.</summary>
    public StoredFeedState? State(Guid podcastId, string baseUrl, int page) =>
        _states.TryGetValue((podcastId, baseUrl, page), out var cached) && cached.Generation == Generation
            && Stopwatch.GetElapsedTime(cached.ReadAt) < StateLifetime
            ? cached.State
            : null;

    /// <summary>
    /// Keeps a state read from the database; <paramref name="generation"/> is <see cref="Generation"/> from before the
    /// read, so a change committed while it ran makes it stale at once.
    /// </summary>
    public void SetState(Guid podcastId, string baseUrl, int page, StoredFeedState state, long generation) =>
        _states[(podcastId, baseUrl, page)] = new CachedState(state, generation, Stopwatch.GetTimestamp());

    /// <summary>The cached body if it is the one with <paramref name="etag"/>, else null.</summary>
    public StoredFeedBody? Get(Guid podcastId, string baseUrl, int page, FeedEncoding encoding, string etag) =>
        _cache is not null && _cache.TryGetValue((podcastId, baseUrl, page, encoding), out StoredFeedBody? body) && body!.Etag == etag ? body : null;

    public void Set(Guid podcastId, string baseUrl, int page, FeedEncoding encoding, StoredFeedBody body) =>
        _cache?.Set((podcastId, baseUrl, page, encoding), body, new MemoryCacheEntryOptions { Size = body.Body.Length + 256 });
}
