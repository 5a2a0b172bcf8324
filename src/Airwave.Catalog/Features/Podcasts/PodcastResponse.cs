using Airwave.Catalog.Data;
using Airwave.Catalog.Features.Takedowns;
using Airwave.Catalog.Feeds;
using Airwave.Catalog.Podcasts;
using Airwave.Catalog.Text;

namespace Airwave.Catalog.Features.Podcasts;

/// <summary>
/// A podcast as the API returns it. <c>owner_email</c> is shown to the owner and admins only. The feed fields
/// (<c>new_feed_url</c> to <c>update_frequency</c>) are what the RSS feed carries; lists are empty, not null, when unset.
/// <c>app_links</c> (the show's pages in apps and directories) is for the web page only; unset links are null.
/// <c>status</c> is draft, published or taken_down; a taken-down show (only its owner and admins see it) carries
/// <c>takedown</c>: when, which kind, and the admin's reason.
/// </summary>
internal sealed record PodcastResponse(
    Guid Id,
    string Title,
    string Description,
    string DescriptionHtml,
    string Author,
    string OwnerName,
    string? OwnerEmail,
    string Language,
    string Category,
    string? Subcategory,
    bool Explicit,
    string Type,
    string? WebsiteUrl,
    string? Copyright,
    string? CoverImageUrl,
    IReadOnlyDictionary<string, string>? CoverImages,
    string RssFeedUrl,
    bool NormalizeLoudness,
    double? LoudnessTargetLufs,
    string? NewFeedUrl,
    bool ItunesBlock,
    bool ItunesComplete,
    bool Locked,
    IReadOnlyList<FundingLink> Funding,
    IReadOnlyList<PersonCredit> Persons,
    PlaceValue? Location,
    LicenseValue? License,
    IReadOnlyList<TxtRecord> Txt,
    UpdateFrequencyValue? UpdateFrequency,
    AppLinks AppLinks,
    string Status,
    DateTimeOffset? PublishedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    TakedownNotice? Takedown)
{
    public static PodcastResponse From(PodcastRow row, bool forManager, PublicUrls urls, HttpRequest request, DateTimeOffset now)
    {
        var feed = PodcastFeedFields.From(row);
        return new(
            row.Id,
            row.Title,
            row.Description,
            ShowNotes.ToHtml(row.Description),
            row.Author,
            row.OwnerName,
            forManager ? row.OwnerEmail : null,
            row.Language,
            row.Category,
            row.Subcategory,
            row.Explicit,
            row.PodcastType,
            row.WebsiteUrl,
            row.Copyright,
            Covers.Urls(row.CoverImageKey, urls, request)?["3000"],
            Covers.Urls(row.CoverImageKey, urls, request),
            urls.Absolute(request, Feeds.GetRssFeed.PathOf(row.Id)),
            row.NormalizeLoudness,
            row.LoudnessTargetLufs,
            row.NewFeedUrl,
            row.ItunesBlock,
            row.ItunesComplete,
            row.Locked,
            feed.Funding!,
            feed.Persons!,
            feed.Location,
            feed.License,
            feed.Txt!,
            feed.UpdateFrequency,
            AppLinks.Read(row.AppLinks),
            row.TakenDownAt is not null ? "taken_down" : row.IsPublicAt(now) ? "published" : "draft",
            row.PublishedAt,
            row.CreatedAt,
            row.UpdatedAt,
            TakedownNotice.Of(row.TakenDownAt, row.TakedownKind, row.TakedownReason));
    }
}
