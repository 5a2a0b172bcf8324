namespace Airwave.Catalog.Contracts;

/// <summary>One of a creator's own podcasts as the studio dashboard lists it, drafts included.</summary>
/// <param name="Status">"draft", "published" (published and its time come) or "taken_down" (by an admin, ADR 0018).</param>
/// <param name="CoverPaths">Cover renders by size in pixels; null when there is no cover.</param>
public sealed record StudioPodcast(Guid Id, string Title, string Status, IReadOnlyDictionary<string, string>? CoverPaths,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>What the creator studio pages read of the catalog: only the signed-in creator's own shows.</summary>
public interface IStudioCatalog
{
    /// <summary>The podcasts <paramref name="ownerId"/> owns, in any state, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StudioPodcast>> ListOwnPodcastsAsync(Guid ownerId, int limit, CancellationToken cancellationToken);
}

/// <summary>What the studio's podcast form sends; <c>null</c> means the field was left empty.</summary>
public sealed record StudioPodcastForm(string? Title, string? Description, string? Author, string? OwnerEmail, string? Language,
    string? Category, string? Subcategory, bool Explicit, string? Type, string? WebsiteUrl);

/// <summary>One of the signed-in creator's podcasts as the studio's edit form shows it.</summary>
public sealed record StudioPodcastDetails(Guid Id, string Title, string Description, string Author, string OwnerEmail, string Language,
    string Category, string? Subcategory, bool Explicit, string Type, string? WebsiteUrl, string Status,
    IReadOnlyDictionary<string, string>? CoverPaths);

/// <summary>One of the signed-in creator's episodes as the studio's upload, edit and publish pages show it.</summary>
/// <param name="ProcessedStatus">awaiting_upload, uploading, processing, ready or failed (as in the API).</param>
public sealed record StudioEpisodeDetails(Guid Id, Guid PodcastId, string PodcastTitle, bool PodcastPublished, string Title,
    string ProcessedStatus, DateTimeOffset? PublishedAt)
{
    public string Description { get; init; } = "";

    /// <summary>The show notes as the public page shows them: Markdown rendered and sanitised.</summary>
    public string DescriptionHtml { get; init; } = "";
    public int? SeasonNumber { get; init; }
    public int? EpisodeNumber { get; init; }
    public string EpisodeType { get; init; } = "full";
    public bool Explicit { get; init; }
    public long? DurationMs { get; init; }
    public IReadOnlyDictionary<string, string>? CoverPaths { get; init; }
    public string? TranscriptUrl { get; init; }
    public string? TranscriptType { get; init; }
    public IReadOnlyList<StudioChapter> Chapters { get; init; } = [];

    /// <summary>True when the chapters are the ones embedded in the audio (none written by the creator yet).</summary>
    public bool ChaptersFromMedia { get; init; }

    /// <summary>
    /// Changes with every change to the episode (its update time): the edit form sends back the one it was rendered with,
    /// so a save over a change made meanwhile (another tab, the API) is refused instead of silently undoing it.
    /// </summary>
    public string Version { get; init; } = "";
}

/// <summary>
/// What the studio's episode metadata form sends, as typed (numbers as text, so a refused value is shown again as it
/// was typed); <c>null</c> means the field was left empty. <see cref="Version"/> is the one the form was rendered with.
/// </summary>
public sealed record StudioEpisodeMetadataForm(string? Title, string? Description, string? SeasonNumber, string? EpisodeNumber,
    string? EpisodeType, bool Explicit, string? TranscriptUrl, string? TranscriptType, string? Version);

/// <summary>A chapter as the studio shows and sends it: start in seconds from the start of the audio.</summary>
public sealed record StudioChapter(double? StartSeconds, string? Title, string? Url, string? Img);

/// <summary>What the studio's episode form sends.</summary>
public sealed record StudioEpisodeForm(string? Title, string? Description);

/// <summary>
/// The outcome of a studio change: the id of what was created or changed, or the reasons by field (the API's snake_case
/// field names), or <see cref="NotFound"/> when the caller may not see the thing (another creator's show).
/// </summary>
public sealed record StudioChange(Guid? Id, IReadOnlyDictionary<string, string> Errors, bool NotFound, string? Problem)
{
    /// <summary>Refused because what was edited changed since the form was rendered (optimistic concurrency).</summary>
    public bool Conflict { get; init; }

    public bool Succeeded => Id is not null;
}

/// <summary>The studio's changes, made through the same endpoint logic (and so the same rules) as the JSON API.</summary>
public interface IStudioEditor
{
    /// <summary>The podcast when <paramref name="user"/> manages it, otherwise null (404 for the page).</summary>
    Task<StudioPodcastDetails?> FindOwnPodcastAsync(ClaimsPrincipal user, Guid podcastId, CancellationToken cancellationToken);

    Task<StudioChange> CreatePodcastAsync(ClaimsPrincipal user, HttpRequest http, StudioPodcastForm form, CancellationToken cancellationToken);

    Task<StudioChange> UpdatePodcastAsync(ClaimsPrincipal user, HttpRequest http, Guid podcastId, StudioPodcastForm form,
        CancellationToken cancellationToken);

    /// <summary>Makes the show public (<paramref name="publish"/>) or takes it back to draft, as the API's publish and unpublish do.</summary>
    Task<StudioChange> SetPodcastPublishedAsync(ClaimsPrincipal user, HttpRequest http, Guid podcastId, bool publish,
        CancellationToken cancellationToken);

    /// <summary>The episode when <paramref name="user"/> manages its podcast, otherwise null (404 for the page).</summary>
    Task<StudioEpisodeDetails?> FindOwnEpisodeAsync(ClaimsPrincipal user, Guid episodeId, CancellationToken cancellationToken);

    Task<StudioChange> CreateEpisodeAsync(ClaimsPrincipal user, HttpRequest http, Guid podcastId, StudioEpisodeForm form,
        CancellationToken cancellationToken);

    /// <summary>
    /// Changes the episode's metadata through the API's PATCH handler. Refused with <see cref="StudioChange.Conflict"/>
    /// when the episode changed since the form's <see cref="StudioEpisodeMetadataForm.Version"/>. Fields the form could
    /// not parse (a season that is not a number) are reasons by the API's field names, and nothing is changed.
    /// </summary>
    Task<StudioChange> UpdateEpisodeAsync(ClaimsPrincipal user, HttpRequest http, Guid episodeId, StudioEpisodeMetadataForm form,
        IReadOnlyDictionary<string, string> formErrors, CancellationToken cancellationToken);

    /// <summary>Replaces the creator's chapters (an empty list goes back to the audio's own) through the API's PATCH handler.</summary>
    Task<StudioChange> SetEpisodeChaptersAsync(ClaimsPrincipal user, HttpRequest http, Guid episodeId, IReadOnlyList<StudioChapter> chapters,
        string? version, CancellationToken cancellationToken);

    /// <summary>Show notes rendered as the public page and feeds render them (Markdown, sanitised), for a preview.</summary>
    string RenderShowNotes(string? markdown);
}
