using Airwave.Catalog.Feeds;
using Airwave.Core.Text;

namespace Airwave.Catalog.Podcasts;

/// <summary>
/// Where the show is listed in apps and directories (<c>app_links</c>): its page on Apple Podcasts, Spotify and the
/// others. Feeds do not carry these; the public podcast page shows them as "listen on" links beside the RSS feed.
/// Spotify and YouTube Music cannot subscribe to an RSS URL, so their links are the only way a page can point there.
/// Each is an absolute http(s) URL; the object is replaced as a whole on update, null clears it.
/// </summary>
internal sealed record AppLinks(
    string? ApplePodcasts,
    string? Spotify,
    string? YoutubeMusic,
    string? AmazonMusic,
    string? PocketCasts,
    string? Overcast,
    string? PodcastIndex)
{
    public static readonly AppLinks None = new(null, null, null, null, null, null, null);

    /// <summary>Every link that is set, with the name people know the app by, in a fixed order.</summary>
    public IReadOnlyList<(string App, string Url)> Entries =>
    [
        .. new (string App, string? Url)[]
        {
            ("Apple Podcasts", ApplePodcasts), ("Spotify", Spotify), ("YouTube Music", YoutubeMusic), ("Amazon Music", AmazonMusic),
            ("Pocket Casts", PocketCasts), ("Overcast", Overcast), ("Podcast Index", PodcastIndex),
        }.Where(e => e.Url is not null).Select(e => (e.App, e.Url!)),
    ];

    public static AppLinks Read(string? json) => FeedJson.Object<AppLinks>(json) ?? None;

    /// <summary>Null when no link is set, so an empty object and a cleared one are stored alike.</summary>
    public string? Write() => this == None ? null : FeedJson.WriteObject(this);

    /// <summary>Trimmed links, blanks as unset; reasons go to <paramref name="errors"/> as <c>app_links.&lt;app&gt;</c>.</summary>
    public AppLinks Validate(FieldErrors errors) => new(
        Url(ApplePodcasts, "apple_podcasts", errors),
        Url(Spotify, "spotify", errors),
        Url(YoutubeMusic, "youtube_music", errors),
        Url(AmazonMusic, "amazon_music", errors),
        Url(PocketCasts, "pocket_casts", errors),
        Url(Overcast, "overcast", errors),
        Url(PodcastIndex, "podcast_index", errors));

    private static string? Url(string? url, string field, FieldErrors errors)
    {
        if (WebUrl.Problem(url) is { } problem)
        {
            errors.Add($"app_links.{field}", problem);
        }

        return string.IsNullOrWhiteSpace(url) ? null : url.Trim();
    }
}
