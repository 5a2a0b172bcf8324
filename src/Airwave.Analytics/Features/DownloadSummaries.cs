using Airwave.Analytics.Data;
using Airwave.Analytics.Listens;
using Airwave.Catalog.Contracts;
using Microsoft.Extensions.Options;

namespace Airwave.Analytics.Features;

/// <summary>
/// A podcast's audience over a range: downloads (counted from requests) and listens (plays, listened time and
/// completion from playback events) side by side as separate objects; the two are different metrics, never mixed.
/// </summary>
internal sealed record PodcastSummaryResponse(Guid PodcastId, DateOnly From, DateOnly To, CountingWindowResponse Window, PodcastDownloads Downloads,
    ListenReportResult Listens);

internal sealed record EpisodeSummaryResponse(Guid EpisodeId, Guid PodcastId, DateOnly From, DateOnly To, CountingWindowResponse Window,
    EpisodeDownloads Downloads, ListenReportResult Listens);

/// <param name="PerDay">Every day of the range, days without downloads as 0.</param>
/// <param name="TopEpisodes">The podcast's episodes with downloads in the range, most first (at most 10).</param>
internal sealed record PodcastDownloads(long Total, long UniqueListeners, IReadOnlyList<DayDownloads> PerDay, IReadOnlyList<TopEpisode> TopEpisodes,
    IReadOnlyList<NamedDownloads> Countries, IReadOnlyList<NamedDownloads> Apps, IReadOnlyList<NamedDownloads> Devices);

internal sealed record EpisodeDownloads(long Total, long UniqueListeners, IReadOnlyList<DayDownloads> PerDay,
    IReadOnlyList<NamedDownloads> Countries, IReadOnlyList<NamedDownloads> Apps, IReadOnlyList<NamedDownloads> Devices);

/// <summary>
/// <c>GET /api/v1/analytics/podcasts/{podcastId}/summary?from&amp;to</c> and <c>GET /api/v1/analytics/episodes/{episodeId}/summary</c>:
/// counted downloads (docs/analytics-methodology.md) per day, episode, country, app and device, with the counting
/// window disclosed, and the listen figures of the same range. The owner and admins only, with the analytics scope (a session has it; an API token must be
/// given it); anyone else gets 404.
/// </summary>
internal static class DownloadSummaries
{
    private const int TopEpisodes = 10;

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/analytics/podcasts/{podcastId:guid}/summary", PodcastAsync)
            .RequireAuthorization(Policies.Analytics)
            .WithName("GetPodcastAnalyticsSummary")
            .WithSummary("A podcast's downloads and listens over a date range");
        api.MapGet("/analytics/episodes/{episodeId:guid}/summary", EpisodeAsync)
            .RequireAuthorization(Policies.Analytics)
            .WithName("GetEpisodeAnalyticsSummary")
            .WithSummary("An episode's downloads and listens over a date range");
    }

    private static Task<Results<Ok<PodcastSummaryResponse>, ValidationProblem, ProblemHttpResult>> PodcastAsync(
        Guid podcastId, string? from, string? to, ClaimsPrincipal user, ICatalogDirectory catalog, ReportStore reports,
        ListenReport listens, IOptions<AnalyticsOptions> options, CancellationToken cancellationToken) =>
        catalog.ForPodcastAsync(user, podcastId, from, to, async (_, start, end) =>
        {
            var totals = await reports.TotalsAsync(ReportScope.Podcast, podcastId, start, end, cancellationToken);
            var perDay = await reports.PerDayAndEpisodeAsync(ReportScope.Podcast, podcastId, start, end, cancellationToken);
            var episodes = (await reports.PerEpisodeAsync(ReportScope.Podcast, podcastId, start, end, cancellationToken))
                .OrderByDescending(e => e.Downloads).ThenBy(e => e.EpisodeId).Take(TopEpisodes).ToList();
            var titles = await catalog.EpisodeTitlesAsync([.. episodes.Select(e => e.EpisodeId)], cancellationToken);
            return TypedResults.Ok(new PodcastSummaryResponse(podcastId, start, end, ReportRequest.Window(options.Value), new PodcastDownloads(
                totals.Downloads, totals.Listeners, EveryDay(start, end, perDay),
                [.. episodes.Select(e => new TopEpisode(e.EpisodeId, titles.GetValueOrDefault(e.EpisodeId), e.Downloads, e.Listeners))],
                await ByAsync(reports, "country", ReportScope.Podcast, podcastId, start, end, cancellationToken),
                await ByAsync(reports, "app", ReportScope.Podcast, podcastId, start, end, cancellationToken),
                await ByAsync(reports, "device", ReportScope.Podcast, podcastId, start, end, cancellationToken)),
                await listens.ForPodcastAsync(podcastId, start, end, cancellationToken)));
        }, cancellationToken);

    private static Task<Results<Ok<EpisodeSummaryResponse>, ValidationProblem, ProblemHttpResult>> EpisodeAsync(
        Guid episodeId, string? from, string? to, ClaimsPrincipal user, ICatalogDirectory catalog, ReportStore reports,
        ListenReport listens, IOptions<AnalyticsOptions> options, CancellationToken cancellationToken) =>
        catalog.ForEpisodeAsync(user, episodeId, from, to, async (episode, start, end) =>
        {
            var totals = await reports.TotalsAsync(ReportScope.Episode, episodeId, start, end, cancellationToken);
            var perDay = await reports.PerDayAndEpisodeAsync(ReportScope.Episode, episodeId, start, end, cancellationToken);
            return TypedResults.Ok(new EpisodeSummaryResponse(episodeId, episode.PodcastId, start, end, ReportRequest.Window(options.Value),
                new EpisodeDownloads(totals.Downloads, totals.Listeners, EveryDay(start, end, perDay),
                    await ByAsync(reports, "country", ReportScope.Episode, episodeId, start, end, cancellationToken),
                    await ByAsync(reports, "app", ReportScope.Episode, episodeId, start, end, cancellationToken),
                    await ByAsync(reports, "device", ReportScope.Episode, episodeId, start, end, cancellationToken)),
                await listens.ForEpisodeAsync(episodeId, start, end, cancellationToken)));
        }, cancellationToken);

    private static List<DayDownloads> EveryDay(DateOnly from, DateOnly to, IReadOnlyList<DayEpisodeCount> rows)
    {
        var byDay = rows.GroupBy(r => r.Day).ToDictionary(g => g.Key, g => g.Sum(r => r.Downloads), StringComparer.Ordinal);
        var days = new List<DayDownloads>(to.DayNumber - from.DayNumber + 1);
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            days.Add(new DayDownloads(day, byDay.GetValueOrDefault(AnalyticsStore.DayText(day))));
        }

        return days;
    }

    private static async Task<IReadOnlyList<NamedDownloads>> ByAsync(ReportStore reports, string attribute, ReportScope scope, Guid id, DateOnly from,
        DateOnly to, CancellationToken cancellationToken) =>
        [.. (await reports.ByAsync(attribute, scope, id, from, to, cancellationToken)).Select(r => new NamedDownloads(r.Name, r.Downloads))];
}
