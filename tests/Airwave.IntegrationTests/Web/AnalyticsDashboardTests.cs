using System.Net;
using Airwave.Accounts.Contracts;
using Airwave.IntegrationTests.Analytics;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Web;

/// <summary>
/// The studio's analytics dashboard over HTTP: the figures of downloads counted from the delivery log and of plays
/// from playback events, shown in the headline numbers, the SVG chart (each bar's title), its table and the
/// breakdowns; the range form's defaults and its errors next to the fields; the owner only (another creator 404,
/// listeners 403, signed-out people sent to sign in).
/// </summary>
public abstract class AnalyticsDashboardTests(AnalyticsServer server)
{
    private static readonly DateOnly Today = AnalyticsKit.Today;
    private static readonly DateOnly Day = Today.AddDays(-2);

    private DateOnly PlayDay { get; set; }

    /// <summary>
    /// Three downloads (two on <see cref="Day"/>, one the day before, from three addresses in Munich) and one play of half
    /// the episode that started ten minutes ago: today, or yesterday when the test runs just after midnight (UTC), which
    /// <see cref="PlayDay"/> says.
    /// </summary>
    private async Task<CountedEpisode> SeededAsync()
    {
        var episode = await server.EpisodeAsync();
        await server.ExecuteSqlAsync("UPDATE episodes SET duration_ms = 600000 WHERE id = @id", new { id = Guid.Parse(episode.EpisodeId) });
        await server.InsertAsync(
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(Day, 9), "203.0.113.10", size: episode.Mp3Size),
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(Day, 10), "203.0.113.11", size: episode.Mp3Size),
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(Day.AddDays(-1), 10), "203.0.113.12", size: episode.Mp3Size));
        await server.CountAsync();

        using var player = server.Client();
        var started = DateTimeOffset.UtcNow.AddMinutes(-10);
        PlayDay = DateOnly.FromDateTime(started.UtcDateTime);
        var events = new List<object>();
        for (var i = 0; i <= 10; i++)
        {
            events.Add(new Dictionary<string, object?>
            {
                ["event_id"] = $"dash-{episode.EpisodeId}-{i}",
                ["device_id"] = "dashboard-device",
                ["episode_id"] = episode.EpisodeId,
                ["session_id"] = "s1",
                ["type"] = i == 0 ? "play" : "progress",
                ["position_start"] = i == 0 ? 0 : (i - 1) * 30,
                ["position_end"] = i * 30,
                ["created_at"] = Time(started.AddSeconds(i * 30)),
            });
        }

        var sent = await player.PostJsonAsync("/api/v1/playback-events/batch", new { sent_at = Time(DateTimeOffset.UtcNow), events });
        sent.Status.ShouldBe(HttpStatusCode.OK, sent.Body?.ToJsonString());
        await server.SettlePlaybackAsync();
        return episode;
    }

    [Fact]
    public async Task Podcast_SeededDownloadsAndPlays_FiguresChartTableAndBreakdownsShown()
    {
        var episode = await SeededAsync();
        using var browser = new StudioBrowser(server);
        (await browser.SignInAsync(episode.Owner.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        var page = await browser.PageAsync($"/studio/podcasts/{episode.PodcastId}/analytics");

        page.Status.ShouldBe(HttpStatusCode.OK, page.Html);
        page.Header("Cache-Control").ShouldBe("no-store");
        page.Meta("robots").ShouldBe("noindex");
        var d = page.Document;
        // Default range: the last 30 days, today included (today is the page's: midnight may have passed since seeding).
        var today = DateOnly.ParseExact(d.QuerySelector("#to")!.GetAttribute("value")!, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        today.ShouldBeInRange(PlayDay, PlayDay.AddDays(1));
        d.QuerySelector("#from")!.GetAttribute("value").ShouldBe(AnalyticsKit.Text(today.AddDays(-29)));
        d.QuerySelector("#downloads-total")!.TextContent.ShouldBe("3");
        d.QuerySelector("#downloads-listeners")!.TextContent.ShouldBe("3");
        var bars = d.QuerySelectorAll("#main svg rect.chart-bar").Select(r => r.QuerySelector("title")!.TextContent).ToList();
        bars.Count.ShouldBe(60); // 30 days of downloads, 30 of plays
        bars.ShouldContain($"{AnalyticsKit.Text(Day)}: 2 downloads");
        bars.ShouldContain($"{AnalyticsKit.Text(Day.AddDays(-1))}: 1 downloads");
        bars.ShouldContain($"{AnalyticsKit.Text(PlayDay)}: 1 plays");
        d.QuerySelectorAll("#downloads-chart-table tbody tr").Length.ShouldBe(30);
        d.QuerySelector("#downloads-chart-caption")!.TextContent.ShouldBe("Downloads per day");
        var top = d.QuerySelectorAll("#top-episodes tbody tr").Single();
        top.QuerySelector("a")!.GetAttribute("href").ShouldBe(
            $"/studio/episodes/{episode.EpisodeId}/analytics?from={AnalyticsKit.Text(today.AddDays(-29))}&to={AnalyticsKit.Text(today)}");
        top.QuerySelectorAll("td").Select(c => c.TextContent).ShouldBe(["3", "3"]);
        Row(page, "#countries").ShouldBe(["DE", "3", "100 %"]);
        Row(page, "#apps")[1].ShouldBe("3");
        Row(page, "#devices")[1].ShouldBe("3");
        d.QuerySelector("#plays")!.TextContent.ShouldBe("1");
        d.QuerySelector("#play-listeners")!.TextContent.ShouldBe("1");
        d.QuerySelector("#listened-time")!.TextContent.ShouldBe("5 min"); // 300 s
        d.QuerySelector("#completion")!.TextContent.ShouldBe("50 %");
        d.QuerySelector("#counting-window")!.TextContent.ShouldContain("per UTC calendar day");
        var csv = d.QuerySelector("#csv-export")!.GetAttribute("href")!;
        csv.ShouldBe($"/api/v1/analytics/podcasts/{episode.PodcastId}/downloads.csv?from={AnalyticsKit.Text(today.AddDays(-29))}&to={AnalyticsKit.Text(today)}");
        // The export link works with the same browser session.
        using var export = await browser.Http.GetAsync(new Uri(csv, UriKind.Relative));
        export.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await export.Content.ReadAsStringAsync()).ShouldContain($"{AnalyticsKit.Text(Day)},{episode.EpisodeId},");
        // No script on the page: the charts are drawn on the server.
        d.QuerySelectorAll("script[src]").Length.ShouldBe(0);
        // The studio dashboard links to it.
        (await browser.PageAsync("/studio")).Document.QuerySelector($"a[href='/studio/podcasts/{episode.PodcastId}/analytics']").ShouldNotBeNull();
    }

    [Fact]
    public async Task Episode_ChosenRange_OnlyThatRangesFigures()
    {
        var episode = await SeededAsync();
        using var browser = new StudioBrowser(server);
        (await browser.SignInAsync(episode.Owner.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        var page = await browser.PageAsync($"/studio/episodes/{episode.EpisodeId}/analytics?from={AnalyticsKit.Text(Day)}&to={AnalyticsKit.Text(Day)}");

        page.Status.ShouldBe(HttpStatusCode.OK, page.Html);
        page.Document.QuerySelector("h1")!.TextContent.ShouldStartWith("Episode analytics: ");
        page.Document.QuerySelector("#downloads-total")!.TextContent.ShouldBe("2");
        page.Document.QuerySelector("#plays")!.TextContent.ShouldBe("0");
        page.Document.QuerySelector("#completion")!.TextContent.ShouldBe("–");
        page.Document.QuerySelectorAll("#downloads-chart-table tbody tr").Length.ShouldBe(1);
        page.Document.QuerySelector("#top-episodes").ShouldBeNull();
        page.Document.QuerySelector("#csv-export")!.GetAttribute("href")
            .ShouldBe($"/api/v1/analytics/episodes/{episode.EpisodeId}/downloads.csv?from={AnalyticsKit.Text(Day)}&to={AnalyticsKit.Text(Day)}");
    }

    [Theory]
    [InlineData("from=2026-13-01", "from", "From '2026-13-01' is not a date in the form YYYY-MM-DD.")]
    [InlineData("from=2026-01-01&to=junk", "to", "To 'junk' is not a date in the form YYYY-MM-DD.")]
    [InlineData("from=2026-02-01&to=2026-01-31", "from", "From must not be after the end date.")]
    [InlineData("from=2025-01-01&to=2026-01-02", "to", "To is too far from the start date: a range covers at most 366 days; this one covers 367.")]
    public async Task BadRange_400WithTheReasonNextToTheField(string query, string field, string reason)
    {
        var episode = await server.EpisodeAsync();
        using var browser = new StudioBrowser(server);
        (await browser.SignInAsync(episode.Owner.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        var before = AnalyticsKit.Today;
        var page = await browser.PageAsync($"/studio/podcasts/{episode.PodcastId}/analytics?{query}");
        var after = AnalyticsKit.Today;

        page.Status.ShouldBe(HttpStatusCode.BadRequest);
        page.Document.QuerySelector($"#{field}")!.GetAttribute("aria-invalid").ShouldBe("true");
        page.Document.QuerySelector($"#{field}")!.GetAttribute("aria-describedby").ShouldBe($"{field}-error");
        page.Document.QuerySelector($"#{field}-error")!.TextContent.ShouldBe(reason);
        page.Document.QuerySelectorAll(".field-error").Length.ShouldBe(1);
        // The default range is shown meanwhile.
        page.Document.QuerySelector("#range-shown time")!.GetAttribute("datetime")
            .ShouldBeOneOf(AnalyticsKit.Text(before.AddDays(-29)), AnalyticsKit.Text(after.AddDays(-29)));
    }

    [Fact]
    public async Task Access_OtherCreator404_Listener403_SignedOutToSignIn_AdminSees()
    {
        var episode = await server.EpisodeAsync();
        var stranger = await server.SignUpAsync();
        var listener = await server.SignUpAsync(role: "listener");
        string[] paths = [$"/studio/podcasts/{episode.PodcastId}/analytics", $"/studio/episodes/{episode.EpisodeId}/analytics"];
        using var anonymous = new StudioBrowser(server);
        using var strangers = new StudioBrowser(server);
        using var listeners = new StudioBrowser(server);
        using var admins = new StudioBrowser(server);
        (await strangers.SignInAsync(stranger.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await listeners.SignInAsync(listener.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var adminEmail = $"admin-{Guid.NewGuid():N}@example.com";
        (await server.Services.GetRequiredService<IAccountAdministration>().CreateAdminAsync(adminEmail, "Admin", Api.Password, CancellationToken.None))
            .Succeeded.ShouldBeTrue();
        (await admins.SignInAsync(adminEmail)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        foreach (var path in paths)
        {
            var signedOut = await anonymous.PageAsync(path);
            signedOut.Status.ShouldBe(HttpStatusCode.SeeOther);
            signedOut.Response.Headers.Location!.ToString().ShouldBe("/studio/sign-in");
            var foreign = await strangers.PageAsync(path);
            foreign.Status.ShouldBe(HttpStatusCode.NotFound);
            foreign.Html.ShouldNotContain("downloads-total");
            // A bad range from a stranger still reveals nothing.
            (await strangers.PageAsync(path + "?from=nonsense")).Status.ShouldBe(HttpStatusCode.NotFound);
            (await listeners.PageAsync(path)).Status.ShouldBe(HttpStatusCode.Forbidden);
            (await admins.PageAsync(path)).Status.ShouldBe(HttpStatusCode.OK);
        }

        using var owner = new StudioBrowser(server);
        (await owner.SignInAsync(episode.Owner.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        (await owner.PageAsync($"/studio/podcasts/{Guid.NewGuid()}/analytics")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await owner.PageAsync($"/studio/episodes/{Guid.NewGuid()}/analytics")).Status.ShouldBe(HttpStatusCode.NotFound);
    }

    private static string[] Row(WebPage page, string table) =>
        [.. page.Document.QuerySelectorAll($"{table} tbody tr").Single().Children.Select(c => c.TextContent)];

    private static string Time(DateTimeOffset time) => AnalyticsKit.EventTime(time);
}

public sealed class SqliteAnalyticsDashboardTests(SqliteAnalyticsServer server) : AnalyticsDashboardTests(server), IClassFixture<SqliteAnalyticsServer>;

public sealed class PostgresAnalyticsDashboardTests(PostgresAnalyticsServer server) : AnalyticsDashboardTests(server), IClassFixture<PostgresAnalyticsServer>;
