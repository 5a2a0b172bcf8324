using System.Data.Common;
using Airwave.Catalog.Contracts;
using Airwave.Catalog.Episodes;
using Airwave.Catalog.Feeds;
using Airwave.Core.Data;
using Airwave.Core.Events;
using Dapper;

namespace Airwave.Catalog.Data;

/// <summary>
/// Writes a catalog change and the events it raises in one transaction (the outbox), then wakes the relay.
/// Every change that alters a public feed goes through here with <see cref="FeedChangedAsync"/>.
/// </summary>
internal sealed class CatalogChanges(Database database, EventOutbox outbox, AnnouncerSignal announcer, FeedCache feeds)
{
    public async Task<T> CommitAsync<T>(Func<DbConnection, DbTransaction, Task<T>> change, CancellationToken cancellationToken)
    {
        var result = await database.InTransactionAsync(change, cancellationToken);

        // Feeds this process serves are checked against the database again on their next request.
        feeds.Invalidate();
        outbox.Wake();
        return result;
    }

    public Task CommitAsync(Func<DbConnection, DbTransaction, Task> change, CancellationToken cancellationToken) =>
        CommitAsync(async (connection, transaction) =>
        {
            await change(connection, transaction);
            return 0;
        }, cancellationToken);

    /// <summary>A publication time was set or a podcast went public: the announcer should look again now.</summary>
    public void WakeAnnouncer() => announcer.Set();

    /// <summary>
    /// Records that the podcast's public feed changed: its feed version moves on (a stored feed built from an older
    /// version is stale, so the next request never serves it) and <see cref="FeedChanged"/> goes to the outbox.
    /// </summary>
    public static async Task FeedChangedAsync(DbConnection connection, DbTransaction transaction, Guid podcastId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE podcasts SET feed_version = feed_version + 1 WHERE id = @podcastId", new { podcastId }, transaction,
            cancellationToken: cancellationToken));
        await EventOutbox.AppendAsync(connection, transaction, new FeedChanged(Guid.CreateVersion7(now), now, podcastId), cancellationToken);
    }

    /// <summary>The episode is in the podcast's public feed: the show is public, the episode out and its media live.</summary>
    public static bool InFeed(PodcastRow podcast, EpisodeRow episode, DateTimeOffset now) =>
        podcast.IsPublicAt(now) && episode.IsOutAt(now) && episode.LiveAssetId is not null;
}
