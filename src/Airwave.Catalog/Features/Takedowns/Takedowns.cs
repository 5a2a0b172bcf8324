using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Airwave.Catalog.Features.Takedowns;

/// <summary>
/// Content takedowns (admins only; ADR 0018): <c>POST /api/v1/admin/episodes/{id}/takedown</c> and <c>…/restore</c>,
/// the same for whole podcasts, and <c>GET /api/v1/admin/takedowns</c>, the record of every takedown and restore.
/// A taken-down episode or show is public nowhere: the visibility rule (<see cref="PodcastRow.IsPublicAt"/>,
/// <see cref="EpisodeRow.IsOutAt"/>, <see cref="Visibility"/>) leaves it out of feeds, private feeds, the public API
/// and announcements; its audio URLs and its files on the origin answer 410 Gone; a taken-down show's feed answers 410.
/// The owner still sees it, with the reason, and cannot publish it again until an admin restores it. The work is done
/// by <see cref="ContentModeration"/>, which the CLI uses as well.
/// </summary>
internal static class Takedowns
{
    internal sealed record TakedownRequest(string? Reason, string? Kind);

    internal sealed record RestoreRequest(string? Reason);

    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapPost("/episodes/{episodeId:guid}/takedown", (Guid episodeId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] TakedownRequest? request,
                ClaimsPrincipal user, IContentModeration moderation, CancellationToken cancellationToken) =>
                TakeDownAsync(TakedownValues.Episode, episodeId, request, user, moderation, cancellationToken))
            .RequireAuthorization(Policies.AdminWrite)
            .WithName("AdminTakeDownEpisode")
            .WithSummary("Take an episode down (admins): out of every feed and page, its media answers 410");
        admin.MapPost("/episodes/{episodeId:guid}/restore", (Guid episodeId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RestoreRequest? request,
                ClaimsPrincipal user, IContentModeration moderation, CancellationToken cancellationToken) =>
                RestoreAsync(TakedownValues.Episode, episodeId, request, user, moderation, cancellationToken))
            .RequireAuthorization(Policies.AdminWrite)
            .WithName("AdminRestoreEpisode")
            .WithSummary("Lift an episode's takedown (admins)");
        admin.MapPost("/podcasts/{podcastId:guid}/takedown", (Guid podcastId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] TakedownRequest? request,
                ClaimsPrincipal user, IContentModeration moderation, CancellationToken cancellationToken) =>
                TakeDownAsync(TakedownValues.Podcast, podcastId, request, user, moderation, cancellationToken))
            .RequireAuthorization(Policies.AdminWrite)
            .WithName("AdminTakeDownPodcast")
            .WithSummary("Take a whole podcast down (admins): its feed and every episode's media answer 410");
        admin.MapPost("/podcasts/{podcastId:guid}/restore", (Guid podcastId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RestoreRequest? request,
                ClaimsPrincipal user, IContentModeration moderation, CancellationToken cancellationToken) =>
                RestoreAsync(TakedownValues.Podcast, podcastId, request, user, moderation, cancellationToken))
            .RequireAuthorization(Policies.AdminWrite)
            .WithName("AdminRestorePodcast")
            .WithSummary("Lift a podcast's takedown (admins)");
        admin.MapGet("/takedowns", ListAsync)
            .RequireAuthorization(Policies.AdminRead)
            .WithName("AdminListTakedowns")
            .WithSummary("Every takedown and restore, newest first (admins); subject_id for one episode or podcast");
    }

    private static async Task<Results<Ok<Page<TakedownRecord>>, ValidationProblem>> ListAsync(
        int? limit, string? cursor, [FromQuery(Name = "subject_id")] Guid? subjectId, TakedownStore takedowns, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (take, after) = Cursor.Parse(limit, cursor, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var rows = await takedowns.ListAsync(subjectId, take, after, cancellationToken);
        return TypedResults.Ok(Cursor.ToPage(rows, take, r => new Cursor(r.CreatedAt, r.Id), r => new TakedownRecord(r.Id, r.Action, r.SubjectKind,
            r.SubjectId, r.SubjectTitle, r.PodcastId, r.Kind, r.Reason, r.ActorId, r.CreatedAt)));
    }

    private static async Task<Results<Ok<TakedownRecord>, ValidationProblem, ProblemHttpResult>> TakeDownAsync(string subjectKind, Guid subjectId,
        TakedownRequest? request, ClaimsPrincipal user, IContentModeration moderation, CancellationToken cancellationToken) =>
        Answer(subjectKind, await moderation.TakeDownAsync(subjectKind, subjectId, request?.Kind, request?.Reason, user.UserId()!.Value, cancellationToken));

    private static async Task<Results<Ok<TakedownRecord>, ValidationProblem, ProblemHttpResult>> RestoreAsync(string subjectKind, Guid subjectId,
        RestoreRequest? request, ClaimsPrincipal user, IContentModeration moderation, CancellationToken cancellationToken) =>
        Answer(subjectKind, await moderation.RestoreAsync(subjectKind, subjectId, request?.Reason, user.UserId()!.Value, cancellationToken));

    private static Results<Ok<TakedownRecord>, ValidationProblem, ProblemHttpResult> Answer(string subjectKind, ModerationResult result) =>
        result.Outcome switch
        {
            ModerationOutcome.Done => TypedResults.Ok(result.Record!),
            ModerationOutcome.Invalid => Problems.Validation(result.Errors.ToDictionary()),
            ModerationOutcome.NotFound => Problems.NotFound(subjectKind == TakedownValues.Episode ? "The episode" : "The podcast"),
            _ => Problems.Conflict(result.Problem!, result.ProblemTitle ?? "Conflict"),
        };
}
