using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;
using Airwave.Media.Contracts;

namespace Airwave.Catalog.Public;

/// <summary><see cref="IStudioCatalog"/>: a creator's own shows, by owner id, so no one sees another creator's drafts.</summary>
internal sealed class StudioCatalog(PodcastStore podcasts, TimeProvider clock) : IStudioCatalog
{
    public async Task<IReadOnlyList<StudioPodcast>> ListOwnPodcastsAsync(Guid ownerId, int limit, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var rows = await podcasts.ListAsync(ownerId, now, limit, null, cancellationToken);
        return [.. rows.Take(limit).Select(r => new StudioPodcast(r.Id, r.Title, r.TakenDownAt is not null ? "taken_down" : r.IsPublicAt(now) ? "published" : "draft",
            r.CoverImageKey is null ? null : CoverImages.Paths(r.CoverImageKey), r.CreatedAt, r.UpdatedAt))];
    }
}
