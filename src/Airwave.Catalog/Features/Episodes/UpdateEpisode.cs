using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Airwave.Catalog.Feeds;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// <c>PATCH /api/v1/episodes/{episodeId}</c> (JSON Merge Patch): change metadata. The guid is accepted only
/// unchanged, because podcast apps identify episodes by it; publication goes through <c>/publish</c>. With
/// <c>If-Match</c>, only if the episode is still the one the client read (<see cref="EntityTags"/>).
/// </summary>
internal static class UpdateEpisode
{
    internal sealed record Request(
        Optional<string?> Title,
        Optional<string?> Description,
        Optional<int?> SeasonNumber,
        Optional<int?> EpisodeNumber,
        Optional<string?> EpisodeType,
        Optional<bool?> Explicit,
        Optional<string?> Guid,
        Optional<IReadOnlyList<TranscriptLink>?> Transcripts,
        Optional<string?> ChaptersUrl,
        Optional<IReadOnlyList<Soundbite>?> Soundbites,
        Optional<IReadOnlyList<PersonCredit>?> Persons,
        Optional<bool?> Premium,
        Optional<IReadOnlyList<Chapter>?> Chapters);

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPatch("/episodes/{episodeId:guid}", HandleAsync)
            .RequireAuthorization(Policies.Write)
            .WithName("UpdateEpisode")
            .WithSummary("Change some of an episode's fields")
            .WithEntityTag<EpisodeResponse>(ifMatch: true);

    internal static async Task<Results<Ok<EpisodeResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid episodeId, Request request, ClaimsPrincipal user, HttpRequest http, PublicUrls urls, PodcastStore podcasts, EpisodeStore episodes,
        CatalogChanges changes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (user.DenyChange(podcast, episode, now) is { } denied)
        {
            return denied;
        }

        if (EntityTags.InvalidIfMatch(http) is { } invalidIfMatch)
        {
            return invalidIfMatch;
        }

        var ifMatch = EntityTags.HasIfMatch(http);
        if (ifMatch && !EntityTags.IfMatchAllows(http, EntityTags.Of(http, EpisodeResponse.From(episode!, now, urls, http))))
        {
            return EntityTags.ChangedMeanwhile("The episode");
        }

        var errors = new FieldErrors();
        var values = EpisodeRules.Validate(new EpisodeValues(
            request.Title.Or(episode!.Title),
            request.Description.Or(episode.Description),
            request.SeasonNumber.Or(episode.SeasonNumber),
            request.EpisodeNumber.Or(episode.EpisodeNumber),
            request.EpisodeType.Or(episode.EpisodeType),
            request.Explicit.Or(episode.Explicit)), errors);
        var current = EpisodeFeedFields.From(episode);
        var feed = new EpisodeFeedFields(
            request.Transcripts.Or(current.Transcripts),
            request.ChaptersUrl.Or(current.ChaptersUrl),
            request.Soundbites.Or(current.Soundbites),
            request.Persons.Or(current.Persons),
            request.Chapters.Or(current.Chapters)).Validate(episode.DurationMs, errors, chaptersSent: request.Chapters.IsSet);
        errors.AddIf(request.Guid.IsSet && request.Guid.Value != episode.Guid, "guid", "cannot be changed once the episode exists");
        errors.AddIf(request.Explicit is { IsSet: true, Value: null }, "explicit", "must be true or false");
        errors.AddIf(request.EpisodeType is { IsSet: true, Value: null }, "episode_type", "must be full, trailer or bonus");
        errors.AddIf(request.Premium is { IsSet: true, Value: null }, "premium", "must be true or false");
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var updated = feed.ApplyTo(episode with
        {
            Title = values.Title!,
            Description = values.Description!,
            SeasonNumber = values.SeasonNumber,
            EpisodeNumber = values.EpisodeNumber,
            EpisodeType = values.EpisodeType!,
            Explicit = values.Explicit!.Value,
            Premium = request.Premium.Or(episode.Premium) ?? episode.Premium,
            UpdatedAt = now,
        });
        // Premium either way changes the public feed (the episode leaves or joins it). Made public, an episode that
        // was out only for subscribers is announced to hubs and directories as going live now.
        var feedChanged = CatalogChanges.InFeed(podcast!, episode, now) && updated with { UpdatedAt = episode.UpdatedAt } != episode;
        var announceAgain = episode.Premium && !updated.Premium && episode.AnnouncedAt is not null;
        var written = await changes.CommitAsync(async (connection, transaction) =>
        {
            if (!await EpisodeStore.UpdateAsync(connection, transaction, updated, ifMatch ? episode.UpdatedAt : null, cancellationToken))
            {
                return false; // changed since it was read: nothing else is written either
            }

            if (announceAgain)
            {
                await EpisodeStore.ClearAnnouncementAsync(connection, transaction, episode.Id, cancellationToken);
            }

            if (feedChanged)
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, podcast!.Id, now, cancellationToken);
            }

            return true;
        }, cancellationToken);
        if (!written)
        {
            // Without If-Match the only way to miss the row is that it was deleted in between.
            return ifMatch ? EntityTags.ChangedMeanwhile("The episode") : Problems.NotFound("The episode");
        }

        if (announceAgain)
        {
            changes.WakeAnnouncer();
        }

        return TypedResults.Ok(EpisodeResponse.From(updated, now, urls, http));
    }
}
