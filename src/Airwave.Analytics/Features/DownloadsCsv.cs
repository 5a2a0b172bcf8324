using Airwave.Analytics.Data;
using Airwave.Catalog.Contracts;
using CsvHelper;

namespace Airwave.Analytics.Features;

/// <summary>
/// <c>GET /api/v1/analytics/podcasts/{podcastId}/downloads.csv?from&amp;to</c> and
/// <c>GET /api/v1/analytics/episodes/{episodeId}/downloads.csv?from&amp;to</c>: the summary's daily figures as RFC 4180
/// CSV (CsvHelper: CRLF, quoting as needed, a header row) for spreadsheets and sponsors: one row per day and episode,
/// every day of the range, zeros included (for a podcast, every episode with downloads in the range). Same access
/// rules as the summaries.
/// </summary>
internal static class DownloadsCsv
{
    private const string ContentType = "text/csv; charset=utf-8";
    private static readonly string[] Header = ["date", "episode_id", "episode_title", "downloads", "unique_listeners"];

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/analytics/podcasts/{podcastId:guid}/downloads.csv", PodcastAsync)
            .RequireAuthorization(Policies.Analytics)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithName("GetPodcastDownloadsCsv")
            .WithSummary("A podcast's downloads per day and episode as CSV");
        api.MapGet("/analytics/episodes/{episodeId:guid}/downloads.csv", EpisodeAsync)
            .RequireAuthorization(Policies.Analytics)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithName("GetEpisodeDownloadsCsv")
            .WithSummary("An episode's downloads per day as CSV");
    }

    private static Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> PodcastAsync(
        Guid podcastId, string? from, string? to, ClaimsPrincipal user, ICatalogDirectory catalog, ReportStore reports,
        CancellationToken cancellationToken) =>
        catalog.ForPodcastAsync(user, podcastId, from, to, async (_, start, end) =>
        {
            var rows = await reports.PerDayAndEpisodeAsync(ReportScope.Podcast, podcastId, start, end, cancellationToken);
            var episodes = rows.Select(r => r.EpisodeId).Distinct().Order().ToList();
            var titles = await catalog.EpisodeTitlesAsync(episodes, cancellationToken);
            return Csv($"podcast-{podcastId}-{AnalyticsStore.DayText(start)}-{AnalyticsStore.DayText(end)}.csv", start, end, episodes, titles, rows);
        }, cancellationToken);

    private static Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> EpisodeAsync(
        Guid episodeId, string? from, string? to, ClaimsPrincipal user, ICatalogDirectory catalog, ReportStore reports,
        CancellationToken cancellationToken) =>
        catalog.ForEpisodeAsync(user, episodeId, from, to, async (episode, start, end) =>
        {
            var rows = await reports.PerDayAndEpisodeAsync(ReportScope.Episode, episodeId, start, end, cancellationToken);
            return Csv($"episode-{episodeId}-{AnalyticsStore.DayText(start)}-{AnalyticsStore.DayText(end)}.csv", start, end, [episodeId],
                new Dictionary<Guid, string> { [episodeId] = episode.Title }, rows);
        }, cancellationToken);

    private static PushStreamHttpResult Csv(string fileName, DateOnly from, DateOnly to, IReadOnlyList<Guid> episodes,
        IReadOnlyDictionary<Guid, string> titles, IReadOnlyList<DayEpisodeCount> rows)
    {
        var counts = rows.ToDictionary(r => (r.Day, r.EpisodeId));
        return TypedResults.Stream(async body =>
        {
            // RFC 4180 (CsvHelper's default): CRLF, quotes where needed. Titles are the creator's text: a leading
            // =, +, - or @ is escaped so a spreadsheet never runs it as a formula.
            await using var csv = CsvWriter.Create(body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
            csv.WriteHeader(Header);
            for (var day = from; day <= to; day = day.AddDays(1))
            {
                var dayText = AnalyticsStore.DayText(day);
                foreach (var episode in episodes)
                {
                    var count = counts.GetValueOrDefault((dayText, episode));
                    csv.WriteField(dayText);
                    csv.WriteField(episode.ToString("D"));
                    csv.WriteField(titles.GetValueOrDefault(episode) ?? "");
                    csv.WriteField((object)(count?.Downloads ?? 0));
                    csv.WriteField((object)(count?.Listeners ?? 0));
                    await csv.EndRecordAsync();
                }
            }

            await csv.FlushAsync();
        }, ContentType, fileName);
    }
}
