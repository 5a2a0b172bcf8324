namespace Airwave.Notifications.Contracts;

/// <summary>How a target is told: a WebSub publish (POST to a hub) or a ping (GET of a URL template).</summary>
public static class ReceiptKinds
{
    public const string WebSub = "websub";
    public const string Ping = "ping";
}

/// <summary>
/// Where a receipt stands: <c>pending</c> (being sent, or waiting to be retried), <c>succeeded</c>, <c>failed</c>
/// (for good, with the last reason) or <c>skipped</c> (nothing could be sent, with the reason).
/// </summary>
public static class ReceiptStates
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
}

/// <summary>An episode went live: its podcast's feed is to be announced to every configured hub and directory.</summary>
/// <param name="EventId">The event that reported it; receipts are unique per (event, target), so a redelivery adds nothing.</param>
/// <param name="FeedUrl">The feed's absolute public URL; null when there is none to give, and then <paramref name="SkipReason"/> says why.</param>
public sealed record PublishAnnouncement(Guid EventId, Guid EpisodeId, Guid PodcastId, string? FeedUrl, string? SkipReason = null);

/// <summary>What was sent where about an episode going live, and how it went.</summary>
/// <param name="TargetUrl">The hub URL, or the ping URL template, as configured.</param>
/// <param name="FeedUrl">The feed URL announced; null when skipped.</param>
/// <param name="Attempts">Sends in the current series (a retry starts a new one).</param>
/// <param name="LastStatus">The HTTP status of the last answer; null when there was none (network error, timeout).</param>
/// <param name="LastError">Why the last attempt did not succeed, or why the receipt was skipped.</param>
public sealed record PublishReceipt(Guid Id, string Kind, string TargetUrl, string? FeedUrl, string State, int Attempts, int? LastStatus,
    string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt, DateTimeOffset? CompletedAt);

/// <summary>The outcome of asking to send failed receipts again.</summary>
/// <param name="Requeued">How many receipts were put back to pending.</param>
/// <param name="Busy">True when one of them was still finishing its last attempt; nothing was changed.</param>
public sealed record RetryResult(int Requeued, bool Busy);

/// <summary>What Catalog may ask of the Notifications module.</summary>
public interface IPublishNotifier
{
    /// <summary>The configured WebSub hubs, for the feed's <c>atom:link rel="hub"</c> elements.</summary>
    IReadOnlyList<string> WebSubHubs { get; }

    /// <summary>
    /// Records one receipt per configured target and queues their sends, in one transaction. Idempotent: an
    /// announcement whose event already has receipts records and sends nothing more.
    /// </summary>
    Task RecordAsync(PublishAnnouncement announcement, CancellationToken cancellationToken);

    /// <summary>An episode's receipts, newest first.</summary>
    Task<IReadOnlyList<PublishReceipt>> ListAsync(Guid episodeId, CancellationToken cancellationToken);

    /// <summary>Sends an episode's failed (and skipped) receipts again with <paramref name="feedUrl"/>, starting a new series of attempts.</summary>
    Task<RetryResult> RetryAsync(Guid episodeId, string feedUrl, CancellationToken cancellationToken);
}
