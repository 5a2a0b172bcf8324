using Airwave.Catalog.Data;
using Airwave.Delivery.Contracts;
using Airwave.Media.Contracts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Airwave.Catalog.Features.Takedowns;

/// <summary>
/// Content takedowns (admins only; ADR 0018): <c>POST /api/v1/admin/episodes/{id}/takedown</c> and <c>…/restore</c>,
/// the same for whole podcasts, and <c>GET /api/v1/admin/takedowns</c>, the record of every takedown and restore.
/// A taken-down episode or show is public nowhere: the visibility rule (<see cref="PodcastRow.IsPublicAt"/>,
/// <see cref="EpisodeRow.IsOutAt"/>, <see cref="Visibility"/>) leaves it out of feeds, private feeds, the public API
/// and announcements; its audio URLs and its files on the origin answer 410 Gone; a taken-down show's feed answers 410.
/// The owner still sees it, with the reason, and cannot publish it again until an admin restores it. The state, the
/// record, the withheld files and <c>FeedChanged</c> commit in one transaction.
/// </summary>
internal static class Takedowns
{
    public const int MaxReasonLength = 1000;

    internal sealed record TakedownRequest(string? Reason, string? Kind);

    internal sealed record RestoreRequest(string? Reason);

    /// <summary>A takedown or restore as the record keeps it.</summary>
    internal sealed record TakedownResponse(Guid Id, string Action, string SubjectKind, Guid SubjectId, string SubjectTitle, Guid PodcastId,
        string Kind, string Reason, Guid ActorId, DateTimeOffset CreatedAt)
    {
        public static TakedownResponse From(TakedownRow row) => new(row.Id, row.Action, row.SubjectKind, row.SubjectId, row.SubjectTitle,
            row.PodcastId, row.Kind, row.Reason, row.ActorId, row.CreatedAt);
    }

    public static void Map(IEndpointRouteBuilder admin)
    {
        admin.MapPost("/episodes/{episodeId:guid}/takedown", TakeDownEpisodeAsync)
            .RequireAuthorization(Policies.AdminWrite)
            .WithName("AdminTakeDownEpisode")
            .WithSummary("Take an episode down (admins): out of every feed and page, its media answers 410");
        admin.MapPost("/episodes/{episodeId:guid}/restore", RestoreEpisodeAsync)
            .RequireAuthorization(Policies.AdminWrite)
            .WithName("AdminRestoreEpisode")
            .WithSummary("Lift an episode's takedown (admins)");
        admin.MapPost("/podcasts/{podcastId:guid}/takedown", TakeDownPodcastAsync)
            .RequireAuthorization(Policies.AdminWrite)
            .WithName("AdminTakeDownPodcast")
            .WithSummary("Take a whole podcast down (admins): its feed and every episode's media answer 410");
        admin.MapPost("/podcasts/{podcastId:guid}/restore", RestorePodcastAsync)
            .RequireAuthorization(Policies.AdminWrite)
            .WithName("AdminRestorePodcast")
            .WithSummary("Lift a podcast's takedown (admins)");
        admin.MapGet("/takedowns", ListAsync)
            .RequireAuthorization(Policies.AdminRead)
            .WithName("AdminListTakedowns")
            .WithSummary("Every takedown and restore, newest first (admins); subject_id for one episode or podcast");
    }

