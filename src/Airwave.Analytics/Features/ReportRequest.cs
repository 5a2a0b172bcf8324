using System.Globalization;
using Airwave.Analytics.Counting;
using Airwave.Catalog.Contracts;

namespace Airwave.Analytics.Features;

/// <summary>
/// What every report endpoint shares: who may see a podcast's figures (its owner and admins, with the analytics
/// scope; everyone else gets 404 so the podcast's existence is not revealed) and the date range.
/// </summary>
internal static class ReportRequest
{
    /// <summary>The longest range one report covers, inclusive: a year, leap day included.</summary>
    public const int MaxDays = 366;

    public static bool MaySee(this ClaimsPrincipal user, Guid ownerId) => user.HasScope(Scopes.Analytics) && user.CanManage(ownerId);

    public static async Task<CatalogPodcast?> VisiblePodcastAsync(this ICatalogDirectory catalog, ClaimsPrincipal user, Guid podcastId,
        CancellationToken cancellationToken) =>
        await catalog.FindPodcastAsync(podcastId, cancellationToken) is { } podcast && user.MaySee(podcast.OwnerId) ? podcast : null;

    public static async Task<CatalogEpisode?> VisibleEpisodeAsync(this ICatalogDirectory catalog, ClaimsPrincipal user, Guid episodeId,
        CancellationToken cancellationToken) =>
        await catalog.FindEpisodeAsync(episodeId, cancellationToken) is { } episode && user.MaySee(episode.OwnerId) ? episode : null;

    /// <summary>
    /// A podcast report's answer: 404 when the user may not see the podcast (before any reason about the range, so the
    /// range reveals nothing), the range's problems, else <paramref name="report"/> over the parsed range.
    /// </summary>
    public static Task<Results<TReport, ValidationProblem, ProblemHttpResult>> ForPodcastAsync<TReport>(this ICatalogDirectory catalog,
        ClaimsPrincipal user, Guid podcastId, string? from, string? to, Func<CatalogPodcast, DateOnly, DateOnly, Task<TReport>> report,
        CancellationToken cancellationToken)
        where TReport : IResult =>
        AnswerAsync("The podcast", from, to, () => catalog.VisiblePodcastAsync(user, podcastId, cancellationToken), report);

    /// <summary>The same as <see cref="ForPodcastAsync{TReport}"/> for an episode's report.</summary>
    public static Task<Results<TReport, ValidationProblem, ProblemHttpResult>> ForEpisodeAsync<TReport>(this ICatalogDirectory catalog,
        ClaimsPrincipal user, Guid episodeId, string? from, string? to, Func<CatalogEpisode, DateOnly, DateOnly, Task<TReport>> report,
        CancellationToken cancellationToken)
        where TReport : IResult =>
        AnswerAsync("The episode", from, to, () => catalog.VisibleEpisodeAsync(user, episodeId, cancellationToken), report);

    /// <summary>Parses <c>from</c> and <c>to</c> (both required, YYYY-MM-DD, UTC days, inclusive); problems go to <paramref name="errors"/>.</summary>
    public static (DateOnly From, DateOnly To) ParseRange(string? from, string? to, FieldErrors errors)
    {
        var start = Day("from", from, errors);
        var end = Day("to", to, errors);
        if (start is { } s && end is { } e)
        {
            if (s > e)
            {
                errors.Add("from", "must not be after to.");
            }
            else if (e.DayNumber - s.DayNumber + 1 > MaxDays)
            {
                errors.Add("to", $"the range may cover at most {MaxDays} days; it covers {e.DayNumber - s.DayNumber + 1}.");
            }
        }

        return (start ?? default, end ?? default);
    }

    private static async Task<Results<TReport, ValidationProblem, ProblemHttpResult>> AnswerAsync<TSubject, TReport>(string subject, string? from,
        string? to, Func<Task<TSubject?>> visible, Func<TSubject, DateOnly, DateOnly, Task<TReport>> report)
        where TSubject : class
        where TReport : IResult
    {
        var errors = new FieldErrors();
        var (start, end) = ParseRange(from, to, errors);
        if (await visible() is not { } found)
        {
            return Problems.NotFound(subject);
        }

        if (errors.Any)
        {
            return errors.ToProblem();
        }

        return await report(found, start, end);
    }

    private static DateOnly? Day(string field, string? text, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            errors.Add(field, "is required (a UTC date, YYYY-MM-DD).");
            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            errors.Add(field, $"'{text}' is not a date in the form YYYY-MM-DD.");
            return null;
        }

        return day;
    }

    /// <summary>The counting window, disclosed with every figure (IAB v2.2).</summary>
    public static CountingWindowResponse Window(AnalyticsOptions options)
    {
        var window = CountingSettings.TryParseWindow(options.Window, out var parsed) ? parsed : CountingWindow.Calendar;
        return new CountingWindowResponse(CountingSettings.WindowName(window), window switch
        {
            CountingWindow.Calendar => "One download per listener and episode per UTC calendar day.",
            CountingWindow.FirstTouch => "One download per listener and episode per 24 hours from the download's first request.",
            _ => "One download per listener and episode per 24 hours from the listener's latest request for it.",
        }, "UTC", options.ListenerKeyRotation);
    }
}

/// <param name="Type">calendar, first-touch or last-touch.</param>
/// <param name="ListenerKeyRotation">Listener identities change with this period (day, week, month): unique listeners
/// over a longer range count a listener once per period.</param>
internal sealed record CountingWindowResponse(string Type, string Description, string TimeZone, string ListenerKeyRotation);

internal sealed record DayDownloads(DateOnly Date, long Downloads);

internal sealed record NamedDownloads(string Name, long Downloads);

internal sealed record TopEpisode(Guid EpisodeId, string? Title, long Downloads, long UniqueListeners);
