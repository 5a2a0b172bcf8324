using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Airwave.Catalog.Features;
using Airwave.Catalog.Features.Episodes;
using Airwave.Catalog.Features.Feeds;
using Airwave.Catalog.Podcasts;
using Airwave.Catalog.Text;
using Airwave.Media.Contracts;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Catalog.Feeds;

/// <summary>
/// Builds a podcast's feed from the database (two queries: its live episodes and their renditions) and stores it
/// with precomputed gzip and Brotli bodies, so requests serve bytes and never build XML. A build is keyed by the
/// podcast's feed version: <see cref="EnsureFreshAsync"/> builds only when the stored feed is older than the
/// version (or missing), so a burst of changes costs one build, and a rebuild that produces the same content keeps
/// the stored bytes, ETag and Last-Modified.
/// </summary>
internal sealed class FeedBuilder(
    PodcastStore podcasts,
    EpisodeStore episodes,
    IMediaService media,
    FeedStore store,
    PublicUrls urls,
    IOptions<FeedOptions> options,
    TimeProvider clock,
    ILogger<FeedBuilder> logger) : IDisposable
{
    /// <summary>Brotli quality 5: most of quality 11's gain on XML at a small fraction of its time (builds stay in milliseconds).</summary>
    private const int BrotliQuality = 5;
    private const int BrotliWindow = 22;

    // Builds of one feed in this process queue behind each other (the second then finds the feed fresh).
    private readonly SemaphoreSlim[] _gates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    // Show notes rendered to HTML, by their Markdown: rendering is most of a build's time, and notes rarely change.
    private readonly MemoryCache _html = new(new MemoryCacheOptions { SizeLimit = 64L * 1024 * 1024 });

    public void Dispose()
    {
        _html.Dispose();
        foreach (var gate in _gates)
        {
            gate.Dispose();
        }
    }

    /// <summary>The show notes as sanitised HTML, rendered once per distinct text.</summary>
    public string Html(string markdown) =>
        _html.GetOrCreate(markdown, entry =>
        {
            entry.Size = (markdown.Length * 2L) + 64;
            return ShowNotes.ToHtml(markdown);
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
        // The version is read before the content: content at least as new as the version stored with it means a
        // change committed meanwhile leaves the row stale (and rebuilt), never marked fresh without it.
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        var now = clock.GetUtcNow();
        if (podcast is null || !podcast.IsPublicAt(now))
        {
            await store.DeleteAsync(podcastId, null, cancellationToken);
            return;
        }

        var rows = await episodes.ListLiveAsync(podcastId, now, cancellationToken);
        var renditions = await media.GetRenditionsAsync([.. rows.Select(r => r.LiveAssetId!.Value)], cancellationToken);
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
        var documents = Build(podcast with { PodcastGuid = guid }, rows, renditions, baseUrl, pageSize, built, Html);
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
        logger.LogDebug("Feed of {PodcastId} for {BaseUrl}: {Episodes} episodes, {Changed} of {Pages} page(s) changed", podcastId, baseUrl,
            rows.Count, changed.Count, documents.Count);
    }

    /// <summary>
    /// The feed's pages, written (no database, no compression): serial shows oldest first by season and number,
    /// episodic ones newest first; one complete page unless <paramref name="pageSize"/> splits it.
    /// </summary>
    /// <param name="built">The lastBuildDate written into the pages.</param>
    /// <param name="html">Renders show notes (Markdown) to sanitised HTML.</param>
    internal static IReadOnlyList<FeedDocument> Build(PodcastRow podcast, IReadOnlyList<EpisodeRow> rows,
        IReadOnlyDictionary<Guid, IReadOnlyList<MediaRendition>> renditions, string baseUrl, int pageSize, DateTimeOffset built,
        Func<string, string> html)
    {
        var ordered = podcast.PodcastType == "serial"
            ? rows.OrderBy(e => e.SeasonNumber ?? int.MaxValue).ThenBy(e => e.EpisodeNumber ?? int.MaxValue).ThenBy(e => e.PublishedAt).ToList()
            : rows;
        var items = new List<FeedItem>(ordered.Count);
        foreach (var row in ordered)
        {
            if (Item(row, renditions.GetValueOrDefault(row.LiveAssetId!.Value), baseUrl, html) is { } item)
            {
                items.Add(item);
            }
        }

        var feedUrl = PublicUrls.Combine(baseUrl, GetRssFeed.PathOf(podcast.Id));
        var channel = Channel(podcast, feedUrl, baseUrl, built, items.Count == 0 ? null : items.Max(i => i.PubDate), html);
        if (pageSize <= 0 || items.Count <= pageSize)
        {
            return [RssFeedWriter.WriteDocument(channel, items)];
        }

        var count = (items.Count + pageSize - 1) / pageSize;
        var pages = new FeedDocument[count];
        for (var page = 1; page <= count; page++)
        {
            var paging = new FeedPaging(feedUrl, page > 1 ? PageUrl(feedUrl, page - 1) : null, page < count ? PageUrl(feedUrl, page + 1) : null,
                PageUrl(feedUrl, count));
            pages[page - 1] = RssFeedWriter.WriteDocument(channel with { Paging = paging, SelfUrl = PageUrl(feedUrl, page) },
                items.GetRange((page - 1) * pageSize, Math.Min(pageSize, items.Count - ((page - 1) * pageSize))));
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

    /// <summary>The episode as an item, or null when its live media has no MP3 (nothing to enclose).</summary>
    internal static FeedItem? Item(EpisodeRow row, IReadOnlyList<MediaRendition>? renditions, string baseUrl, Func<string, string> html)
    {
        var mp3 = renditions?.FirstOrDefault(r => r.Name == "mp3");
        if (mp3 is null)
        {
            return null;
        }

        var aac = renditions!.FirstOrDefault(r => r.Name == "aac");
        var notes = html(row.Description);
        var fields = EpisodeFeedFields.From(row);
        return new FeedItem(row.Guid, row.Title, notes.Length > 0 ? notes : $"<p>{System.Net.WebUtility.HtmlEncode(row.Title)}</p>", row.PublishedAt!.Value,
            PublicUrls.Combine(baseUrl, EpisodeAudio.PathOf(row.Id)), mp3.SizeBytes, mp3.ContentType,
            (long)Math.Round((row.DurationMs ?? 0) / 1000.0), Covers.LargestAt(row.CoverImageKey, baseUrl), row.SeasonNumber,
            row.EpisodeNumber, row.EpisodeType, row.Explicit,
            aac is null ? null : new FeedAlternate(PublicUrls.Combine(baseUrl, "/" + aac.Key), aac.SizeBytes, aac.ContentType, aac.BitrateKbps, aac.Sha256))
        {
            Transcripts = fields.Transcripts!,
            ChaptersUrl = row.ChaptersUrl ?? (row.MediaChapters > 0 ? PublicUrls.Combine(baseUrl, EpisodeChapters.PathOf(row.Id)) : null),
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
            Etag = Convert.ToHexStringLower(SHA256.HashData(body))[..32],
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
