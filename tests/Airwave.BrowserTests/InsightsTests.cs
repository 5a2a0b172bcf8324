using System.Globalization;
using Airwave.Analytics.Downloads;
using Airwave.Core.Events;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Airwave.BrowserTests;

/// <summary>
/// The analytics dashboard and the admin pages in Chromium: a real download of the episode (delivery log, counting
/// pass) and a real listening session (playback events) show up in the dashboard's figures and chart; an admin reaches
/// the users and takedowns pages; a listener reaches neither the studio nor the admin pages. Screenshots are saved.
/// </summary>
public sealed class InsightsTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Fact]
    public async Task Dashboard_WithADownloadAndAPlay_ShowsThemAndAdminPagesOpen_ListenerKeptOut()
    {
        await SeedAsync();
        var page = await site.NewPageAsync();
        await StudioPages.SignInAsync(page, site.OwnerEmail);
        await page.GetByRole(AriaRole.Link, new() { Name = "Analytics of Morning Radio" }).ClickAsync();
        await page.WaitForPageAsync($"**/studio/podcasts/{site.PodcastId}/analytics");

        (await page.Locator("#downloads-total").TextContentAsync()).ShouldBe("1");
        (await page.Locator("#plays").TextContentAsync()).ShouldBe("1");
        (await page.Locator("#top-episodes tbody th").AllTextContentsAsync()).ShouldBe(["Coffee at dawn"]);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        (await page.Locator("#downloads-chart rect.chart-bar title, figure rect.chart-bar title").AllTextContentsAsync())
            .ShouldContain($"{today}: 1 downloads");
        (await page.Locator("svg.chart-svg").First.BoundingBoxAsync())!.Width.ShouldBeGreaterThan(300);
        await SiteFixture.ScreenshotAsync(page, "studio-analytics");
        var phone = await site.NewPageAsync(width: 390, height: 844);
        await StudioPages.SignInAsync(phone, site.OwnerEmail);
        await phone.GotoAsync($"/studio/podcasts/{site.PodcastId}/analytics");
        await SiteFixture.ScreenshotAsync(phone, "studio-analytics-phone");

        // A bad date shows its reason next to the field.
        await page.GotoAsync($"/studio/podcasts/{site.PodcastId}/analytics?from=2026-02-01&to=2026-01-01");
        (await page.Locator("#from-error").TextContentAsync()).ShouldBe("From must not be after the end date.");

        var adminEmail = $"admin-{Guid.NewGuid():N}@example.com";
        (await site.Server.Services.GetRequiredService<Airwave.Accounts.Contracts.IAccountAdministration>()
            .CreateAdminAsync(adminEmail, "Admin", Api.Password, CancellationToken.None)).Succeeded.ShouldBeTrue();
        var admin = await site.NewPageAsync();
        await StudioPages.SignInAsync(admin, adminEmail);
        await admin.GotoAsync("/admin/users");
        (await admin.Locator("#users tbody tr").CountAsync()).ShouldBeGreaterThan(1);
        await SiteFixture.ScreenshotAsync(admin, "admin-users");
        await admin.GotoAsync("/admin/takedowns");
        await admin.GetByLabel("Its id").First.FillAsync("not an id");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Take down" }).ClickAsync();
        (await admin.Locator("#takedown-subject_id-error").TextContentAsync()).ShouldStartWith("Id 'not an id' is not an id");
        await SiteFixture.ScreenshotAsync(admin, "admin-takedowns");

        var listener = await site.Server.SignUpAsync(role: "listener");
        var listenerPage = await site.NewPageAsync();
        await StudioPages.SignInAsync(listenerPage, listener.Email);
        foreach (var path in new[] { $"/studio/podcasts/{site.PodcastId}/analytics", "/admin/users", "/admin/takedowns" })
        {
            var response = await listenerPage.GotoAsync(path);
            response!.Status.ShouldBe(403, path);
            (await listenerPage.Locator("#downloads-total, #users, #takedown-form").CountAsync()).ShouldBe(0);
        }
    }

    /// <summary>One whole download of the episode by a podcast app, counted; one listening session of the whole episode from a device.</summary>
    private async Task SeedAsync()
    {
        var server = site.Server;
        using var anonymous = server.Client();
        var login = await anonymous.PostJsonAsync("/api/v1/auth/login", new { email = site.OwnerEmail, password = Api.Password });
        using var owner = server.WithToken(login.Body!["access_token"]!.GetValue<string>());
        var status = (await owner.GetJsonAsync($"/api/v1/episodes/{site.EpisodeId}/processing")).Body!;
        var key = status["renditions"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "mp3")!["key"]!.GetValue<string>();
        using (var app = server.Client())
        {
            app.DefaultRequestHeaders.UserAgent.ParseAdd("AntennaPod/3.4.0 (Linux;Android 14) ExoPlayer");
            using var audio = await app.GetAsync(new Uri("/" + key, UriKind.Relative));
            audio.EnsureSuccessStatusCode();
            await audio.Content.ReadAsByteArrayAsync();
        }

        // The row is queued when the response has ended on the server, which can be just after the client saw the end.
        (await server.WaitForDeliveryLogAsync("path = @path", new { path = "/" + key })).ShouldBeGreaterThan(0);
        var pass = await server.Services.GetRequiredService<DownloadCounting>().RunOnceAsync(CancellationToken.None);
        pass.Recomputed.Count.ShouldBeGreaterThan(0);

        using var player = server.Client();
        var started = DateTimeOffset.UtcNow.AddMinutes(-5);
        var events = new List<object>();
        for (var i = 0; i <= 4; i++)
        {
            events.Add(new Dictionary<string, object?>
            {
                ["event_id"] = $"insights-{i}",
                ["device_id"] = "insights-device",
                ["episode_id"] = site.EpisodeId,
                ["session_id"] = "insights",
                ["type"] = i == 0 ? "play" : "progress",
                ["position_start"] = i == 0 ? 0 : (i - 1) * 3,
                ["position_end"] = i * 3,
                ["created_at"] = started.AddSeconds(i * 3).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            });
        }

        var sent = await player.PostJsonAsync("/api/v1/playback-events/batch", new
        {
            sent_at = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            events,
        });
        sent.Status.ShouldBe(System.Net.HttpStatusCode.OK, sent.Body?.ToJsonString());
        var relay = server.Services.GetRequiredService<OutboxRelay>();
        for (var i = 0; i < 100 && await server.CountSqlAsync("SELECT COUNT(*) FROM outbox_events WHERE dispatched_at IS NULL AND dead_at IS NULL", new { }) > 0; i++)
        {
            await relay.DeliverDueAsync(CancellationToken.None);
            await Task.Delay(100);
        }
    }
}
