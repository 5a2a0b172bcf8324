using System.Data.Common;
using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;
using Airwave.Core.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Catalog.Episodes;

/// <summary>Lets writers in this process wake the announcer when they schedule something.</summary>
internal sealed class AnnouncerSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Dispose() => _semaphore.Dispose();

    public void Set()
    {
        try
        {
            if (_semaphore.CurrentCount == 0)
            {
                _semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// Raises <see cref="EpisodeWentLive"/> (with <see cref="FeedChanged"/>) for episodes whose publication time has
/// come: scheduled ones, and published ones of a podcast that has just gone public. The database is the memory:
/// an episode is announced by setting its <c>announced_at</c> in the transaction that writes the events, and only
/// while it is still unset, so a crash before the commit loses nothing and a restart or a second process repeats
/// nothing. It sleeps until the next scheduled time it knows of, at most <see cref="FeedOptions.ScheduleCheckInterval"/>.
/// </summary>
internal sealed class EpisodeAnnouncer(
    EpisodeStore episodes,
    CatalogChanges changes,
    AnnouncerSignal signal,
    IOptions<FeedOptions> options,
    TimeProvider clock,
    ILogger<EpisodeAnnouncer> logger) : BackgroundService
{
    private const int Batch = 500;

    /// <summary>
    /// Announces the episodes it can in the caller's transaction: true when this call did (the episode is out, its
    /// media live, and nobody announced this publication before).
    /// </summary>
    public static async Task<bool> AnnounceAsync(DbConnection connection, DbTransaction transaction, Guid episodeId, Guid podcastId,
        DateTimeOffset publishedAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!await EpisodeStore.TryAnnounceAsync(connection, transaction, episodeId, now, cancellationToken))
        {
            return false;
        }

        await EventOutbox.AppendAsync(connection, transaction,
            new EpisodeWentLive(Guid.CreateVersion7(now), now, episodeId, podcastId, publishedAt), cancellationToken);
        return true;
    }

    /// <summary>Announces every episode that is due now; returns how many. One transaction (and one FeedChanged) per podcast.</summary>
    public async Task<int> AnnounceDueAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            var due = await episodes.DueAnnouncementsAsync(now, Batch, cancellationToken);
            foreach (var podcast in due.GroupBy(d => d.PodcastId))
            {
                total += await changes.CommitAsync(async (connection, transaction) =>
                {
                    var announced = 0;
                    foreach (var episode in podcast)
                    {
                        announced += await AnnounceAsync(connection, transaction, episode.Id, episode.PodcastId, episode.PublishedAt, now,
                            cancellationToken) ? 1 : 0;
                    }

                    if (announced > 0)
                    {
                        await CatalogChanges.FeedChangedAsync(connection, transaction, podcast.Key, now, cancellationToken);
                    }

                    return announced;
                }, cancellationToken);
            }

            if (due.Count < Batch)
            {
                return total;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.Value.ScheduleCheckInterval;
            try
            {
                var announced = await AnnounceDueAsync(stoppingToken);
                if (announced > 0)
                {
                    logger.LogInformation("Announced {Count} episode(s) going live", announced);
                }

                var now = clock.GetUtcNow();
                if (await episodes.NextScheduledAsync(now, stoppingToken) is { } next && next - now < wait)
                {
                    // A little past the time, so the episode is due when the announcer looks.
                    wait = next - now + TimeSpan.FromMilliseconds(5);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Announcing scheduled episodes failed; trying again");
            }

            try
            {
                await signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
