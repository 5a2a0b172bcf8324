using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;

namespace Airwave.Catalog.Features.Takedowns;

/// <summary>The takedown record as the admin pages read it (the API pages through it with <c>GET /api/v1/admin/takedowns</c>).</summary>
internal sealed class TakedownRecords(TakedownStore takedowns) : ITakedownRecords
{
    public async Task<IReadOnlyList<TakedownRecord>> LatestAsync(int limit, CancellationToken cancellationToken) =>
        [.. (await takedowns.ListAsync(null, limit, null, cancellationToken)).Take(limit).Select(r => new TakedownRecord(r.Id, r.Action, r.SubjectKind,
            r.SubjectId, r.SubjectTitle, r.PodcastId, r.Kind, r.Reason, r.ActorId, r.CreatedAt))];
}
