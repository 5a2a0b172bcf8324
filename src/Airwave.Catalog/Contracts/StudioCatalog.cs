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
