using Airwave.Catalog.Contracts;
using Airwave.Catalog.Data;
using Airwave.Delivery.Contracts;
using Airwave.Media.Contracts;

namespace Airwave.Catalog.Features.Takedowns;

/// <summary>
/// Takedowns and restores (ADR 0018). The state on the row, the record, the withheld files and <c>FeedChanged</c>
/// commit in one transaction; the conditional update decides races (two admins at once: one wins, the other gets a
/// conflict and nothing is recorded twice).
/// </summary>
internal sealed class ContentModeration(EpisodeStore episodes, PodcastStore podcasts, IMediaService media, CatalogChanges changes, TimeProvider clock)
    : IContentModeration
{
    public const int MaxReasonLength = 1000;

    public async Task<ModerationResult> TakeDownAsync(string subjectKind, Guid subjectId, string? kind, string? reason, Guid actorId,
        CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var text = ValidateReason(reason, errors);
        errors.AddIf(kind is null, "kind", "is required: dmca, abuse or other")
            .AddIf(kind is not null && !TakedownValues.Kinds.Contains(kind), "kind", $"'{kind}' is not a kind; use dmca, abuse or other");
        if (errors.Any)
        {
            return Invalid(errors);
        }

        var now = clock.GetUtcNow();
        TakedownRow row;
        IReadOnlyList<Guid?> assets;
        bool feedChanged;
        if (subjectKind == TakedownValues.Episode)
        {
            var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, subjectId, cancellationToken);
            if (episode is null || podcast is null)
            {
                return NotFound;
            }

            row = Record(TakedownValues.Takedown, subjectKind, episode.Id, episode.Title, podcast.Id, kind!, text, actorId, now);
            assets = [episode.LiveAssetId, episode.MediaAssetId];
            feedChanged = CatalogChanges.InFeed(podcast, episode, now);
        }
        else
        {
            var podcast = await podcasts.FindAsync(subjectId, cancellationToken);
            if (podcast is null)
            {
                return NotFound;
            }

            row = Record(TakedownValues.Takedown, TakedownValues.Podcast, podcast.Id, podcast.Title, podcast.Id, kind!, text, actorId, now);
            assets = [.. (await episodes.AssetIdsAsync(podcast.Id, cancellationToken)).Select(id => (Guid?)id)];
            feedChanged = true;
        }

        var keys = await KeysAsync(assets, cancellationToken);
        var done = await changes.CommitAsync(async (connection, transaction) =>
        {
            if (!await TakedownStore.TakeDownAsync(connection, transaction, row, cancellationToken))
            {
                return false;
            }

            await TakedownStore.InsertAsync(connection, transaction, row, cancellationToken);
            await TakedownStore.WithholdAsync(connection, transaction, keys, row.SubjectId, now, cancellationToken);
            if (feedChanged)
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, row.PodcastId, now, cancellationToken);
            }

            if (row.SubjectKind == TakedownValues.Podcast)
            {
                // The feed goes with the show, at once: nothing stored is served again (the feed URL answers 410).
                await FeedStore.DeleteAllAsync(connection, transaction, row.PodcastId, cancellationToken);
            }

            return true;
        }, cancellationToken);
        return done
            ? Done(row)
            : Conflict($"The {subjectKind} is taken down already; restore it first to take it down for another reason.", "Already taken down");
    }

    public async Task<ModerationResult> RestoreAsync(string subjectKind, Guid subjectId, string? reason, Guid actorId, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var text = ValidateReason(reason, errors);
        if (errors.Any)
        {
            return Invalid(errors);
        }

        var now = clock.GetUtcNow();
        TakedownRow row;
        bool feedChanged;
        if (subjectKind == TakedownValues.Episode)
        {
            var (episode, podcast) = await episodes.FindWithPodcastAsync(podcasts, subjectId, cancellationToken);
            if (episode is null || podcast is null)
            {
                return NotFound;
            }

            if (episode.TakenDownAt is null)
            {
                return NotTakenDown(subjectKind);
            }

            row = Record(TakedownValues.Restore, subjectKind, episode.Id, episode.Title, podcast.Id, episode.TakedownKind!, text, actorId, now);
            feedChanged = CatalogChanges.InFeed(podcast, episode with { TakenDownAt = null }, now);
        }
        else
        {
            var podcast = await podcasts.FindAsync(subjectId, cancellationToken);
            if (podcast is null)
            {
                return NotFound;
            }

            if (podcast.TakenDownAt is null)
            {
                return NotTakenDown(subjectKind);
            }

            row = Record(TakedownValues.Restore, TakedownValues.Podcast, podcast.Id, podcast.Title, podcast.Id, podcast.TakedownKind!, text, actorId,
                now);
            feedChanged = true;
        }

        var done = await changes.CommitAsync(async (connection, transaction) =>
        {
            if (!await TakedownStore.RestoreAsync(connection, transaction, row.SubjectKind, row.SubjectId, cancellationToken))
            {
                return false;
            }

            await TakedownStore.InsertAsync(connection, transaction, row, cancellationToken);
            await TakedownStore.ReleaseAsync(connection, transaction, row.SubjectId, cancellationToken);
            if (feedChanged)
            {
                await CatalogChanges.FeedChangedAsync(connection, transaction, row.PodcastId, now, cancellationToken);
            }

            return true;
        }, cancellationToken);

        // Episodes never announced (taken down before their time came) are announced now that they are out again.
        changes.WakeAnnouncer();
        return done ? Done(row) : NotTakenDown(subjectKind);
    }

    private static readonly ModerationResult NotFound = new(ModerationOutcome.NotFound, null, new Dictionary<string, string[]>(), null);

    private static ModerationResult Done(TakedownRow row) => new(ModerationOutcome.Done, new TakedownRecord(row.Id, row.Action, row.SubjectKind,
        row.SubjectId, row.SubjectTitle, row.PodcastId, row.Kind, row.Reason, row.ActorId, row.CreatedAt), new Dictionary<string, string[]>(), null);

    private static ModerationResult Invalid(FieldErrors errors) => new(ModerationOutcome.Invalid, null, errors.ToDictionary().AsReadOnly(), null);

    private static ModerationResult Conflict(string problem, string title) =>
        new(ModerationOutcome.Conflict, null, new Dictionary<string, string[]>(), problem, title);

    private static ModerationResult NotTakenDown(string subjectKind) => Conflict($"The {subjectKind} is not taken down.", "Not taken down");

    private static string ValidateReason(string? reason, FieldErrors errors)
    {
        var text = reason?.Trim() ?? "";
        errors.AddIf(text.Length == 0, "reason", "is required: say why, it is kept in the takedown record and shown to the owner")
            .AddIf(text.Length > MaxReasonLength, "reason", $"must be at most {MaxReasonLength} characters");
        return text;
    }

    /// <summary>Every stored file of the given assets: the origin refuses each of them.</summary>
    private async Task<IReadOnlyList<string>> KeysAsync(IReadOnlyList<Guid?> assetIds, CancellationToken cancellationToken)
    {
        var ids = assetIds.OfType<Guid>().Distinct().ToList();
        var renditions = await media.GetRenditionsAsync(ids, cancellationToken);
        return [.. renditions.Values.SelectMany(files => files).Select(f => f.Key)];
    }

    private static TakedownRow Record(string action, string subjectKind, Guid subjectId, string title, Guid podcastId, string kind, string reason,
        Guid actorId, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        Action = action,
        SubjectKind = subjectKind,
        SubjectId = subjectId,
        SubjectTitle = title,
        PodcastId = podcastId,
        Kind = kind,
        Reason = reason,
        ActorId = actorId,
        CreatedAt = now,
    };
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
