using System.Globalization;
using Airwave.Analytics.Data;
using Airwave.Analytics.Listens;
using Airwave.Catalog.Contracts;
using CsvHelper;

namespace Airwave.Analytics.Features;

/// <summary>
/// <c>GET /api/v1/analytics/podcasts/{podcastId}/listens.csv?from&amp;to</c> and
/// <c>GET /api/v1/analytics/episodes/{episodeId}/listens.csv?from&amp;to</c>: the summary's listen figures (from
/// playback events) as RFC 4180 CSV, one row per day of the range, zeros included. A file of its own beside
/// downloads.csv: downloads and listens are different metrics and never share a column. Same access rules as the
/// summaries.
/// </summary>
internal static class ListensCsv
{
    private const string ContentType = "text/csv; charset=utf-8";
    private static readonly string[] Header = ["date", "plays", "unique_listeners", "listened_seconds", "average_completion", "engaged_listeners"];

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/analytics/podcasts/{podcastId:guid}/listens.csv", PodcastAsync)
            .RequireAuthorization(Policies.Analytics)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithName("GetPodcastListensCsv")
            .WithSummary("A podcast's listen figures per day as CSV");
        api.MapGet("/analytics/episodes/{episodeId:guid}/listens.csv", EpisodeAsync)
            .RequireAuthorization(Policies.Analytics)
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .WithName("GetEpisodeListensCsv")
            .WithSummary("An episode's listen figures per day as CSV");
    }

    private static Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> PodcastAsync(
        Guid podcastId, string? from, string? to, ClaimsPrincipal user, ICatalogDirectory catalog, ListenReport listens,
        CancellationToken cancellationToken) =>
        catalog.ForPodcastAsync(user, podcastId, from, to, async (_, start, end) =>
            Csv($"podcast-{podcastId}-listens-{AnalyticsStore.DayText(start)}-{AnalyticsStore.DayText(end)}.csv",
                await listens.ForPodcastAsync(podcastId, start, end, cancellationToken)), cancellationToken);

    private static Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> EpisodeAsync(
        Guid episodeId, string? from, string? to, ClaimsPrincipal user, ICatalogDirectory catalog, ListenReport listens,
        CancellationToken cancellationToken) =>
        catalog.ForEpisodeAsync(user, episodeId, from, to, async (_, start, end) =>
            Csv($"episode-{episodeId}-listens-{AnalyticsStore.DayText(start)}-{AnalyticsStore.DayText(end)}.csv",
                await listens.ForEpisodeAsync(episodeId, start, end, cancellationToken)), cancellationToken);

    private static PushStreamHttpResult Csv(string fileName, ListenReportResult report) =>
        TypedResults.Stream(async body =>
        {
            await using var csv = CsvWriter.Create(body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
            csv.WriteHeader(Header);
            foreach (var day in report.Days)
            {
                csv.WriteField(day.Day!);
                csv.WriteField((object)day.Plays);
                csv.WriteField((object)day.UniqueListeners);
                csv.WriteField(day.ListenedSeconds.ToString("0.###", CultureInfo.InvariantCulture));
                csv.WriteField(day.AverageCompletion?.ToString("0.####", CultureInfo.InvariantCulture) ?? "");
                csv.WriteField((object)day.EngagedListeners);
                await csv.EndRecordAsync();
            }

            await csv.FlushAsync();
        }, ContentType, fileName);
}
