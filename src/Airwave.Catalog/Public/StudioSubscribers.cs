using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;
using Airwave.Catalog.Features.Subscribers;

namespace Airwave.Catalog.Public;

/// <summary>
/// <see cref="IStudioSubscribers"/>: the studio's subscribers page runs <see cref="Subscribers"/>' endpoint handlers with
/// the signed-in user (ADR 0019), and turns their typed answers into what the page shows.
/// </summary>
internal sealed class StudioSubscribers(PodcastStore podcasts, SubscriberStore subscribers, PublicUrls urls, TimeProvider clock)
    : IStudioSubscribers
{
    /// <summary>How many the page lists at most: pages of the API's largest size, read one after the other.</summary>
    public const int MaxListed = 2000;

    public async Task<IReadOnlyList<StudioSubscriber>?> ListAsync(ClaimsPrincipal user, Guid podcastId, CancellationToken cancellationToken)
    {
        var all = new List<StudioSubscriber>();
        string? cursor = null;
        do
        {
            var result = await Subscribers.ListAsync(podcastId, Cursor.MaxLimit, cursor, user, podcasts, subscribers, cancellationToken);
            if (result.Result is not Ok<Page<Subscribers.SubscriberResponse>> { Value: { } page })
            {
                return null;
            }

            all.AddRange(page.Items.Select(s => new StudioSubscriber(s.Id, s.Email, s.Name, s.TokenPrefix, s.CreatedAt, s.RevokedAt, s.LastFetchedAt)));
            cursor = page.NextCursor;
        }
        while (cursor is not null && all.Count < MaxListed);

        return all;
    }

    public async Task<StudioSubscriberChange> AddAsync(ClaimsPrincipal user, HttpRequest http, Guid podcastId, string? email, string? name,
        CancellationToken cancellationToken)
    {
        var result = await Subscribers.CreateAsync(podcastId, new Subscribers.CreateRequest(email, name), user, http, urls, podcasts, subscribers,
            clock, cancellationToken);
        return result.Result switch
        {
            Created<Subscribers.IssuedSubscriber> { Value: { } issued } => new(Done(issued.Id), issued.PrivateFeedUrl, issued.Email),
            var other => new(StudioEditor.Failed(other), null, null),
        };
    }

    public async Task<StudioSubscriberChange> RotateAsync(ClaimsPrincipal user, HttpRequest http, Guid podcastId, Guid subscriberId,
        CancellationToken cancellationToken)
    {
        var result = await Subscribers.RotateAsync(podcastId, subscriberId, user, http, urls, podcasts, subscribers, cancellationToken);
        return result.Result switch
        {
            Ok<Subscribers.IssuedSubscriber> { Value: { } issued } => new(Done(issued.Id), issued.PrivateFeedUrl, issued.Email),
            var other => new(StudioEditor.Failed(other), null, null),
        };
    }

    public async Task<StudioChange> RevokeAsync(ClaimsPrincipal user, Guid podcastId, Guid subscriberId, CancellationToken cancellationToken)
    {
        var result = await Subscribers.RevokeAsync(podcastId, subscriberId, user, podcasts, subscribers, clock, cancellationToken);
        return result.Result is NoContent ? Done(subscriberId) : StudioEditor.Failed(result.Result);
    }

    private static StudioChange Done(Guid id) => new(id, new Dictionary<string, string>(), false, null);
}
