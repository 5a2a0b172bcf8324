using Airwave.Core.Events;

namespace Airwave.Catalog.Contracts;

/// <summary>
/// What a podcast's public feed shows has changed: the show's details, an episode's details, an episode going live
/// (published now or its scheduled time arriving), unpublished, removed or deleted. The feed is rebuilt from it.
/// </summary>
public sealed record FeedChanged(Guid Id, DateTimeOffset OccurredAt, Guid PodcastId) : IEvent;

/// <summary>
/// An episode became visible to the public: published now, or its scheduled time arrived. Raised once per going
/// live (an episode unpublished and published again goes live again); directories and hubs are told about it.
/// </summary>
public sealed record EpisodeWentLive(Guid Id, DateTimeOffset OccurredAt, Guid EpisodeId, Guid PodcastId, DateTimeOffset PublishedAt) : IEvent;
