using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Airwave.Catalog.Features;
using Airwave.Catalog.Features.Episodes;
using Airwave.Catalog.Features.Feeds;
using Airwave.Catalog.Podcasts;
using Airwave.Catalog.Text;
using Airwave.Media.Contracts;
using Airwave.Notifications.Contracts;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Catalog.Feeds;

/// <summary>
/// Builds a podcast's feed from the database and stores it with precomputed gzip and Brotli bodies, so requests
/// serve bytes and never build XML. No query per episode: a light list of the feed's episodes, then whole rows and
/// renditions (one query each) only for episodes not written before (see <see cref="ItemKey"/>). A build is keyed by the
/// podcast's feed version: <see cref="EnsureFreshAsync"/> builds only when the stored feed is older than the
/// version (or missing), so a burst of changes costs one build, and a rebuild that produces the same content keeps
/// the stored bytes, ETag and Last-Modified.
/// </summary>
internal sealed class FeedBuilder(
    PodcastStore podcasts,
    EpisodeStore episodes,
    IMediaService media,
    IPublishNotifier notifier,
    FeedStore store,
    PublicUrls urls,
    IOptions<FeedOptions> options,
    TimeProvider clock,
    FeedCache cache,
    FeedMetrics metrics,
    ILogger<FeedBuilder> logger) : IDisposable
{
    /// <summary>Brotli quality 4: most of quality 11's gain on feed XML at a small fraction of its time (builds stay in milliseconds).</summary>
    private const int BrotliQuality = 4;
    private const int BrotliWindow = 22;

    // Builds of one feed in this process queue behind each other (the second then finds the feed fresh).
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    // Show notes rendered to HTML, by their Markdown, and items written as XML, by what they are written from: most
    // of a build's time goes into these, and an edit changes one episode, not two thousand.
    private readonly MemoryCache _html = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.MemoryCacheMegabytes) * 1024L * 1024 / 4 });
    private readonly ItemFragmentCache _items = new(Math.Max(1, options.Value.MemoryCacheMegabytes) * 1024L * 1024);

    public void Dispose()
    {
        _html.Dispose();
        _items.Dispose();
        foreach (var gate in _gates)
        {
            gate.Dispose();
        }
    }

    /// <summary>The show notes as sanitised HTML, rendered once per distinct text.</summary>
    public string Html(string markdown) =>
        _html.GetOrCreate(markdown, entry =>
        {
            var html = ShowNotes.ToHtml(markdown);
            entry.Size = ((markdown.Length + html.Length) * 2L) + 64;
            return html;
        })!;

    /// <summary>
    /// Makes sure the stored feed for <paramref name="baseUrl"/> is built from the podcast's current version; false
    /// when the podcast has no public feed (its stored feeds are then removed).
    /// </summary>
    public async Task<bool> EnsureFreshAsync(Guid podcastId, string baseUrl, CancellationToken cancellationToken)
    {
        var gate = _gates[(int)((uint)HashCode.Combine(podcastId, baseUrl) % (uint)_gates.Length)];
        await gate.WaitAsync(cancellationToken);
        try
        {
            var state = await store.StateAsync(podcastId, baseUrl, 1, cancellationToken);
            if (state is null || !(state.PublishedAt <= clock.GetUtcNow()))
            {
                if (state is not null)
                {
                    await store.DeleteAsync(podcastId, null, cancellationToken);
                    cache.Invalidate();
                }

                return false;
            }

            if (!state.IsFresh(options.Value.PageSize))
            {
                await BuildAsync(podcastId, baseUrl, cancellationToken);
            }

            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// After a change (<c>FeedChanged</c>): rebuilds the feed for the configured public base URL, or, without one, for
    /// every base URL requests have asked for (others are built when first asked).
    /// </summary>
    public async Task RefreshAsync(Guid podcastId, CancellationToken cancellationToken)
    {
        if (urls.Configured is { } configured)
        {
            await store.DeleteAsync(podcastId, configured, cancellationToken);
            cache.Invalidate();
            await EnsureFreshAsync(podcastId, configured, cancellationToken);
            return;
        }

        foreach (var baseUrl in await store.BaseUrlsAsync(podcastId, cancellationToken))
        {
            await EnsureFreshAsync(podcastId, baseUrl, cancellationToken);
        }
    }

    /// <summary>Builds and stores every page of the feed for <paramref name="baseUrl"/>, whatever is stored.</summary>
    public async Task BuildAsync(Guid podcastId, string baseUrl, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();

        // The version is read before the content: content at least as new as the version stored with it means a
        // change committed meanwhile leaves the row stale (and rebuilt), never marked fresh without it.
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        var now = clock.GetUtcNow();
        if (podcast is null || !podcast.IsPublicAt(now))
        {
            await store.DeleteAsync(podcastId, null, cancellationToken);
            cache.Invalidate();
            return;
        }

        var entries = await episodes.ListFeedEntriesAsync(podcastId, now, cancellationToken);
        var feedUrl = PublicUrls.Combine(baseUrl, GetRssFeed.PathOf(podcastId));
        var guid = podcast.PodcastGuid ?? await podcasts.AssignGuidAsync(podcastId, PodcastGuid.ForFeedUrl(feedUrl), cancellationToken);
        var stored = (await store.SummariesAsync(podcastId, baseUrl, cancellationToken)).ToDictionary(s => s.Page);

        // Last-Modified (and lastBuildDate) moves forward with every change, even two in one second: HTTP dates have whole seconds.
        var built = WholeSeconds(now);
        if (stored.Count > 0 && stored.Values.Max(s => s.LastModified) is var latest && latest >= built)
        {
            built = latest.AddSeconds(1);
        }

        var pageSize = options.Value.PageSize;
        var fragments = await ItemsAsync(entries, baseUrl, cancellationToken);
        var documents = Compose(podcast with { PodcastGuid = guid },
            [.. Order(podcast, entries, e => e.SeasonNumber, e => e.EpisodeNumber, e => e.PublishedAt).Select(e => (e.PublishedAt, fragments[e.Id]))],
            baseUrl, pageSize, built, Html, notifier.WebSubHubs);
        var changed = new List<StoredFeedPage>();
        for (var i = 0; i < documents.Count; i++)
        {
            var hash = ContentHash(documents[i]);
            if (stored.GetValueOrDefault(i + 1)?.ContentHash != hash)
            {
                changed.Add(await CompressAsync(i + 1, hash, documents[i].Body, built));
            }
        }

        await store.SaveAsync(podcastId, baseUrl, podcast.FeedVersion, pageSize, documents.Count, changed, now, limitBaseUrls: urls.Configured is null,
            cancellationToken);
        cache.Invalidate();
        metrics.Built(started);
        // bench/delivery reads this line for the rebuild time.
        logger.LogInformation("Feed of podcast {PodcastId} rebuilt for {BaseUrl} in {ElapsedMs} ms: {Episodes} episodes, {Changed} of {Pages} page(s) changed",
            podcastId, baseUrl, Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture), entries.Count,
            changed.Count, documents.Count);
    }

    /// <summary>
    /// Each entry's written item: kept from an earlier build when nothing it is written from changed, otherwise
    /// written now from the whole row (read only for these). An episode whose media has no MP3 gets an empty item.
    /// </summary>
    private async Task<Dictionary<Guid, byte[]>> ItemsAsync(IReadOnlyList<FeedEntry> entries, string baseUrl, CancellationToken cancellationToken)
    {
        var fragments = new Dictionary<Guid, byte[]>(entries.Count);
        var missing = new Dictionary<Guid, FeedEntry>();
        foreach (var entry in entries)
        {
            if (_items.Get(KeyOf(entry, baseUrl)) is { } fragment)
            {
                fragments[entry.Id] = fragment;
            }
            else
            {
                missing[entry.Id] = entry;
            }
        }

        if (missing.Count == 0)
        {
            return fragments;
        }

        var rows = await episodes.FindManyAsync(missing.Keys, cancellationToken);
        var renditions = await media.GetRenditionsAsync([.. rows.Where(r => r.LiveAssetId is not null).Select(r => r.LiveAssetId!.Value)], cancellationToken);
        // A row unpublished since the list was read is left out now; the change that did it has made the feed stale anyway.
        var items = rows.Select(row => (Row: row, Item: row is { LiveAssetId: { } asset, PublishedAt: not null }
                ? Item(row, renditions.GetValueOrDefault(asset), baseUrl, Html)
                : null))
            .ToList();
        var written = RssFeedWriter.ItemFragments([.. items.Where(i => i.Item is not null).Select(i => i.Item!)]);
        var next = 0;
        foreach (var (row, item) in items)
        {
            var fragment = item is null ? [] : written[next++];
            fragments[row.Id] = fragment;
            // Kept under what the entry said before the row was read: a change in between gets written again next time.
            if (missing.TryGetValue(row.Id, out var entry) && entry.UpdatedAt == row.UpdatedAt)
            {
                _items.Set(KeyOf(entry, baseUrl), fragment);
            }
        }

        // Deleted between the two reads: nothing to list.
        foreach (var gone in missing.Keys.Where(id => !fragments.ContainsKey(id)))
        {
            fragments[gone] = [];
        }

        return fragments;
    }

    private static ItemKey KeyOf(FeedEntry entry, string baseUrl) =>
        new(entry.Id, entry.UpdatedAt, entry.PublishedAt, entry.LiveAssetId, entry.MediaChapters, baseUrl);

    /// <summary>
    /// A subscriber's private feed, built for this request (few clients fetch one, each with its own URLs): every
    /// live episode, premium ones included, written by the same item and channel code as the public feed.
    /// </summary>
    public async Task<FeedDocument> BuildPrivateAsync(PodcastRow podcast, string token, string baseUrl, CancellationToken cancellationToken)
    {
        var rows = await episodes.ListLiveAsync(podcast.Id, clock.GetUtcNow(), cancellationToken);
        var renditions = await media.GetRenditionsAsync([.. rows.Select(r => r.LiveAssetId!.Value)], cancellationToken);
        return Private(podcast, rows, renditions, token, baseUrl, Html);
    }

    /// <summary>
    /// The private feed's one document (never paged): the public channel with <c>itunes:block</c> yes (directories
    /// must not list a personal URL) and <c>podcast:locked</c> yes, no WebSub hub (nobody announces it) and no
    /// new-feed-url (subscribers stay on their URL); self is the private URL; enclosures carry the token. Its
    /// lastBuildDate is the newest change of what it shows, so equal content gives equal bytes (and ETag).
    /// </summary>
    internal static FeedDocument Private(PodcastRow podcast, IReadOnlyList<EpisodeRow> rows, IReadOnlyDictionary<Guid, IReadOnlyList<MediaRendition>> renditions,
        string token, string baseUrl, Func<string, string> html)
    {
        var items = Order(podcast, rows, r => r.SeasonNumber, r => r.EpisodeNumber, r => r.PublishedAt)
            .Select(row => (PublishedAt: row.PublishedAt!.Value, Item: Item(row, renditions.GetValueOrDefault(row.LiveAssetId!.Value), baseUrl, html, token)))
            .Where(i => i.Item is not null)
            .ToList();
        var built = WholeSeconds(rows.Select(r => r.UpdatedAt).Append(podcast.UpdatedAt).Concat(rows.Select(r => r.PublishedAt!.Value)).Max());
        var feedUrl = PublicUrls.Combine(baseUrl, GetPrivateFeed.PathOf(podcast.Id, token));
        var channel = Channel(podcast, feedUrl, baseUrl, built, items.Count == 0 ? null : items.Max(i => i.PublishedAt), html) with
        {
            Block = true,
            Locked = true,
            NewFeedUrl = null,
            Hubs = [],
            // The show's identity, not the URL's: the same podcast:guid as the public feed.
            PodcastGuid = podcast.PodcastGuid ?? PodcastGuid.ForFeedUrl(PublicUrls.Combine(baseUrl, GetRssFeed.PathOf(podcast.Id))),
        };
        return RssFeedWriter.WriteDocument(channel, [.. items.Select(i => i.Item!)]);
    }

    /// <summary>Serial shows oldest first by season and number; episodic ones as given (newest first).</summary>
    private static IReadOnlyList<T> Order<T>(PodcastRow podcast, IReadOnlyList<T> episodes, Func<T, int?> season, Func<T, int?> number,
        Func<T, DateTimeOffset?> published) =>
        podcast.PodcastType == "serial"
            ? [.. episodes.OrderBy(e => season(e) ?? int.MaxValue).ThenBy(e => number(e) ?? int.MaxValue).ThenBy(published)]
            : episodes;

    /// <summary>
    /// The feed's pages from whole rows, every item written (no database, no cache, no compression): what a build
    /// produces, for tests and tools.
    /// </summary>
    /// <param name="built">The lastBuildDate written into the pages.</param>
    /// <param name="html">Renders show notes (Markdown) to sanitised HTML.</param>
    internal static IReadOnlyList<FeedDocument> Build(PodcastRow podcast, IReadOnlyList<EpisodeRow> rows,
        IReadOnlyDictionary<Guid, IReadOnlyList<MediaRendition>> renditions, string baseUrl, int pageSize, DateTimeOffset built,
        Func<string, string> html)
    {
        var items = Order(podcast, rows, r => r.SeasonNumber, r => r.EpisodeNumber, r => r.PublishedAt)
            .Select(row => (PublishedAt: row.PublishedAt!.Value, Item: Item(row, renditions.GetValueOrDefault(row.LiveAssetId!.Value), baseUrl, html)))
            .Where(i => i.Item is not null)
            .ToList();
        var fragments = RssFeedWriter.ItemFragments([.. items.Select(i => i.Item!)]);
        return Compose(podcast, [.. items.Select((item, index) => (item.PublishedAt, fragments[index]))], baseUrl, pageSize, built, html);
    }

    /// <summary>
    /// The pages around items already written, in feed order (an empty item is an episode left out): one complete
    /// page unless <paramref name="pageSize"/> splits them, RFC 5005 links between pages.
    /// </summary>
    internal static IReadOnlyList<FeedDocument> Compose(PodcastRow podcast, IReadOnlyList<(DateTimeOffset PublishedAt, byte[] Item)> items,
        string baseUrl, int pageSize, DateTimeOffset built, Func<string, string> html, IReadOnlyList<string>? hubs = null)
    {
        var listed = items.Where(i => i.Item.Length > 0).ToList();
        var fragments = listed.Select(i => i.Item).ToList();
        var feedUrl = PublicUrls.Combine(baseUrl, GetRssFeed.PathOf(podcast.Id));
        var channel = Channel(podcast, feedUrl, baseUrl, built, listed.Count == 0 ? null : listed.Max(i => i.PublishedAt), html) with { Hubs = hubs ?? [] };
        if (pageSize <= 0 || fragments.Count <= pageSize)
        {
            return [RssFeedWriter.WriteDocument(channel, fragments)];
        }

        var count = (fragments.Count + pageSize - 1) / pageSize;
        var pages = new FeedDocument[count];
        for (var page = 1; page <= count; page++)
        {
            var paging = new FeedPaging(feedUrl, page > 1 ? PageUrl(feedUrl, page - 1) : null, page < count ? PageUrl(feedUrl, page + 1) : null,
                PageUrl(feedUrl, count));
            pages[page - 1] = RssFeedWriter.WriteDocument(channel with { Paging = paging, SelfUrl = PageUrl(feedUrl, page) },
                fragments.GetRange((page - 1) * pageSize, Math.Min(pageSize, fragments.Count - ((page - 1) * pageSize))));
        }

        return pages;
    }

    public static string PageUrl(string feedUrl, int page) => page == 1 ? feedUrl : $"{feedUrl}?page={page}";

    internal static FeedChannel Channel(PodcastRow podcast, string feedUrl, string baseUrl, DateTimeOffset built, DateTimeOffset? pubDate,
        Func<string, string> html)
    {
        var fields = PodcastFeedFields.From(podcast);
        return new FeedChannel(podcast.Title, html(podcast.Description), podcast.WebsiteUrl ?? feedUrl, podcast.Language,
            podcast.Copyright, podcast.Author, podcast.OwnerName, podcast.OwnerEmail, podcast.Category, podcast.Subcategory, podcast.Explicit,
            podcast.PodcastType, Covers.LargestAt(podcast.CoverImageKey, baseUrl), feedUrl, built)
        {
            PodcastGuid = podcast.PodcastGuid,
            NewFeedUrl = podcast.NewFeedUrl,
            Block = podcast.ItunesBlock,
            Complete = podcast.ItunesComplete,
            Locked = podcast.Locked,
            Funding = fields.Funding!,
            Persons = fields.Persons!,
            Location = fields.Location,
            License = fields.License,
            Txt = fields.Txt!,
            UpdateFrequency = fields.UpdateFrequency,
            PubDate = pubDate,
        };
    }

    /// <summary>
    /// The episode as an item, or null when its live media has no MP3 (nothing to enclose). With a subscriber's
    /// <paramref name="token"/> (a private feed), the URLs that need it to answer for a premium episode carry it.
    /// </summary>
    internal static FeedItem? Item(EpisodeRow row, IReadOnlyList<MediaRendition>? renditions, string baseUrl, Func<string, string> html,
        string? token = null)
    {
        var query = token is null ? "" : $"?token={Uri.EscapeDataString(token)}";
        var mp3 = renditions?.FirstOrDefault(r => r.Name == "mp3");
        if (mp3 is null)
        {
            return null;
        }

        var aac = renditions!.FirstOrDefault(r => r.Name == "aac");
        var notes = html(row.Description);
        var fields = EpisodeFeedFields.From(row);
        return new FeedItem(row.Guid, row.Title, notes.Length > 0 ? notes : $"<p>{System.Net.WebUtility.HtmlEncode(row.Title)}</p>", row.PublishedAt!.Value,
            PublicUrls.Combine(baseUrl, EpisodeAudio.PathOf(row.Id)) + query, mp3.SizeBytes, mp3.ContentType,
            (long)Math.Round((row.DurationMs ?? 0) / 1000.0), Covers.LargestAt(row.CoverImageKey, baseUrl), row.SeasonNumber,
            row.EpisodeNumber, row.EpisodeType, row.Explicit,
            aac is null ? null : new FeedAlternate(PublicUrls.Combine(baseUrl, EpisodeAudio.PathOf(row.Id, aac.Name)) + query, aac.SizeBytes, aac.ContentType, aac.BitrateKbps, aac.Sha256))
        {
            Transcripts = fields.Transcripts!,
            ChaptersUrl = row.ChaptersUrl ?? (EpisodeChapters.Served(row) ? PublicUrls.Combine(baseUrl, EpisodeChapters.PathOf(row.Id)) + query : null),
            Soundbites = fields.Soundbites!,
            Persons = fields.Persons!,
        };
    }

    /// <summary>SHA-256 of the document without its lastBuildDate: equal for two builds of the same content.</summary>
    internal static string ContentHash(FeedDocument document)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(document.Body, 0, document.StampStart);
        hash.AppendData(document.Body, document.StampEnd, document.Body.Length - document.StampEnd);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>gzip and Brotli side by side (the two encoders run on two cores).</summary>
    internal static async Task<StoredFeedPage> CompressAsync(int page, string contentHash, byte[] body, DateTimeOffset lastModified)
    {
        var brotli = Task.Run(() => Brotli(body));
        var gzip = Gzip(body);
        return new StoredFeedPage
        {
            Page = page,
            ContentHash = contentHash,
            // The bytes are the content (hashed already) plus the lastBuildDate: both name the representation.
            Etag = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{contentHash}|{lastModified.UtcTicks}")))[..32],
            Body = body,
            BodyGzip = gzip,
            BodyBrotli = await brotli,
            LastModified = lastModified,
        };
    }

    internal static byte[] Gzip(byte[] body)
    {
        using var output = new MemoryStream(body.Length / 4);
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return output.ToArray();
    }

    internal static byte[] Brotli(byte[] body)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(body.Length));
        try
        {
            if (!BrotliEncoder.TryCompress(body, buffer, out var written, BrotliQuality, BrotliWindow))
            {
                throw new InvalidOperationException("Brotli could not compress the feed into a buffer of its maximum compressed length.");
            }

            return buffer.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static DateTimeOffset WholeSeconds(DateTimeOffset time) => time.AddTicks(-(time.UtcTicks % TimeSpan.TicksPerSecond));
}

/// <summary>
/// What an item's XML is written from. An episode row's <c>updated_at</c> moves with every change to it, including
/// its media going live (in the transaction that follows the processed renditions), so equal keys mean equal bytes.
/// </summary>
internal readonly record struct ItemKey(Guid EpisodeId, DateTimeOffset UpdatedAt, DateTimeOffset PublishedAt, Guid LiveAssetId, int MediaChapters,
    string BaseUrl);

/// <summary>Written items in memory, bounded in bytes; the least recently used go first.</summary>
internal sealed class ItemFragmentCache(long bytes) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = bytes });

    public byte[]? Get(ItemKey key) => _cache.TryGetValue(key, out byte[]? fragment) ? fragment : null;

    public void Set(ItemKey key, byte[] fragment) => _cache.Set(key, fragment, new MemoryCacheEntryOptions { Size = fragment.Length + 128 });

    public void Dispose() => _cache.Dispose();
}
