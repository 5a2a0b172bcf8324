using Airwave.Analytics.Data;
using Airwave.Analytics.Features;
using Airwave.Analytics.Listens;
using Airwave.Catalog.Contracts;
using Microsoft.Extensions.Options;

namespace Airwave.Analytics.Contracts;

/// <summary>A podcast's or an episode's audience over a range, as the studio's dashboard shows it.</summary>
/// <param name="EpisodeId">Null for a podcast's report.</param>
/// <param name="Title">The podcast's title, or the episode's.</param>
/// <param name="Window">The counting window, disclosed beside every download figure (IAB v2.2).</param>
/// <param name="Downloads">Counted downloads (from requests).</param>
/// <param name="Listens">Listens (from playback events); a different metric, never mixed with downloads.</param>
public sealed record AudienceReport(Guid PodcastId, Guid? EpisodeId, string Title, DateOnly From, DateOnly To, AudienceWindow Window,
    AudienceDownloads Downloads, AudienceListens Listens);

/// <param name="Type">calendar, first-touch or last-touch.</param>
/// <param name="ListenerKeyRotation">Listener identities change with this period (day, week, month).</param>
public sealed record AudienceWindow(string Type, string Description, string TimeZone, string ListenerKeyRotation);

/// <param name="PerDay">Every day of the range in order, days without downloads as 0.</param>
/// <param name="TopEpisodes">Most downloaded episodes first (at most 10); empty for an episode's report.</param>
public sealed record AudienceDownloads(long Total, long UniqueListeners, IReadOnlyList<AudienceDay> PerDay, IReadOnlyList<AudienceEpisode> TopEpisodes,
    IReadOnlyList<AudienceShare> Countries, IReadOnlyList<AudienceShare> Apps, IReadOnlyList<AudienceShare> Devices);

public sealed record AudienceDay(DateOnly Date, long Count);

public sealed record AudienceEpisode(Guid EpisodeId, string? Title, long Downloads, long UniqueListeners);

/// <param name="Name">A country code, an app or a device name as counted.</param>
public sealed record AudienceShare(string Name, long Downloads);

/// <param name="PlaysPerDay">Every day of the range in order, days without plays as 0.</param>
/// <param name="AverageCompletion">Mean share of an episode heard per play (0 to 1); null when no play had a known duration.</param>
public sealed record AudienceListens(long Plays, long UniqueListeners, double ListenedSeconds, double? AverageCompletion, long EngagedListeners,
    IReadOnlyList<AudienceDay> PlaysPerDay);

/// <summary>
/// The audience reports other modules (the web studio) read, with the same rules and figures as the analytics API
/// (<c>/api/v1/analytics/…/summary</c>): the owner and admins with the analytics scope see a report; for anyone else
/// the report does not exist (null), so a page can answer 404 without revealing the show.
/// </summary>
public interface IAudienceReports
{
    /// <summary>The longest range one report covers, inclusive (days).</summary>
    const int MaxDays = ReportRequest.MaxDays;

    Task<AudienceReport?> ForPodcastAsync(ClaimsPrincipal user, Guid podcastId, DateOnly from, DateOnly to, CancellationToken cancellationToken);

    Task<AudienceReport?> ForEpisodeAsync(ClaimsPrincipal user, Guid episodeId, DateOnly from, DateOnly to, CancellationToken cancellationToken);
}

