using System.Globalization;
using Airwave.Analytics.Contracts;
using Airwave.Web.Pages.Studio;
using Airwave.Web.Seo;

namespace Airwave.Web.Features.Studio;

/// <summary>
/// The studio's analytics dashboard: <c>GET /studio/podcasts/{podcastId}/analytics</c> and
/// <c>GET /studio/episodes/{episodeId}/analytics</c>, with an optional range (<c>from</c>, <c>to</c>: UTC days,
/// YYYY-MM-DD; the last 30 days when left out). The figures are the analytics API's (IAudienceReports): downloads per
/// day as a server-rendered SVG chart with a data table, unique listeners, top episodes, countries, apps, devices, and
/// the listens beside them. The range form is a GET form, so it needs no antiforgery token and the page can be
/// bookmarked. Owner (and admins) only: anyone else gets the 404 page; listener accounts get 403.
/// </summary>
internal static class AnalyticsDashboard
{
    /// <summary>The default range: today and the 29 days before it (UTC).</summary>
    public const int DefaultDays = 30;

    public static string PodcastPath(Guid podcastId) => $"/studio/podcasts/{podcastId}/analytics";

    public static string EpisodePath(Guid episodeId) => $"/studio/episodes/{episodeId}/analytics";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/studio/podcasts/{podcastId:guid}/analytics", PodcastAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/studio/episodes/{episodeId:guid}/analytics", EpisodeAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static Task<IResult> PodcastAsync(Guid podcastId, string? from, string? to, HttpContext http, IAudienceReports reports,
        TimeProvider time, CancellationToken cancellationToken) =>
        ShowAsync(http, from, to, time, (f, t) => reports.ForPodcastAsync(http.User, podcastId, f, t, cancellationToken));

    private static Task<IResult> EpisodeAsync(Guid episodeId, string? from, string? to, HttpContext http, IAudienceReports reports,
        TimeProvider time, CancellationToken cancellationToken) =>
        ShowAsync(http, from, to, time, (f, t) => reports.ForEpisodeAsync(http.User, episodeId, f, t, cancellationToken));

    private static async Task<IResult> ShowAsync(HttpContext http, string? from, string? to, TimeProvider time,
        Func<DateOnly, DateOnly, Task<AudienceReport?>> read)
    {
        http.Response.Headers.CacheControl = "no-store";
        if (StudioAccess.Deny(http) is { } denied)
        {
            return denied;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var (start, end) = ParseRange(from, to, today, errors);
        // A bad range still shows the default range's figures (and 400), the reasons next to the fields.
        var report = await read(start, end);
        if (report is null)
        {
            return Site.NotFound(http);
        }

        var heading = report.EpisodeId is null ? $"Analytics: {report.Title}" : $"Episode analytics: {report.Title}";
        var meta = new PageMeta(heading, "Downloads and listens of your show.", http.Absolute(http.Request.Path)) { NoIndex = true };
        return Site.Render<AnalyticsPage>(http, new
        {
            Meta = meta,
            Report = report,
            FromText = errors.ContainsKey("from") ? from ?? "" : Day(start),
            ToText = errors.ContainsKey("to") ? to ?? "" : Day(end),
            Errors = errors,
        }, errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK);
    }

    /// <summary>
    /// The range from the form: empty fields take the default (the last 30 days up to today, or 30 days up to
    /// <c>to</c>); the same rules as the API (dates YYYY-MM-DD, from not after to, at most a year). On any error the
    /// default range is returned and the reasons are added by field.
    /// </summary>
    internal static (DateOnly From, DateOnly To) ParseRange(string? from, string? to, DateOnly today, IDictionary<string, string> errors)
    {
        var end = Parse("to", to, errors) ?? today;
        var start = Parse("from", from, errors) ?? end.AddDays(-(DefaultDays - 1));
        if (errors.Count == 0)
        {
            if (start > end)
            {
                errors["from"] = "must not be after the end date.";
            }
            else if (end.DayNumber - start.DayNumber + 1 > IAudienceReports.MaxDays)
            {
                errors["to"] = $"is too far from the start date: a range covers at most {IAudienceReports.MaxDays} days; this one covers {end.DayNumber - start.DayNumber + 1}.";
            }
        }

        return errors.Count > 0 ? (today.AddDays(-(DefaultDays - 1)), today) : (start, end);
    }

    private static DateOnly? Parse(string field, string? text, IDictionary<string, string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors[field] = $"'{text}' is not a date in the form YYYY-MM-DD.";
        return null;
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
