using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;
using Airwave.Catalog.Features;
using Airwave.Catalog.Features.Episodes;
using Airwave.Catalog.Features.Podcasts;
using Airwave.Media.Contracts;

namespace Airwave.Catalog.Public;

/// <summary>
/// <see cref="IStudioEditor"/>: the studio's forms call the API's own handlers (<see cref="CreatePodcast"/>,
/// <see cref="UpdatePodcast"/>, <see cref="CreateEpisode"/>) with the signed-in user, so a form is held to exactly the
/// rules, ownership checks and events of the JSON API, and the reasons come back keyed by the API's field names.
/// </summary>
internal sealed class StudioEditor(PodcastStore podcasts, EpisodeStore episodes, CatalogChanges changes, PublicUrls urls, TimeProvider clock)
    : IStudioEditor
{
    public async Task<StudioPodcastDetails?> FindOwnPodcastAsync(ClaimsPrincipal user, Guid podcastId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var row = await podcasts.FindAsync(podcastId, cancellationToken);
        if (row is null || !user.Manages(row))
        {
            return null;
        }

        var status = row.TakenDownAt is not null ? "taken_down" : row.IsPublicAt(now) ? "published" : "draft";
        return new StudioPodcastDetails(row.Id, row.Title, row.Description, row.Author, row.OwnerEmail, row.Language, row.Category,
            row.Subcategory, row.Explicit, row.PodcastType, row.WebsiteUrl, status,
            row.CoverImageKey is null ? null : CoverImages.Paths(row.CoverImageKey));
    }

    public async Task<StudioEpisodeDetails?> FindOwnEpisodeAsync(ClaimsPrincipal user, Guid episodeId, CancellationToken cancellationToken)
    {
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        return episode is null || podcast is null || !user.Manages(podcast)
            ? null
            : new StudioEpisodeDetails(episode.Id, podcast.Id, podcast.Title, podcast.IsPublicAt(clock.GetUtcNow()), episode.Title,
                episode.ProcessedStatus, episode.PublishedAt);
    }

    public async Task<StudioChange> CreatePodcastAsync(ClaimsPrincipal user, HttpRequest http, StudioPodcastForm form,
        CancellationToken cancellationToken)
    {
        var request = new CreatePodcast.Request(form.Title, form.Description, form.Author, form.Author, form.OwnerEmail, form.Language,
            form.Category, form.Subcategory, form.Explicit, form.Type, form.WebsiteUrl, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null);
        var result = await CreatePodcast.HandleAsync(request, user, http, podcasts, urls, clock, cancellationToken);
        return result.Result switch
        {
            Created<PodcastResponse> created => Done(created.Value!.Id),
            var other => Failed(other),
        };
    }

    public async Task<StudioChange> UpdatePodcastAsync(ClaimsPrincipal user, HttpRequest http, Guid podcastId, StudioPodcastForm form,
        CancellationToken cancellationToken)
    {
        // Every field of the form is sent: an emptied optional field clears it, as null does in the API's merge patch.
        var request = new UpdatePodcast.Request(Set(form.Title), Set(form.Description), Set(form.Author), Set(form.Author),
            Set(form.OwnerEmail), Set(form.Language), Set(form.Category), Set(form.Subcategory), Set<bool?>(form.Explicit), Set(form.Type),
            Set(form.WebsiteUrl), default, default, default, default, default, default, default, default, default, default, default,
            default, default, default);
        var result = await UpdatePodcast.HandleAsync(podcastId, request, user, http, podcasts, changes, urls, clock, cancellationToken);
        return result.Result switch
        {
            Ok<PodcastResponse> ok => Done(ok.Value!.Id),
            var other => Failed(other),
        };
    }

    public async Task<StudioChange> SetPodcastPublishedAsync(ClaimsPrincipal user, HttpRequest http, Guid podcastId, bool publish,
        CancellationToken cancellationToken)
    {
        var result = await PublishPodcast.SetPublishedAsync(podcastId, publish, user, http, podcasts, changes, urls, clock, cancellationToken);
        return result.Result switch
        {
            Ok<PodcastResponse> ok => Done(ok.Value!.Id),
            var other => Failed(other),
        };
    }

    public async Task<StudioChange> CreateEpisodeAsync(ClaimsPrincipal user, HttpRequest http, Guid podcastId, StudioEpisodeForm form,
        CancellationToken cancellationToken)
    {
        var request = new CreateEpisode.Request(form.Title, form.Description, null, null, null, null, null, null, null, null, null, null);
        var result = await CreateEpisode.HandleAsync(podcastId, request, user, http, urls, podcasts, episodes, clock, cancellationToken);
        return result.Result switch
        {
            Created<EpisodeResponse> created => Done(created.Value!.Id),
            var other => Failed(other),
        };
    }

    private static Optional<T> Set<T>(T value) => new(value);

    private static StudioChange Done(Guid id) => new(id, new Dictionary<string, string>(), false, null);

    private static StudioChange Failed(IResult result) => result switch
    {
        ValidationProblem validation => new StudioChange(null,
            validation.ProblemDetails.Errors.ToDictionary(e => e.Key, e => string.Join("; ", e.Value)), false, null),
        ProblemHttpResult { StatusCode: StatusCodes.Status404NotFound } => new StudioChange(null, new Dictionary<string, string>(), true, null),
        ProblemHttpResult problem => new StudioChange(null, new Dictionary<string, string>(), false,
            problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title),
        _ => new StudioChange(null, new Dictionary<string, string>(), false, "The change could not be made."),
    };
}
