using System.Data.Common;
using Airwave.Core.Data;
using Dapper;

namespace Airwave.Catalog.Data;

/// <summary>What a takedown record is about, and what it did.</summary>
internal static class TakedownValues
{
    public const string Takedown = "takedown";
    public const string Restore = "restore";
    public const string Episode = "episode";
    public const string Podcast = "podcast";

    /// <summary>Why content was taken down: a copyright notice, abuse of the terms, or anything else (the reason says).</summary>
    public static readonly IReadOnlyList<string> Kinds = ["dmca", "abuse", "other"];
}

/// <summary>One takedown or restore, kept for good (ADR 0018).</summary>
internal sealed record TakedownRow
{
    public required Guid Id { get; init; }
    public required string Action { get; init; }
    public required string SubjectKind { get; init; }
    public required Guid SubjectId { get; init; }

    /// <summary>The title when the action was taken: the record stays readable after the subject is renamed or deleted.</summary>
    public required string SubjectTitle { get; init; }
    public required Guid PodcastId { get; init; }
    public required string Kind { get; init; }
    public required string Reason { get; init; }
    public required Guid ActorId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// Takedowns: the current state on the episode or podcast row (what every visibility rule reads, see
/// <see cref="Visibility"/>), the record of each action, and the media files the origin must refuse. Every write runs in
/// the caller's transaction, so the state, the record, the withheld files and <c>FeedChanged</c> commit together.
/// </summary>
internal sealed class TakedownStore(Database database)
{
    private const string Columns = "id, action, subject_kind, subject_id, subject_title, podcast_id, kind, reason, actor_id, created_at";

    /// <summary>Marks the subject taken down unless it is already; true when this call did it.</summary>
    public static async Task<bool> TakeDownAsync(DbConnection connection, DbTransaction transaction, TakedownRow takedown,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE {Table(takedown.SubjectKind)} SET taken_down_at = @CreatedAt, takedown_kind = @Kind, takedown_reason = @Reason
            WHERE id = @SubjectId AND taken_down_at IS NULL
            """, takedown, transaction, cancellationToken: cancellationToken)) == 1;

    /// <summary>Lifts the subject's takedown if it has one; true when this call did it.</summary>
    public static async Task<bool> RestoreAsync(DbConnection connection, DbTransaction transaction, string subjectKind, Guid subjectId,
        CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE {Table(subjectKind)} SET taken_down_at = NULL, takedown_kind = NULL, takedown_reason = NULL
            WHERE id = @subjectId AND taken_down_at IS NOT NULL
            """, new { subjectId }, transaction, cancellationToken: cancellationToken)) == 1;

    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, TakedownRow row, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO takedowns ({Columns})
            VALUES (@Id, @Action, @SubjectKind, @SubjectId, @SubjectTitle, @PodcastId, @Kind, @Reason, @ActorId, @CreatedAt)
            """, row, transaction, cancellationToken: cancellationToken));

    /// <summary>The origin refuses these files for as long as the subject's takedown lasts.</summary>
    public static async Task WithholdAsync(DbConnection connection, DbTransaction transaction, IEnumerable<string> blobKeys, Guid subjectId,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var blobKey in blobKeys.Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO withheld_media (blob_key, subject_id, withheld_at) VALUES (@blobKey, @subjectId, @now)
                ON CONFLICT (blob_key, subject_id) DO NOTHING
                """, new { blobKey, subjectId, now }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>
    /// New media that goes live for an episode while it (or its show) is taken down is withheld as well: a creator
    /// replacing the audio does not bring the episode back, only a restore does. The condition is read in the
    /// transaction that makes the media live, so a takedown committed before it is seen.
    /// </summary>
    public static async Task WithholdIfTakenDownAsync(DbConnection connection, DbTransaction transaction, Guid episodeId,
        IEnumerable<string> blobKeys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var blobKey in blobKeys.Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO withheld_media (blob_key, subject_id, withheld_at)
                SELECT @blobKey, e.id, @now FROM episodes e WHERE e.id = @episodeId AND e.taken_down_at IS NOT NULL
                UNION ALL
                SELECT @blobKey, p.id, @now FROM episodes e JOIN podcasts p ON p.id = e.podcast_id
                WHERE e.id = @episodeId AND p.taken_down_at IS NOT NULL
                ON CONFLICT (blob_key, subject_id) DO NOTHING
                """, new { blobKey, episodeId, now }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>Releases the files the subject's takedown withheld (files another takedown withholds stay withheld).</summary>
    public static async Task ReleaseAsync(DbConnection connection, DbTransaction transaction, Guid subjectId, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM withheld_media WHERE subject_id = @subjectId", new { subjectId }, transaction, cancellationToken: cancellationToken));

    /// <summary>True when some takedown withholds the file (one indexed lookup: the origin asks on every media request).</summary>
    public async Task<bool> IsWithheldAsync(string blobKey, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM withheld_media WHERE blob_key = @blobKey", new { blobKey }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Records newest first, optionally of one subject; fetches <paramref name="limit"/> + 1 rows.</summary>
    public async Task<IReadOnlyList<TakedownRow>> ListAsync(Guid? subjectId, int limit, Cursor? after, CancellationToken cancellationToken)
    {
        var filters = new List<string>();
        if (subjectId is not null)
        {
            filters.Add("subject_id = @subjectId");
        }

        if (after is not null)
        {
            filters.Add("(created_at, id) < (@SortKey, @Id)");
        }

        var where = filters.Count == 0 ? "" : "WHERE " + string.Join(" AND ", filters);
        await using var connection = await database.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<TakedownRow>(new CommandDefinition(
            $"SELECT {Columns} FROM takedowns {where} ORDER BY created_at DESC, id DESC LIMIT @take",
            new { subjectId, take = limit + 1, after?.SortKey, after?.Id }, cancellationToken: cancellationToken))];
    }

    private static string Table(string subjectKind) => subjectKind switch
    {
        TakedownValues.Episode => "episodes",
        TakedownValues.Podcast => "podcasts",
        _ => throw new ArgumentOutOfRangeException(nameof(subjectKind), subjectKind, "Only episodes and podcasts are taken down."),
    };
}
