using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Airwave.Catalog.Features.Takedowns;
using Airwave.Catalog.Feeds;
using Airwave.Catalog.Text;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// An episode as the API returns it. <c>status</c> is draft, scheduled, published or taken_down; <c>processed_status</c>
/// tracks the media (awaiting_upload → uploading → processing → ready | failed). Duration, size and audio URL
/// are filled in by media processing. <c>chapters</c> are the ones the creator wrote (empty when none);
/// <c>embedded_chapters_url</c> serves them as Podcasting 2.0 JSON, or else the chapters found in the delivered media
/// (null when there are neither); the feed links it when <c>chapters_url</c> is not set.
/// <c>takedown</c> (null unless an admin took the episode down) says when, why and which kind; only the owner and admins
/// ever see such an episode. <c>premium</c> episodes are only in subscribers' private feeds (see <c>/api/v1/podcasts/{id}/subscribers</c>).
/// </summary>
internal sealed record EpisodeResponse(
    Guid Id,
    Guid PodcastId,
    string Guid,
    string Title,
    string Description,
    string DescriptionHtml,
    int? SeasonNumber,
    int? EpisodeNumber,
    string EpisodeType,
    bool Explicit,
    bool Premium,
    string Status,
    DateTimeOffset? PublishedAt,
    long? DurationMs,
    long? FileSizeBytes,
    string? AudioUrl,
    string? CoverImageUrl,
    IReadOnlyDictionary<string, string>? CoverImages,
    string ProcessedStatus,
    string? ProcessingError,
    IReadOnlyList<TranscriptLink> Transcripts,
    string? ChaptersUrl,
    string? EmbeddedChaptersUrl,
    IReadOnlyList<Chapter> Chapters,
    IReadOnlyList<Soundbite> Soundbites,
    IReadOnlyList<PersonCredit> Persons,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    TakedownNotice? Takedown)
{
    public static EpisodeResponse From(EpisodeRow row, DateTimeOffset now, PublicUrls urls, HttpRequest request) => new(
        row.Id,
        row.PodcastId,
        row.Guid,
        row.Title,
        row.Description,
        ShowNotes.ToHtml(row.Description),
        row.SeasonNumber,
        row.EpisodeNumber,
        row.EpisodeType,
        row.Explicit,
        row.Premium,
        row.TakenDownAt is not null ? "taken_down" : EpisodeRules.Status(row.PublishedAt, now),
        row.PublishedAt,
        row.DurationMs,
        row.FileSizeBytes,
        row.LiveAssetId is null ? null : urls.Absolute(request, EpisodeAudio.PathOf(row.Id)),
        Covers.Urls(row.CoverImageKey, urls, request)?["3000"],
        Covers.Urls(row.CoverImageKey, urls, request),
        row.ProcessedStatus,
        row.ProcessingError,
        FeedJson.List<TranscriptLink>(row.Transcripts),
        row.ChaptersUrl,
        EpisodeChapters.Served(row) ? urls.Absolute(request, EpisodeChapters.PathOf(row.Id)) : null,
        FeedJson.List<Chapter>(row.Chapters),
        FeedJson.List<Soundbite>(row.Soundbites),
        FeedJson.List<PersonCredit>(row.Persons),
        row.CreatedAt,
        row.UpdatedAt,
        TakedownNotice.Of(row.TakenDownAt, row.TakedownKind, row.TakedownReason));
}