/// <summary>Reads the same stores as <see cref="DownloadSummaries"/>; kept apart so the API's JSON shapes stay internal.</summary>
internal sealed class AudienceReports(ICatalogDirectory catalog, ReportStore reports, ListenReport listens, IOptions<AnalyticsOptions> options)
    : IAudienceReports
{
    private const int TopEpisodes = 10;

    public async Task<AudienceReport?> ForPodcastAsync(ClaimsPrincipal user, Guid podcastId, DateOnly from, DateOnly to,
        CancellationToken cancellationToken)
    {
        CheckRange(from, to);
        if (await catalog.VisiblePodcastAsync(user, podcastId, cancellationToken) is not { } podcast)
        {
            return null;
        }

        var episodes = (await reports.PerEpisodeAsync(ReportScope.Podcast, podcastId, from, to, cancellationToken))
            .OrderByDescending(e => e.Downloads).ThenBy(e => e.EpisodeId).Take(TopEpisodes).ToList();
        var titles = await catalog.EpisodeTitlesAsync([.. episodes.Select(e => e.EpisodeId)], cancellationToken);
        var downloads = await DownloadsAsync(ReportScope.Podcast, podcastId, from, to,
            [.. episodes.Select(e => new AudienceEpisode(e.EpisodeId, titles.GetValueOrDefault(e.EpisodeId), e.Downloads, e.Listeners))],
            cancellationToken);
        return new AudienceReport(podcastId, null, podcast.Title, from, to, Window(), downloads,
            Listens(await listens.ForPodcastAsync(podcastId, from, to, cancellationToken)));
    }

    public async Task<AudienceReport?> ForEpisodeAsync(ClaimsPrincipal user, Guid episodeId, DateOnly from, DateOnly to,
        CancellationToken cancellationToken)
    {
        CheckRange(from, to);
        if (await catalog.VisibleEpisodeAsync(user, episodeId, cancellationToken) is not { } episode)
        {
            return null;
        }

        var downloads = await DownloadsAsync(ReportScope.Episode, episodeId, from, to, [], cancellationToken);
        return new AudienceReport(episode.PodcastId, episodeId, episode.Title, from, to, Window(), downloads,
            Listens(await listens.ForEpisodeAsync(episodeId, from, to, cancellationToken)));
    }

    private static void CheckRange(DateOnly from, DateOnly to)
    {
        if (to < from || to.DayNumber - from.DayNumber + 1 > IAudienceReports.MaxDays)
        {
            throw new ArgumentOutOfRangeException(nameof(to), "The range must run forwards and cover at most a year.");
        }
    }

    private async Task<AudienceDownloads> DownloadsAsync(ReportScope scope, Guid id, DateOnly from, DateOnly to, IReadOnlyList<AudienceEpisode> top,
        CancellationToken cancellationToken)
    {
        var totals = await reports.TotalsAsync(scope, id, from, to, cancellationToken);
        var rows = await reports.PerDayAndEpisodeAsync(scope, id, from, to, cancellationToken);
        var byDay = rows.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.Sum(r => r.Downloads), StringComparer.Ordinal);
        var perDay = new List<AudienceDay>(to.DayNumber - from.DayNumber + 1);
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            perDay.Add(new AudienceDay(day, byDay.GetValueOrDefault(AnalyticsStore.DayText(day))));
        }

        return new AudienceDownloads(totals.Downloads, totals.Listeners, perDay, top,
            await ByAsync("country", scope, id, from, to, cancellationToken),
            await ByAsync("app", scope, id, from, to, cancellationToken),
            await ByAsync("device", scope, id, from, to, cancellationToken));
    }

    private async Task<IReadOnlyList<AudienceShare>> ByAsync(string attribute, ReportScope scope, Guid id, DateOnly from, DateOnly to,
        CancellationToken cancellationToken) =>
        [.. (await reports.ByAsync(attribute, scope, id, from, to, cancellationToken)).Select(r => new AudienceShare(r.Name, r.Downloads))];

    private AudienceWindow Window()
    {
        var window = ReportRequest.Window(options.Value);
        return new AudienceWindow(window.Type, window.Description, window.TimeZone, window.ListenerKeyRotation);
    }

    private static AudienceListens Listens(ListenReportResult result) =>
        new(result.Totals.Plays, result.Totals.UniqueListeners, result.Totals.ListenedSeconds, result.Totals.AverageCompletion,
            result.Totals.EngagedListeners,
            [.. result.Days.Select(d => new AudienceDay(DateOnly.ParseExact(d.Day!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), d.Plays))]);
}
