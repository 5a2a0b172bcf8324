namespace Airwave.Web.Seo;

/// <summary>
/// What a page tells browsers, search engines and link previews about itself: the head of every page is written from
/// this (title, meta description, canonical URL, OpenGraph and Twitter card tags, JSON-LD), so no page can forget one.
/// </summary>
/// <param name="CanonicalUrl">Absolute, from the public base URL, so every address a page is reached by names one URL.</param>
public sealed record PageMeta(string Title, string Description, string CanonicalUrl)
{
    public const string SiteName = "Airwave";

    /// <summary>An absolute image URL for link previews (the 1400 px cover render).</summary>
    public string? ImageUrl { get; init; }

    public string? ImageAlt { get; init; }

    /// <summary>OpenGraph type: <c>website</c>, or <c>music.song</c> for an episode (the closest type OpenGraph has for audio).</summary>
    public string OgType { get; init; } = "website";

    /// <summary>The podcast's RSS feed, linked as an alternate so browsers and apps find it from the page.</summary>
    public string? FeedUrl { get; init; }

    public string? FeedTitle { get; init; }

    /// <summary>schema.org data as JSON, already safe to put inside a script element (see <see cref="StructuredData"/>).</summary>
    public string? JsonLd { get; init; }

    /// <summary>Pages that should not be indexed (search results, embeds, 404s).</summary>
    public bool NoIndex { get; init; }

    /// <summary>The embeddable player, for a Twitter player card.</summary>
    public string? PlayerUrl { get; init; }

    public string? PrevUrl { get; init; }

    public string? NextUrl { get; init; }

    public string TwitterCard => PlayerUrl is not null ? "player" : "summary";

    public string FullTitle => Title == SiteName ? SiteName : $"{Title} · {SiteName}";
}
