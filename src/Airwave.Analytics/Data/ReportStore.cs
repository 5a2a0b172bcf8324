using Airwave.Core.Data;
using Dapper;

namespace Airwave.Analytics.Data;

/// <summary>Whose downloads a report is about: a podcast's or one episode's.</summary>
internal enum ReportScope
{
    Podcast,
    Episode,
}

/// <summary>A name (country, app, device) and its downloads.</summary>
internal sealed class NamedCount
{
    public string Name { get; init; } = "";
    public long Downloads { get; init; }
}

internal sealed class EpisodeCount
{
    public Guid EpisodeId { get; init; }
    public long Downloads { get; init; }
    public long Listeners { get; init; }
}

internal sealed class DayEpisodeCount
{
    public string Day { get; init; } = "";
    public Guid EpisodeId { get; init; }
    public long Downloads { get; init; }
    public long Listeners { get; init; }
}

internal sealed class Totals
{
    public long Downloads { get; init; }
    public long Listeners { get; init; }
}

/// <summary>Aggregates over <c>analytics_downloads</c> for the reports; every range is inclusive, days as yyyy-MM-dd.</summary>
internal sealed class ReportStore(Database database)
{
    private static string Column(ReportScope scope) => scope == ReportScope.Podcast ? "podcast_id" : "episode_id";

    private static object Parameters(Guid id, DateOnly from, DateOnly to) =>
        new { Id = id, From = AnalyticsStore.DayText(from), To = AnalyticsStore.DayText(to) };

    public async Task<Totals> TotalsAsync(ReportScope scope, Guid id, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<Totals>(new CommandDefinition(
            $"SELECT count(*) AS downloads, count(DISTINCT listener) AS listeners FROM analytics_downloads WHERE {Column(scope)} = @Id AND day >= @From AND day <= @To",
            Parameters(id, from, to), cancellationToken: cancellationToken));
    }

    /// <summary>Downloads (and distinct listeners) per day and episode; days without downloads are left out.</summary>
    public async Task<IReadOnlyList<DayEpisodeCount>> PerDayAndEpisodeAsync(ReportScope scope, Guid id, DateOnly from, DateOnly to,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DayEpisodeCount>(new CommandDefinition(
            $"""
            SELECT day, episode_id, count(*) AS downloads, count(DISTINCT listener) AS listeners FROM analytics_downloads
            WHERE {Column(scope)} = @Id AND day >= @From AND day <= @To GROUP BY day, episode_id ORDER BY day, episode_id
            """, Parameters(id, from, to), cancellationToken: cancellationToken));
        return [.. rows];
    }

    public async Task<IReadOnlyList<EpisodeCount>> PerEpisodeAsync(ReportScope scope, Guid id, DateOnly from, DateOnly to,
        CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EpisodeCount>(new CommandDefinition(
            $"""
            SELECT episode_id, count(*) AS downloads, count(DISTINCT listener) AS listeners FROM analytics_downloads
            WHERE {Column(scope)} = @Id AND day >= @From AND day <= @To GROUP BY episode_id
            """, Parameters(id, from, to), cancellationToken: cancellationToken));
        return [.. rows];
    }

    /// <summary>Downloads per value of one attribute (country, app, device), most first, ties by name.</summary>
    public async Task<IReadOnlyList<NamedCount>> ByAsync(string attribute, ReportScope scope, Guid id, DateOnly from, DateOnly to,
        CancellationToken cancellationToken)
    {
        if (attribute is not ("country" or "app" or "device" or "os" or "region" or "city"))
        {
            throw new ArgumentOutOfRangeException(nameof(attribute), attribute, "Not a stored attribute.");
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<NamedCount>(new CommandDefinition(
            $"""
            SELECT {attribute} AS name, count(*) AS downloads FROM analytics_downloads
            WHERE {Column(scope)} = @Id AND day >= @From AND day <= @To GROUP BY {attribute} ORDER BY count(*) DESC, {attribute}
            """, Parameters(id, from, to), cancellationToken: cancellationToken));
        return [.. rows];
    }
}
