using Airwave.Catalog.Contracts;
using Airwave.Core.Events;

namespace Airwave.Catalog.Feeds;

/// <summary>
/// Rebuilds a podcast's stored feed when it changes. Idempotent: a feed already built from the podcast's current
/// version is left alone, so several changes in a burst cost one build.
/// </summary>
internal sealed class RebuildFeedOnChange(FeedBuilder builder) : IEventHandler<FeedChanged>
{
    public Task HandleAsync(FeedChanged @event, CancellationToken cancellationToken) => builder.RefreshAsync(@event.PodcastId, cancellationToken);
}
