using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;
using Airwave.Catalog.Features;
using Airwave.Catalog.Features.Episodes;
using Airwave.Catalog.Features.Podcasts;
using Airwave.Catalog.Feeds;
using Airwave.Catalog.Text;
using Airwave.Media.Contracts;

namespace Airwave.Catalog.Public;

/// <summary>
/// <see cref="IStudioEditor"/>: the studio's forms call the API's own handlers (<see cref="CreatePodcast"/>,
/// <see cref="UpdatePodcast"/>, <see cref="CreateEpisode"/>) with the signed-in user, so a form is held to exactly the
/// rules, ownership checks and events of the JSON API, and the reasons come back keyed by the API's field names.
/// </summary>
internal sealed class StudioEditor(PodcastStore podcasts, EpisodeStore episodes, CatalogChanges changes, PublicUrls urls, IMediaService media,
    TimeProvider clock) : IStudioEditor
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
        if (episode is null || podcast is null || !user.Manages(podcast))
        {
            return null;
        }

        var transcripts = FeedJson.List<TranscriptLink>(episode.Transcripts);
        var transcript = transcripts.Count > 0 ? transcripts[0] : null;
        var chapters = await EpisodeChapters.ListAsync(episode, media, cancellationToken);
        return new StudioEpisodeDetails(episode.Id, podcast.Id, podcast.Title, podcast.IsPublicAt(clock.GetUtcNow()), episode.Title,
            episode.ProcessedStatus, episode.PublishedAt)
        {
            Description = episode.Description,
            DescriptionHtml = ShowNotes.ToHtml(episode.Description),
            SeasonNumber = episode.SeasonNumber,
            EpisodeNumber = episode.EpisodeNumber,
            EpisodeType = episode.EpisodeType,
            Explicit = episode.Explicit,
            DurationMs = episode.DurationMs,
            CoverPaths = episode.CoverImageKey is null ? null : CoverImages.Paths(episode.CoverImageKey),
            TranscriptUrl = transcript?.Url,
            TranscriptType = transcript?.Type,
            Chapters = [.. chapters.Select(c => new StudioChapter(c.Chapter.StartTime, c.Chapter.Title, c.Chapter.Url, c.Chapter.Img))],
            ChaptersFromMedia = episode.Chapters is null && chapters.Count > 0,
            Version = VersionOf(episode),
        };
    }

    public async Task<StudioChange> UpdateEpisodeAsync(ClaimsPrincipal user, HttpRequest http, Guid episodeId, StudioEpisodeMetadataForm form,
        IReadOnlyDictionary<string, string> formErrors, CancellationToken cancellationToken)
    {
        if (await CheckVersionAsync(user, episodeId, form.Version, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (formErrors.Count > 0)
        {
            return new StudioChange(null, formErrors, false, null);
        }

        var episode = (await episodes.FindAsync(episodeId, cancellationToken))!;
        // The form edits the first transcript link; any others (sent through the API) are kept as they are.
        var transcripts = FeedJson.List<TranscriptLink>(episode.Transcripts).ToList();
        var first = form.TranscriptUrl is null ? null : new TranscriptLink(form.TranscriptUrl, form.TranscriptType, transcripts.FirstOrDefault()?.Language,
            transcripts.FirstOrDefault()?.Rel);
        if (transcripts.Count > 0)
        {
            transcripts.RemoveAt(0);
        }

        if (first is not null)
        {
            transcripts.Insert(0, first);
        }

        var request = new UpdateEpisode.Request(Set(form.Title), Set<string?>(form.Description ?? ""), Set(Number(form.SeasonNumber)),
            Set(Number(form.EpisodeNumber)), Set<string?>(form.EpisodeType ?? "full"), Set<bool?>(form.Explicit), default,
            Set<IReadOnlyList<TranscriptLink>?>(transcripts), default, default, default, default, default);
        var result = await UpdateEpisode.HandleAsync(episodeId, request, user, http, urls, podcasts, episodes, changes, clock, cancellationToken);
        return result.Result switch
        {
            Ok<EpisodeResponse> ok => Done(ok.Value!.Id),
            var other => Renamed(Failed(other), name => name switch
            {
                "transcripts[0].url" => "transcript_url",
                "transcripts[0].type" => "transcript_type",
                _ => name,
            }),
        };
    }

    public async Task<StudioChange> SetEpisodeChaptersAsync(ClaimsPrincipal user, HttpRequest http, Guid episodeId,
        IReadOnlyList<StudioChapter> chapters, string? version, CancellationToken cancellationToken)
    {
        if (await CheckVersionAsync(user, episodeId, version, cancellationToken) is { } refused)
        {
            return refused;
        }

        var list = chapters.Select(c => new Chapter(c.StartSeconds, c.Title, c.Url, c.Img)).ToList();
        var request = new UpdateEpisode.Request(default, default, default, default, default, default, default, default, default, default,
            default, default, Set<IReadOnlyList<Chapter>?>(list));
        var result = await UpdateEpisode.HandleAsync(episodeId, request, user, http, urls, podcasts, episodes, changes, clock, cancellationToken);
        return result.Result switch
        {
            Ok<EpisodeResponse> ok => Done(ok.Value!.Id),
            var other => Failed(other),
        };
    }

    public string RenderShowNotes(string? markdown) => ShowNotes.ToHtml(markdown ?? "");

    /// <summary>The episode's version: its update time, which every change to it moves.</summary>
    private static string VersionOf(EpisodeRow episode) => episode.UpdatedAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Not found for someone who may not manage the episode; a conflict when it changed since the form's version. The
    /// check is made just before the change, not inside its transaction: it stops the stale tab, which is the case that
    /// happens, not two saves in the same millisecond.
    /// </summary>
    private async Task<StudioChange?> CheckVersionAsync(ClaimsPrincipal user, Guid episodeId, string? version, CancellationToken cancellationToken)
    {
        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (episode is null || podcast is null || !user.Manages(podcast))
        {
            return new StudioChange(null, new Dictionary<string, string>(), true, null);
        }

        return version is not null && version != VersionOf(episode)
            ? new StudioChange(null, new Dictionary<string, string>(), false,
                "This episode was changed somewhere else (another tab, window or the API) after you opened this page, so nothing was saved. "
                + "Your values are still in the form: check them against the current ones and save again to replace them.") { Conflict = true }
            : null;
    }

    private static int? Number(string? text) =>
        int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    private static StudioChange Renamed(StudioChange change, Func<string, string> rename) =>
        change with { Errors = change.Errors.ToDictionary(e => rename(e.Key), e => e.Value) };

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

    /// <summary>A refused change: the validation reasons by field, not found, or the problem's words.</summary>
    internal static StudioChange Failed(IResult result) => result switch
    {
        ValidationProblem validation => new StudioChange(null,
            validation.ProblemDetails.Errors.ToDictionary(e => e.Key, e => string.Join("; ", e.Value)), false, null),
        ProblemHttpResult { StatusCode: StatusCodes.Status404NotFound } => new StudioChange(null, new Dictionary<string, string>(), true, null),
        ProblemHttpResult problem => new StudioChange(null,
            problem.ProblemDetails.Extensions.TryGetValue("errors", out var errors) && errors is IDictionary<string, string[]> fields
                ? fields.ToDictionary(e => e.Key, e => string.Join("; ", e.Value))
                : new Dictionary<string, string>(), false, problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title),
        _ => new StudioChange(null, new Dictionary<string, string>(), false, "The change could not be made."),
    };
}
