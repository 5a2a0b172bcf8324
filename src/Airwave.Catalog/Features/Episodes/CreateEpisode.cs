using Airwave.Catalog.Data;
using Airwave.Catalog.Episodes;
using Airwave.Catalog.Feeds;

namespace Airwave.Catalog.Features.Episodes;

/// <summary>
/// <c>POST /api/v1/podcasts/{podcastId}/episodes</c>: a draft episode's metadata; audio is uploaded afterwards.
/// The guid is generated unless given (imports keep the original); it never changes afterwards.
/// </summary>
internal static class CreateEpisode
{
    internal sealed record Request(
        string? Title,
        string? Description,
        int? SeasonNumber,
        int? EpisodeNumber,
        string? EpisodeType,
        bool? Explicit,
        string? Guid,
        IReadOnlyList<TranscriptLink>? Transcripts,
        string? ChaptersUrl,
        IReadOnlyList<Soundbite>? Soundbites,
        IReadOnlyList<PersonCredit>? Persons,
        bool? Premium);

    public static void Map(IEndpointRouteBuilder api) =>
        api.MapPost("/podcasts/{podcastId:guid}/episodes", HandleAsync)
            .RequireAuthorization(Policies.Write)
            .WithName("CreateEpisode")
            .WithSummary("Create a draft episode");

    internal static async Task<Results<Created<EpisodeResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        Guid podcastId, Request request, ClaimsPrincipal user, HttpRequest http, PublicUrls urls, PodcastStore podcasts, EpisodeStore episodes, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        if (user.DenyChange(podcast, now) is { } denied)
        {
            return denied;
        }

        var errors = new FieldErrors();
        var values = EpisodeRules.Validate(new EpisodeValues(request.Title, request.Description, request.SeasonNumber,
            request.EpisodeNumber, request.EpisodeType, request.Explicit ?? podcast!.Explicit), errors);
        // No media yet, so no duration to check soundbites against; processing's duration is checked on later edits.
        var feed = new EpisodeFeedFields(request.Transcripts, request.ChaptersUrl, request.Soundbites, request.Persons).Validate(null, errors);
        if (request.Guid is not null && EpisodeRules.GuidProblem(request.Guid) is { } guidProblem)
        {
            errors.Add("guid", guidProblem);
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var id = Guid.CreateVersion7(now);
        var row = feed.ApplyTo(new EpisodeRow
        {
            Id = id,
            PodcastId = podcastId,
            Guid = request.Guid?.Trim() ?? id.ToString(),
            Title = values.Title!,
            Description = values.Description!,
            SeasonNumber = values.SeasonNumber,
            EpisodeNumber = values.EpisodeNumber,
            EpisodeType = values.EpisodeType!,
            Explicit = values.Explicit!.Value,
            Premium = request.Premium ?? false,
            ProcessedStatus = ProcessedStatus.AwaitingUpload,
            CreatedAt = now,
            UpdatedAt = now,
        });
        if (!await episodes.TryInsertAsync(row, cancellationToken))
        {
            return Problems.Validation("guid", "is already used by another episode of this podcast");
        }

        return TypedResults.Created($"/api/v1/episodes/{row.Id}", EpisodeResponse.From(row, now, urls, http));
    }
}
