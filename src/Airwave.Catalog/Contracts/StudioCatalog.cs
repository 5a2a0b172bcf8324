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

/// <summary>One of the signed-in creator's episodes as the studio's upload and publish page shows it.</summary>
/// <param name="ProcessedStatus">awaiting_upload, uploading, processing, ready or failed (as in the API).</param>
public sealed record StudioEpisodeDetails(Guid Id, Guid PodcastId, string PodcastTitle, bool PodcastPublished, string Title,
    string ProcessedStatus, DateTimeOffset? PublishedAt);

/// <summary>What the studio's episode form sends.</summary>
public sealed record StudioEpisodeForm(string? Title, string? Description);

/// <summary>
/// The outcome of a studio change: the id of what was created or changed, or the reasons by field (the API's snake_case
/// field names), or <see cref="NotFound"/> when the caller may not see the thing (another creator's show).
/// </summary>
public sealed record StudioChange(Guid? Id, IReadOnlyDictionary<string, string> Errors, bool NotFound, string? Problem)
{
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
}
