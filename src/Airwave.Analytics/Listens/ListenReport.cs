using System.Globalization;
using System.Text.Json.Serialization;
using Airwave.Core.Data;
using Dapper;
using Microsoft.Extensions.Options;

namespace Airwave.Analytics.Listens;

/// <summary>Listen figures for one UTC day, or for a whole range (<see cref="Day"/> null).</summary>
internal sealed record ListenFigures
{
    /// <summary>The UTC day (<c>yyyy-MM-dd</c>); null (and left out of JSON) for the totals of a range.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Day { get; init; }

    /// <summary>Listening sessions that reached the minimum (<see cref="ListenOptions.MinimumListenSeconds"/>).</summary>
    public long Plays { get; init; }

    /// <summary>Distinct listeners (account, or device when not signed in) with at least one play.</summary>
    public long UniqueListeners { get; init; }

    /// <summary>Seconds heard in those plays: per session the union of the ranges played, never the sum.</summary>
    public double ListenedSeconds { get; init; }

    /// <summary>Mean share of the episode heard per play (0 to 1), over plays of episodes whose duration is known; null without any.</summary>
    public double? AverageCompletion { get; init; }

    /// <summary>Distinct listeners with at least one engaged play (see <see cref="ListenReport.EngagedFraction"/>).</summary>
    public long EngagedListeners { get; init; }
}

/// <summary>
/// Per-day figures of a date range (every day present, zeros included) and the range's totals. Serialised with the
/// API's JSON settings it is the <c>listens</c> object a report can embed as is:
/// <c>{"from", "to", "days": [{"day", "plays", "unique_listeners", "listened_seconds", "average_completion", "engaged_listeners"}], "totals": {…}}</c>.
/// </summary>
/// <param name="Totals">Distinct listeners are distinct over the whole range, not the sum of the days.</param>
internal sealed record ListenReportResult(DateOnly From, DateOnly To, IReadOnlyList<ListenFigures> Days, ListenFigures Totals);

/// <summary>
/// Listen figures (plays, unique listeners, listened seconds, average completion, engaged listeners) of a podcast or
/// an episode per UTC day, read from <c>listen_sessions</c>, which the analytics handler keeps current. These are
/// listens from playback events only; downloads are counted apart from the delivery log and never mixed in.
/// A session belongs to the day it began; whether it is a play is decided here, with the current settings.
/// </summary>
internal sealed class ListenReport(Database database, IOptions<ListenOptions> options)
{
    /// <summary>An engaged play heard at least this share of the episode…</summary>
    public const double EngagedFraction = 0.5;

    /// <summary>…or at least this many seconds (long episodes: ten minutes is engaged whatever the share).</summary>
    public const double EngagedSeconds = 600;

    /// <summary>Episodes shorter than the minimum listen count as played when this share of them was heard.</summary>
    public const double ShortEpisodeFraction = 0.9;

    public Task<ListenReportResult> ForPodcastAsync(Guid podcastId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        ReadAsync("podcast_id", podcastId, from, to, cancellationToken);

    public Task<ListenReportResult> ForEpisodeAsync(Guid episodeId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        ReadAsync("episode_id", episodeId, from, to, cancellationToken);

    private async Task<ListenReportResult> ReadAsync(string column, Guid id, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (to < from)
        {
            throw new ArgumentException("The range ends before it starts.", nameof(to));
        }

        var parameters = new
        {
            id,
            from = Day(from),
            to = Day(to),
            minimum = options.Value.MinimumListenSeconds,
            shortFraction = ShortEpisodeFraction,
            engagedFraction = EngagedFraction,
            engagedSeconds = EngagedSeconds,
        };
        // A play: enough heard in one session; an episode shorter than the minimum needs most of itself heard instead.
        var select =
            $"""
            COUNT(*) AS plays,
            COUNT(DISTINCT listener_key) AS unique_listeners,
            COALESCE(SUM(listened_seconds), 0) AS listened_seconds,
            AVG(completion) AS average_completion,
            COUNT(DISTINCT CASE WHEN completion >= @engagedFraction OR listened_seconds >= @engagedSeconds THEN listener_key END) AS engaged_listeners
            FROM listen_sessions
            WHERE {column} = @id AND day >= @from AND day <= @to
              AND listened_seconds >= CASE WHEN duration_seconds < @minimum THEN duration_seconds * @shortFraction ELSE @minimum END
            """;
        await using var connection = await database.OpenAsync(cancellationToken);
        var days = (await connection.QueryAsync<ListenFigures>(new CommandDefinition(
            $"SELECT day, {select} GROUP BY day", parameters, cancellationToken: cancellationToken)))
            .ToDictionary(d => d.Day!, StringComparer.Ordinal);
        var totals = await connection.QuerySingleAsync<ListenFigures>(new CommandDefinition(
            $"SELECT {select}", parameters, cancellationToken: cancellationToken));

        var all = new List<ListenFigures>();
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            all.Add(days.GetValueOrDefault(Day(day)) ?? new ListenFigures { Day = Day(day) });
        }

        return new ListenReportResult(from, to, all, totals);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
