using System.Net;
using Airwave.Accounts.Contracts;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Analytics;

/// <summary>
/// The reports' access rules (owner and admins with the analytics scope; everyone else 404 or 401), their bad input
/// (400 naming the field) and the CSV exports (RFC 4180, every day, zeros included).
/// </summary>
public abstract class DownloadReportTests(AnalyticsServer server)
{
    private static readonly DateOnly Day = AnalyticsKit.Today.AddDays(-2);

    private static string Range(DateOnly from, DateOnly to) => $"from={AnalyticsKit.Text(from)}&to={AnalyticsKit.Text(to)}";

    [Fact]
    public async Task Another_creator_gets_404_and_an_anonymous_caller_401()
    {
        var episode = await server.EpisodeAsync();
        var stranger = await server.SignUpAsync();
        using var anonymous = server.Client();
        foreach (var path in Paths(episode))
        {
            (await stranger.Http.GetJsonAsync(path)).ShouldBeProblem(HttpStatusCode.NotFound);
            (await anonymous.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await episode.Owner.Http.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK, path);
        }

        // Bad dates from a stranger still reveal nothing.
        (await stranger.Http.GetJsonAsync($"/api/v1/analytics/podcasts/{episode.PodcastId}/summary?from=x&to=y")).ShouldBeProblem(HttpStatusCode.NotFound);
        (await episode.Owner.Http.GetJsonAsync($"/api/v1/analytics/podcasts/{Guid.NewGuid()}/summary?{Range(Day, Day)}"))
            .ShouldBeProblem(HttpStatusCode.NotFound);
        (await episode.Owner.Http.GetJsonAsync($"/api/v1/analytics/episodes/{Guid.NewGuid()}/summary?{Range(Day, Day)}"))
            .ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Tokens_need_the_analytics_scope_admins_see_every_podcast_and_cookies_work()
    {
        var episode = await server.EpisodeAsync();
        var path = $"/api/v1/analytics/podcasts/{episode.PodcastId}/summary?{Range(Day, Day)}";
        using var readOnly = server.WithToken(await TokenAsync(episode.Owner, "read"));
        using var analytics = server.WithToken(await TokenAsync(episode.Owner, "analytics"));
        (await readOnly.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await analytics.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var email = $"admin-{Guid.NewGuid():N}@example.com";
        (await server.Services.GetRequiredService<IAccountAdministration>().CreateAdminAsync(email, "Admin", Api.Password, CancellationToken.None))
            .Succeeded.ShouldBeTrue();
        using var client = server.Client();
        var login = await client.PostJsonAsync("/api/v1/auth/login", new { email, password = Api.Password });
        using var admin = server.WithToken(login.Body!["access_token"]!.GetValue<string>());
        (await admin.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The owner signed in with a cookie (the web studio) has every scope of a session.
        using var handler = new HttpClientHandler { UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = server.BaseAddress };
        (await browser.PostJsonAsync("/api/v1/auth/login?use_cookies=true", new { email = episode.Owner.Email, password = Api.Password }))
            .Status.ShouldBe(HttpStatusCode.OK);
        (await browser.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await browser.GetAsync($"/api/v1/analytics/podcasts/{episode.PodcastId}/downloads.csv?{Range(Day, Day)}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("", "from", "is required (a UTC date, YYYY-MM-DD).")]
    [InlineData("from=2026-01-01", "to", "is required (a UTC date, YYYY-MM-DD).")]
    [InlineData("from=2026-13-01&to=2026-01-02", "from", "'2026-13-01' is not a date in the form YYYY-MM-DD.")]
    [InlineData("from=2026-01-01&to=01/02/2026", "to", "'01/02/2026' is not a date in the form YYYY-MM-DD.")]
    [InlineData("from=2026-02-01&to=2026-01-31", "from", "must not be after to.")]
    [InlineData("from=2025-01-01&to=2026-01-02", "to", "the range may cover at most 366 days; it covers 367.")]
    public async Task Bad_ranges_are_400_naming_the_field(string query, string field, string reason)
    {
        var episode = await server.EpisodeAsync();
        foreach (var path in new[]
        {
            $"/api/v1/analytics/podcasts/{episode.PodcastId}/summary?{query}",
            $"/api/v1/analytics/episodes/{episode.EpisodeId}/summary?{query}",
            $"/api/v1/analytics/podcasts/{episode.PodcastId}/downloads.csv?{query}",
            $"/api/v1/analytics/episodes/{episode.EpisodeId}/downloads.csv?{query}",
        })
        {
            var response = await episode.Owner.Http.GetJsonAsync(path);
            response.ShouldBeProblem(HttpStatusCode.BadRequest);
            response.ErrorsFor(field).ShouldBe([reason], path);
        }
    }

    [Fact]
    public async Task A_leap_year_fits_in_one_report()
    {
        var episode = await server.EpisodeAsync();
        var summary = await episode.Owner.Http.SummaryAsync("podcasts", episode.PodcastId, new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31));
        summary["downloads"]!["per_day"]!.AsArray().Count.ShouldBe(366);
        summary.Downloads().ShouldBe(0);
    }

    [Fact]
    public async Task Csv_has_a_row_per_day_and_episode_zeros_included_quoted_per_RFC_4180()
    {
        var episode = await server.EpisodeAsync();
        var title = "=Tricky, \"quoted\" title";
        (await episode.Owner.Http.PatchJsonAsync($"/api/v1/episodes/{episode.EpisodeId}", new { title })).Status.ShouldBe(HttpStatusCode.OK);
        await server.InsertAsync(
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(Day, 9), "203.0.113.80", size: episode.Mp3Size),
            AnalyticsKit.Origin(episode.Mp3Path, AnalyticsKit.At(Day, 10), "203.0.113.81", size: episode.Mp3Size));
        await server.CountAsync();

        using var response = await episode.Owner.Http.GetAsync($"/api/v1/analytics/podcasts/{episode.PodcastId}/downloads.csv?{Range(Day.AddDays(-1), Day)}");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldEndWith(".csv");
        var csv = await response.Content.ReadAsStringAsync();
        var quoted = "\"'=Tricky, \"\"quoted\"\" title\"";
        csv.ShouldBe(
            "date,episode_id,episode_title,downloads,unique_listeners\r\n"
            + $"{AnalyticsKit.Text(Day.AddDays(-1))},{episode.EpisodeId},{quoted},0,0\r\n"
            + $"{AnalyticsKit.Text(Day)},{episode.EpisodeId},{quoted},2,2\r\n");

        using var episodeCsv = await episode.Owner.Http.GetAsync($"/api/v1/analytics/episodes/{episode.EpisodeId}/downloads.csv?{Range(Day, Day.AddDays(1))}");
        (await episodeCsv.Content.ReadAsStringAsync()).Split("\r\n").Length.ShouldBe(4); // header, two days, the final line end
    }

    private static string[] Paths(CountedEpisode episode) =>
    [
        $"/api/v1/analytics/podcasts/{episode.PodcastId}/summary?{Range(Day, Day)}",
        $"/api/v1/analytics/episodes/{episode.EpisodeId}/summary?{Range(Day, Day)}",
        $"/api/v1/analytics/podcasts/{episode.PodcastId}/downloads.csv?{Range(Day, Day)}",
        $"/api/v1/analytics/episodes/{episode.EpisodeId}/downloads.csv?{Range(Day, Day)}",
    ];

    private static async Task<string> TokenAsync(TestUser user, string scope)
    {
        var created = await user.Http.PostJsonAsync("/api/v1/users/me/tokens", new { name = "reports", scopes = new[] { scope }, expires_in_days = 1 });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Body?.ToJsonString());
        return created.Body!["token"]!.GetValue<string>();
    }
}

public sealed class SqliteDownloadReportTests(SqliteAnalyticsServer server) : DownloadReportTests(server), IClassFixture<SqliteAnalyticsServer>;

public sealed class PostgresDownloadReportTests(PostgresAnalyticsServer server) : DownloadReportTests(server), IClassFixture<PostgresAnalyticsServer>;