    private static async Task<Results<Ok<Page<TakedownResponse>>, ValidationProblem>> ListAsync(
        int? limit, string? cursor, [FromQuery(Name = "subject_id")] Guid? subjectId, TakedownStore takedowns, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (take, after) = Cursor.Parse(limit, cursor, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var rows = await takedowns.ListAsync(subjectId, take, after, cancellationToken);
        return TypedResults.Ok(Cursor.ToPage(rows, take, r => new Cursor(r.CreatedAt, r.Id), TakedownResponse.From));
    }

    private static async Task<Results<Ok<TakedownResponse>, ValidationProblem, ProblemHttpResult>> TakeDownEpisodeAsync(
        Guid episodeId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] TakedownRequest? request, ClaimsPrincipal admin,
        EpisodeStore episodes, PodcastStore podcasts, IMediaService media, CatalogChanges changes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (reason, kind) = Validate(request?.Reason, request?.Kind, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (episode is null || podcast is null)
        {
            return Problems.NotFound("The episode");
        }

        var keys = await KeysAsync(media, [episode.LiveAssetId, episode.MediaAssetId], cancellationToken);
        var now = clock.GetUtcNow();
        var row = Record(TakedownValues.Takedown, TakedownValues.Episode, episode.Id, episode.Title, podcast.Id, kind, reason, admin, now);
        var done = await changes.CommitAsync(async (connection, transaction) =>
        {
            if (!await TakedownStore.TakeDownAsync(connection, transaction, row, cancellationToken))
            {
                return false;
            }

            await TakedownStore.InsertAsync(connection, transaction, row, cancellationToken);
            await TakedownStore.WithholdAsync(connection, transaction, keys, episode.Id, now, cancellationToken);
            if (CatalogChanges.InFeed(podcast, episode, now))
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, podcast.Id, now, cancellationToken);
            }

            return true;
        }, cancellationToken);
        return done ? TypedResults.Ok(TakedownResponse.From(row)) : AlreadyTakenDown("episode");
    }

    private static async Task<Results<Ok<TakedownResponse>, ValidationProblem, ProblemHttpResult>> RestoreEpisodeAsync(
        Guid episodeId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RestoreRequest? request, ClaimsPrincipal admin,
        EpisodeStore episodes, PodcastStore podcasts, CatalogChanges changes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var reason = ValidateReason(request?.Reason, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, episodeId, cancellationToken);
        if (episode is null || podcast is null)
        {
            return Problems.NotFound("The episode");
        }

        if (episode.TakenDownAt is null)
        {
            return NotTakenDown("episode");
        }

        var now = clock.GetUtcNow();
        var row = Record(TakedownValues.Restore, TakedownValues.Episode, episode.Id, episode.Title, podcast.Id, episode.TakedownKind!, reason, admin,
            now);
        var done = await changes.CommitAsync(async (connection, transaction) =>
        {
            if (!await TakedownStore.RestoreAsync(connection, transaction, TakedownValues.Episode, episode.Id, cancellationToken))
            {
                return false;
            }

            await TakedownStore.InsertAsync(connection, transaction, row, cancellationToken);
            await TakedownStore.ReleaseAsync(connection, transaction, episode.Id, cancellationToken);
            if (CatalogChanges.InFeed(podcast, episode with { TakenDownAt = null }, now))
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, podcast.Id, now, cancellationToken);
            }

            return true;
        }, cancellationToken);

        // An episode never announced (taken down before its scheduled time) is announced when it is out again.
        changes.WakeAnnouncer();
        return done ? TypedResults.Ok(TakedownResponse.From(row)) : NotTakenDown("episode");
    }

    private static async Task<Results<Ok<TakedownResponse>, ValidationProblem, ProblemHttpResult>> TakeDownPodcastAsync(
        Guid podcastId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] TakedownRequest? request, ClaimsPrincipal admin,
        EpisodeStore episodes, PodcastStore podcasts, IMediaService media, CatalogChanges changes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var (reason, kind) = Validate(request?.Reason, request?.Kind, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        if (podcast is null)
        {
            return Problems.NotFound("The podcast");
        }

        var keys = await KeysAsync(media, [.. (await episodes.AssetIdsAsync(podcastId, cancellationToken)).Select(id => (Guid?)id)], cancellationToken);
        var now = clock.GetUtcNow();
        var row = Record(TakedownValues.Takedown, TakedownValues.Podcast, podcast.Id, podcast.Title, podcast.Id, kind, reason, admin, now);
        var done = await changes.CommitAsync(async (connection, transaction) =>
        {
            if (!await TakedownStore.TakeDownAsync(connection, transaction, row, cancellationToken))
            {
                return false;
            }

            await TakedownStore.InsertAsync(connection, transaction, row, cancellationToken);
            await TakedownStore.WithholdAsync(connection, transaction, keys, podcast.Id, now, cancellationToken);
            await CatalogChanges.FeedChangedAsync(connection, transaction, podcast.Id, now, cancellationToken);

            // The feed goes with the show, at once: nothing stored is served again (the feed URL answers 410).
            await FeedStore.DeleteAllAsync(connection, transaction, podcast.Id, cancellationToken);
            return true;
        }, cancellationToken);
        return done ? TypedResults.Ok(TakedownResponse.From(row)) : AlreadyTakenDown("podcast");
    }

    private static async Task<Results<Ok<TakedownResponse>, ValidationProblem, ProblemHttpResult>> RestorePodcastAsync(
        Guid podcastId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RestoreRequest? request, ClaimsPrincipal admin,
        PodcastStore podcasts, CatalogChanges changes, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var reason = ValidateReason(request?.Reason, errors);
        if (errors.Any)
        {
            return errors.ToProblem();
        }

        var podcast = await podcasts.FindAsync(podcastId, cancellationToken);
        if (podcast is null)
        {
            return Problems.NotFound("The podcast");
        }

        if (podcast.TakenDownAt is null)
        {
            return NotTakenDown("podcast");
        }

        var now = clock.GetUtcNow();
        var row = Record(TakedownValues.Restore, TakedownValues.Podcast, podcast.Id, podcast.Title, podcast.Id, podcast.TakedownKind!, reason, admin,
            now);
        var done = await changes.CommitAsync(async (connection, transaction) =>
        {
            if (!await TakedownStore.RestoreAsync(connection, transaction, TakedownValues.Podcast, podcast.Id, cancellationToken))
            {
                return false;
            }

            await TakedownStore.InsertAsync(connection, transaction, row, cancellationToken);
            await TakedownStore.ReleaseAsync(connection, transaction, podcast.Id, cancellationToken);
            await CatalogChanges.FeedChangedAsync(connection, transaction, podcast.Id, now, cancellationToken);
            return true;
        }, cancellationToken);
        changes.WakeAnnouncer();
        return done ? TypedResults.Ok(TakedownResponse.From(row)) : NotTakenDown("podcast");
    }

    private static (string Reason, string Kind) Validate(string? reason, string? kind, FieldErrors errors)
    {
        var text = ValidateReason(reason, errors);
        errors.AddIf(kind is null, "kind", "is required: dmca, abuse or other")
            .AddIf(kind is not null && !TakedownValues.Kinds.Contains(kind), "kind", $"'{kind}' is not a kind; use dmca, abuse or other");
        return (text, kind ?? "");
    }

    private static string ValidateReason(string? reason, FieldErrors errors)
    {
        var text = reason?.Trim() ?? "";
        errors.AddIf(text.Length == 0, "reason", "is required: say why, it is kept in the takedown record and shown to the owner")
            .AddIf(text.Length > MaxReasonLength, "reason", $"must be at most {MaxReasonLength} characters");
        return text;
    }

    /// <summary>Every stored file of the given assets: the origin refuses each of them.</summary>
    private static async Task<IReadOnlyList<string>> KeysAsync(IMediaService media, IReadOnlyList<Guid?> assetIds, CancellationToken cancellationToken)
    {
        var ids = assetIds.OfType<Guid>().Distinct().ToList();
        var renditions = await media.GetRenditionsAsync(ids, cancellationToken);
        return [.. renditions.Values.SelectMany(files => files).Select(f => f.Key)];
    }

    private static TakedownRow Record(string action, string subjectKind, Guid subjectId, string title, Guid podcastId, string kind, string reason,
        ClaimsPrincipal admin, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Action = action,
        SubjectKind = subjectKind,
        SubjectId = subjectId,
        SubjectTitle = title,
        PodcastId = podcastId,
        Kind = kind,
        Reason = reason,
        ActorId = admin.UserId()!.Value,
        CreatedAt = now,
    };

    private static ProblemHttpResult AlreadyTakenDown(string what) =>
        Problems.Conflict($"The {what} is taken down already; restore it first to take it down for another reason.", "Already taken down");

    private static ProblemHttpResult NotTakenDown(string what) => Problems.Conflict($"The {what} is not taken down.", "Not taken down");
}

/// <summary>What the media origin asks before serving a file (see <see cref="IWithheldMedia"/>).</summary>
internal sealed class WithheldMediaLookup(TakedownStore takedowns) : IWithheldMedia
{
    public Task<bool> IsWithheldAsync(string blobKey, CancellationToken cancellationToken) => takedowns.IsWithheldAsync(blobKey, cancellationToken);
}

/// <summary>What the owner (and admins) see on a taken-down episode or podcast: when, which kind, and the admin's reason.</summary>
internal sealed record TakedownNotice(DateTimeOffset TakenDownAt, string Kind, string Reason)
{
    public static TakedownNotice? Of(DateTimeOffset? at, string? kind, string? reason) =>
        at is { } when ? new TakedownNotice(when, kind ?? "other", reason ?? "") : null;
}
