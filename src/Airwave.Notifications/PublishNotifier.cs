using Airwave.Core.Data;
using Airwave.Core.Jobs;
using Airwave.Notifications.Contracts;
using Airwave.Notifications.Data;
using Airwave.Notifications.Sending;
using Microsoft.Extensions.Options;

namespace Airwave.Notifications;

/// <summary>
/// Turns an announcement into receipts and durable send jobs (one per receipt, keyed by its id), written in one
/// transaction: a receipt is never left pending without a job to send it, nor a job without its receipt.
/// </summary>
internal sealed class PublishNotifier(Database database, ReceiptStore receipts, JobQueue jobs, IOptions<NotificationOptions> options, TimeProvider clock)
    : IPublishNotifier
{
    public IReadOnlyList<string> WebSubHubs => options.Value.WebSubHubs;

    public async Task RecordAsync(PublishAnnouncement announcement, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var targets = settings.WebSubHubs.Select(url => (Kind: ReceiptKinds.WebSub, Url: url))
            .Concat(settings.PingUrls.Select(url => (Kind: ReceiptKinds.Ping, Url: url)))
            .ToList();
        if (targets.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var skipped = announcement.FeedUrl is null;
        await database.InTransactionAsync(async (connection, transaction) =>
        {
            foreach (var (kind, url) in targets)
            {
                var receipt = new ReceiptRow
                {
                    Id = Guid.CreateVersion7(now),
                    EpisodeId = announcement.EpisodeId,
                    PodcastId = announcement.PodcastId,
                    EventId = announcement.EventId,
                    Kind = kind,
                    TargetUrl = url,
                    FeedUrl = announcement.FeedUrl,
                    State = skipped ? ReceiptStates.Skipped : ReceiptStates.Pending,
                    Attempts = 0,
                    LastError = skipped ? announcement.SkipReason ?? "There is no public feed URL to announce." : null,
                    CreatedAt = now,
                    CompletedAt = skipped ? now : null,
                };
                if (await ReceiptStore.TryInsertAsync(connection, transaction, receipt, cancellationToken) && !skipped)
                {
                    await jobs.EnqueueAsync(connection, transaction, SendPublishNotification.JobKind, receipt.Id.ToString(), "{}", settings.MaxAttempts,
                        cancellationToken);
                }
            }

            return true;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<PublishReceipt>> ListAsync(Guid episodeId, CancellationToken cancellationToken) =>
        [.. (await receipts.ListAsync(episodeId, cancellationToken)).Select(r => r.ToContract())];

    public async Task<RetryResult> RetryAsync(Guid episodeId, string feedUrl, CancellationToken cancellationToken)
    {
        var maxAttempts = options.Value.MaxAttempts;
        try
        {
            var count = await database.InTransactionAsync(async (connection, transaction) =>
            {
                var ids = await ReceiptStore.ResetForRetryAsync(connection, transaction, episodeId, feedUrl, cancellationToken);
                foreach (var id in ids)
                {
                    // A failed receipt has a finished job to run again; a skipped one never had a job.
                    var subject = id.ToString();
                    if (!await jobs.RequeueAsync(connection, transaction, SendPublishNotification.JobKind, subject, "{}", cancellationToken)
                        && !await jobs.EnqueueAsync(connection, transaction, SendPublishNotification.JobKind, subject, "{}", maxAttempts, cancellationToken))
                    {
                        // The job is still running: the worker has failed the receipt but not yet closed the job.
                        throw new JobStillRunningException();
                    }
                }

                return ids.Count;
            }, cancellationToken);
            return new RetryResult(count, false);
        }
        catch (JobStillRunningException)
        {
            return new RetryResult(0, true);
        }
    }

    private sealed class JobStillRunningException : Exception;
}
