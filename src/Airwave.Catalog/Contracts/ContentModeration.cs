namespace Airwave.Catalog.Contracts;

/// <summary>How a moderation request ended.</summary>
public enum ModerationOutcome
{
    /// <summary>Done: <see cref="ModerationResult.Record"/> is what was recorded.</summary>
    Done,

    /// <summary>Bad input: <see cref="ModerationResult.Errors"/> names each field and why.</summary>
    Invalid,

    /// <summary>No such episode or podcast.</summary>
    NotFound,

    /// <summary>Taken down already, or not taken down (for a restore): <see cref="ModerationResult.Problem"/> says which.</summary>
    Conflict,
}

/// <summary>One takedown or restore as the record keeps it (ADR 0018).</summary>
/// <param name="Action"><c>takedown</c> or <c>restore</c>.</param>
/// <param name="SubjectKind"><c>episode</c> or <c>podcast</c>.</param>
/// <param name="SubjectTitle">The subject's title when the action was taken.</param>
/// <param name="Kind"><c>dmca</c>, <c>abuse</c> or <c>other</c>; a restore carries the kind of the takedown it lifted.</param>
/// <param name="ActorId">The admin who acted.</param>
public sealed record TakedownRecord(Guid Id, string Action, string SubjectKind, Guid SubjectId, string SubjectTitle, Guid PodcastId,
    string Kind, string Reason, Guid ActorId, DateTimeOffset CreatedAt);

/// <summary>The outcome of a takedown or restore.</summary>
/// <param name="Problem">For a conflict: what is wrong, for a person to read.</param>
/// <param name="ProblemTitle">For a conflict: its short title (<c>Already taken down</c>, <c>Not taken down</c>).</param>
public sealed record ModerationResult(ModerationOutcome Outcome, TakedownRecord? Record, IReadOnlyDictionary<string, string[]> Errors,
    string? Problem = null, string? ProblemTitle = null);

/// <summary>
/// Takes episodes and whole podcasts down and restores them (ADR 0018), for the admin API and the CLI
/// (<c>airwave admin takedown</c>). The caller has checked that <c>actorId</c> is an admin.
/// </summary>
public interface IContentModeration
{
    /// <param name="subjectKind"><c>episode</c> or <c>podcast</c>.</param>
    /// <param name="kind"><c>dmca</c>, <c>abuse</c> or <c>other</c>.</param>
    Task<ModerationResult> TakeDownAsync(string subjectKind, Guid subjectId, string? kind, string? reason, Guid actorId,
        CancellationToken cancellationToken);

    Task<ModerationResult> RestoreAsync(string subjectKind, Guid subjectId, string? reason, Guid actorId, CancellationToken cancellationToken);
}

/// <summary>The record of takedowns and restores, for the admin web pages.</summary>
public interface ITakedownRecords
{
    /// <summary>The latest takedowns and restores, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<TakedownRecord>> LatestAsync(int limit, CancellationToken cancellationToken);
}
