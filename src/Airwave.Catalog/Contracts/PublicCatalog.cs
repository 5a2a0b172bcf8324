namespace Airwave.Catalog.Contracts;

/// <summary>
/// A published podcast as public web pages show it. Paths are site-relative (the caller makes them absolute with the
/// base URL it serves); the description is already rendered from Markdown and sanitised (raw HTML shown as text,
/// links only to http, https and mailto), so it can be put in a page as it is.
/// </summary>
/// <param name="DescriptionText">The description as plain text, for meta descriptions and structured data.</param>
/// <param name="CoverPaths">Cover renders by size in pixels ("3000", "1400", "600", "300"); null when there is no cover.</param>
/// <param name="FeedPath">The public RSS feed.</param>
/// <param name="AppLinks">The show's pages in apps and directories that the creator set (Apple Podcasts, Spotify, …).</param>
public sealed record PublicPodcast(
    Guid Id,
    string Title,
    string DescriptionHtml,
    string DescriptionText,
    string Author,
    string Language,
    string Category,
    string? Subcategory,
    bool Explicit,
    string? WebsiteUrl,
    string? Copyright,
    IReadOnlyDictionary<string, string>? CoverPaths,
    string FeedPath,
    IReadOnlyList<PublicAppLink> AppLinks,
    DateTimeOffset PublishedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The show's page in one app or directory: the app's name as people know it, and the URL.</summary>
public sealed record PublicAppLink(string App, string Url);

/// <summary>A published, public (not premium) episode as web pages list it.</summary>
/// <param name="ItemGuid">The episode's RSS guid (what playback events may name it by).</param>
/// <param name="ShowNotesHtml">The show notes rendered from Markdown and sanitised, like <see cref="PublicPodcast.DescriptionHtml"/>.</param>
/// <param name="AudioPath">The episode's stable audio URL (a redirect to the MP3, delivery-logged); null while it has no delivered audio.</param>
/// <param name="CoverPaths">The episode's own cover renders, else the podcast's; null when neither has one.</param>
public sealed record PublicEpisode(
    Guid Id,
    Guid PodcastId,
    string ItemGuid,
    string Title,
    string ShowNotesHtml,
    string ShowNotesText,
    int? SeasonNumber,
    int? EpisodeNumber,
    string EpisodeType,
    bool Explicit,
    DateTimeOffset PublishedAt,
    long? DurationMs,
    string? AudioPath,
    IReadOnlyDictionary<string, string>? CoverPaths,
    DateTimeOffset UpdatedAt);

/// <summary>One page of a podcast's public episodes, newest first, and how many there are in all.</summary>
public sealed record PublicEpisodePage(IReadOnlyList<PublicEpisode> Episodes, int Total);

/// <summary>A chapter of the episode, in seconds from the start, with the web page the creator linked to it, if any.</summary>
public sealed record PublicChapter(double StartSeconds, string Title, string? Url = null);

/// <summary>A transcript the creator linked (podcast:transcript): its URL, media type and language when given.</summary>
public sealed record PublicTranscript(string Url, string? Type, string? Language);

/// <summary>
/// Everything an episode page shows: the episode, its podcast, the chapters embedded in its audio, the transcripts
/// and chapters file the creator linked, and the waveform peaks of the delivered audio (values 0 to 1) when processed.
/// </summary>
public sealed record PublicEpisodeDetail(
    PublicEpisode Episode,
    PublicPodcast Podcast,
    IReadOnlyList<PublicChapter> Chapters,
    IReadOnlyList<PublicTranscript> Transcripts,
    string? ChaptersUrl,
    IReadOnlyList<double>? Peaks);

/// <summary>A page for the sitemap: its site-relative path and when what it shows last changed.</summary>
public sealed record PublicPageEntry(string Path, DateTimeOffset LastModified);

/// <summary>
/// What the public may see of the catalog, for server-rendered pages (the Web module): published podcasts and their
/// published episodes, never drafts, scheduled episodes before their time, or premium episodes. Anything else is
/// answered as if it did not exist (null), so pages give the same 404 for "never existed" and "not public".
/// </summary>
public interface IPublicCatalog
{
    /// <summary>Public podcasts, most recently published first.</summary>
    Task<IReadOnlyList<PublicPodcast>> RecentPodcastsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Public podcasts whose title contains <paramref name="query"/> (case-insensitive), most recently published first.</summary>
    Task<IReadOnlyList<PublicPodcast>> SearchPodcastsAsync(string query, int limit, CancellationToken cancellationToken);

    Task<PublicPodcast?> FindPodcastAsync(Guid podcastId, CancellationToken cancellationToken);

    /// <summary>Page <paramref name="page"/> (from 1) of the podcast's public episodes; null when the podcast is not public.</summary>
    Task<PublicEpisodePage?> ListEpisodesAsync(Guid podcastId, int page, int pageSize, CancellationToken cancellationToken);

    Task<PublicEpisodeDetail?> FindEpisodeAsync(Guid episodeId, CancellationToken cancellationToken);

    /// <summary>Every public podcast and episode page, up to <paramref name="limit"/> (a sitemap holds at most 50,000).</summary>
    Task<IReadOnlyList<PublicPageEntry>> ListPagesAsync(int limit, CancellationToken cancellationToken);
}

/// <summary>Where the public web pages of the catalog live, so feeds, the API and pages link to the same addresses.</summary>
public static class PublicPagePaths
{
    public static string Podcast(Guid podcastId) => $"/podcasts/{podcastId}";

    public static string Episode(Guid episodeId) => $"/episodes/{episodeId}";

    public static string Embed(Guid episodeId) => $"/embed/episodes/{episodeId}";
}
