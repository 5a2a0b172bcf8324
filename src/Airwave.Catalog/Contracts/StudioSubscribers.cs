namespace Airwave.Catalog.Contracts;

/// <summary>A premium subscriber as the studio lists them: never the private feed URL, only its first characters.</summary>
/// <param name="LastFetchedAt">When their private feed was last fetched; null when never.</param>
public sealed record StudioSubscriber(Guid Id, string Email, string? Name, string TokenPrefix, DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt, DateTimeOffset? LastFetchedAt);

/// <summary>The outcome of adding a subscriber or rotating their URL: the private feed URL, shown this once, on success.</summary>
public sealed record StudioSubscriberChange(StudioChange Change, string? PrivateFeedUrl, string? Email);

/// <summary>
/// The studio's private-feed subscribers page, through the subscribers API's own handlers (owner only: anyone else,
/// not found), so the rules, the one-time display of the URL and the revocation are the API's.
/// </summary>
public interface IStudioSubscribers
{
    /// <summary>Every subscriber of the podcast, newest first, or null when <paramref name="user"/> may not manage it.</summary>
    Task<IReadOnlyList<StudioSubscriber>?> ListAsync(ClaimsPrincipal user, Guid podcastId, CancellationToken cancellationToken);

    Task<StudioSubscriberChange> AddAsync(ClaimsPrincipal user, HttpRequest http, Guid podcastId, string? email, string? name,
        CancellationToken cancellationToken);

    /// <summary>A new private feed URL for the subscriber; the old one stops answering.</summary>
    Task<StudioSubscriberChange> RotateAsync(ClaimsPrincipal user, HttpRequest http, Guid podcastId, Guid subscriberId,
        CancellationToken cancellationToken);

    /// <summary>Revokes the subscriber: their private feed and premium audio stop answering.</summary>
    Task<StudioChange> RevokeAsync(ClaimsPrincipal user, Guid podcastId, Guid subscriberId, CancellationToken cancellationToken);
}
