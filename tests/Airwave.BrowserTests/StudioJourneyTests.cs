using Airwave.Analytics.Downloads;
using Airwave.Core.Events;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Airwave.BrowserTests;

/// <summary>
/// The creator's journey through the studio in Chromium: register, create a show with the form (a refused value shown
/// next to its field first), upload its cover with a preview, start an episode, upload real audio through the page's
/// tus client with the progress bar moving, watch processing become ready with the loudness report, publish, open the
/// public page and play it to the end, then find that download and that play in the analytics dashboard; and a file
/// that is not audio shows the server's reason.
/// </summary>
public sealed class StudioJourneyTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    // The progress values the page showed, in order, recorded as the text beside the bar changes.
    private const string RecordProgress = """
        () => {
          window.__progress = [];
          const bar = document.getElementById('upload-progress');
          new MutationObserver(() => window.__progress.push(bar.value))
            .observe(document.getElementById('upload-percent'), { childList: true, characterData: true, subtree: true });
        }
        """;

    [Fact]
    public async Task Journey_CreateShowUploadProcessPublishAndPlay()
    {
        var page = await site.NewPageAsync();
        var errors = PageErrors.Collect(page);
        // The journey starts with registering in the browser (the header's link, then the form); it lands in the studio.
        var creator = await AccountAndQualityTests.RegisterAsync(site, page, "Sam Studio", "creator");

        await page.GetByRole(AriaRole.Link, new() { Name = "New podcast" }).ClickAsync();
        await page.WaitForPageAsync("**/studio/podcasts/new");
        await page.GetByLabel("Title").FillAsync("Studio Sessions");
        await page.GetByLabel("Description").FillAsync("Made entirely in the **browser** studio.");
        await page.GetByLabel("Owner email").FillAsync("sam@example.com");
        await page.GetByLabel("Language").FillAsync("not a language!");
        await page.GetByLabel("Category", new() { Exact = true }).FillAsync("Technology");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create podcast" }).ClickAsync();
        (await page.Locator("#language-error").TextContentAsync())!.ShouldStartWith("Language ");
        (await page.GetByLabel("Title").InputValueAsync()).ShouldBe("Studio Sessions");
        await SiteFixture.ScreenshotAsync(page, "studio-podcast-form-error");
        await page.GetByLabel("Language").FillAsync("en");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create podcast" }).ClickAsync();
        await page.WaitForPageAsync("**/studio/podcasts/*?saved=created");
        var podcastId = new Uri(page.Url).AbsolutePath.Split('/')[^1];

        var cover = await TestMedia.PictureAsync($"studio-cover-{Guid.NewGuid():N}.png", 1400, 1400);
        await page.Locator("#cover").SetInputFilesAsync(cover);
        await page.WaitForFunctionAsync("() => document.getElementById('cover-preview').src.startsWith('data:image/png')");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload cover" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('cover-status').textContent.startsWith('Cover saved')");
        await SiteFixture.ScreenshotAsync(page, "studio-podcast-edit");
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish the show" }).ClickAsync();
        await page.WaitForPageAsync("**/studio/podcasts/*?saved=published");
        (await page.GetByRole(AriaRole.Status).TextContentAsync()).ShouldBe("Your podcast is public now.");
        (await page.Locator($"a[href='/podcasts/{podcastId}']").CountAsync()).ShouldBe(1);

        await page.GetByRole(AriaRole.Link, new() { Name = "New episode" }).ClickAsync();
        await page.GetByLabel("Title").FillAsync("Pilot");
        await page.GetByLabel("Show notes").FillAsync("The very first episode.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to the audio" }).ClickAsync();
        await page.WaitForPageAsync("**/studio/episodes/*");
        var episodeId = new Uri(page.Url).AbsolutePath.Split('/')[^1];
        (await page.Locator("#publish-button").IsDisabledAsync()).ShouldBeTrue("nothing to publish before the audio is ready");

        await page.EvaluateAsync(RecordProgress);
        var audio = await TestMedia.AudioAsync($"studio-{Guid.NewGuid():N}.wav", 30, 2);
        await page.Locator("#audio-file").SetInputFilesAsync(audio);
        await StudioPages.WaitForProcessingStatusAsync(page, "Ready.");
        var progress = await page.EvaluateAsync<double[]>("() => window.__progress");
        progress[^1].ShouldBe(100);
        progress.ShouldBe(progress.Order().ToArray(), "the bar only moves forward");
        progress.Count(p => p is > 0 and < 100).ShouldBeGreaterThanOrEqualTo(2, string.Join(", ", progress));
        (await page.Locator("#loudness").IsVisibleAsync()).ShouldBeTrue();
        (await page.Locator("#loudness-output").TextContentAsync())!.ShouldContain("LUFS");
        await SiteFixture.ScreenshotAsync(page, "studio-episode-ready");

        await page.GetByRole(AriaRole.Button, new() { Name = "Publish", Exact = true }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('publish-status').textContent.startsWith('Published')");
        (await creator.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["status"]!.GetValue<string>().ShouldBe("published");
        await SiteFixture.ScreenshotAsync(page, "studio-episode-published");

        await page.Locator("#public-page-link").ClickAsync();
        await page.WaitForPageAsync($"**/episodes/{episodeId}");
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Pilot");
        // Listened to the end at 3x: the player reports the whole 30 s (a play), the browser fetched the whole file (a download).
        await page.Locator(".player-rate").SelectOptionAsync("3");
        await page.Locator(".player-toggle").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('audio').currentTime > 2");
        await page.WaitForFunctionAsync("() => document.querySelector('audio').ended");

        // The download and the play are in the dashboard once the analytics work has run (counting pass, outbox relay).
        (await site.Server.WaitForDeliveryLogAsync("kind = 'origin' AND path LIKE @audio", new { audio = "%.mp3" })).ShouldBeGreaterThan(0);
        await site.Server.Services.GetRequiredService<DownloadCounting>().RunOnceAsync(CancellationToken.None);
        // The player posts its 'complete' event after 'ended' fires: it can still be on its way to the server here.
        for (var i = 0; i < 300 && await site.Server.CountSqlAsync(
                 "SELECT COUNT(*) FROM playback_events WHERE episode_id = @episodeId AND type = 'complete'", new { episodeId = Guid.Parse(episodeId) }) == 0; i++)
        {
            await Task.Delay(100);
        }

        var relay = site.Server.Services.GetRequiredService<OutboxRelay>();
        for (var i = 0; i < 100 && await site.Server.CountSqlAsync("SELECT COUNT(*) FROM outbox_events WHERE dispatched_at IS NULL AND dead_at IS NULL", new { }) > 0; i++)
        {
            await relay.DeliverDueAsync(CancellationToken.None);
            await Task.Delay(100);
        }

        await page.GotoAsync($"/studio/podcasts/{podcastId}/analytics");

        (await page.Locator("#downloads-total").TextContentAsync()).ShouldBe("1");
        (await page.Locator("#plays").TextContentAsync()).ShouldBe("1");
        await SiteFixture.ScreenshotAsync(page, "studio-journey-analytics");
        // The refused form answered 400 on purpose; nothing else may fail.
        errors.Where(e => !e.Contains("400", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public async Task BadUpload_NotAudio_ShowsTheServersReason()
    {
        var creator = await site.Server.SignUpAsync(displayName: "Bea");
        var podcastId = (await creator.CreatePodcastAsync("Bea's show"))["id"]!.GetValue<string>();
        var episodeId = (await creator.CreateEpisodeAsync(podcastId, "Not audio"))["id"]!.GetValue<string>();
        var page = await site.NewPageAsync();
        await StudioPages.SignInAsync(page, creator.Email);

        await page.GotoAsync($"/studio/episodes/{episodeId}");
        await page.Locator("#audio-file").SetInputFilesAsync(await TestMedia.TextAsAsync($"text-{Guid.NewGuid():N}.mp3"));
        await StudioPages.WaitForProcessingStatusAsync(page, "Processing failed.");

        var reason = (await creator.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}/processing")).Body!["error"]!.GetValue<string>();
        reason.ShouldNotBeNullOrWhiteSpace();
        (await page.Locator("#processing-error").TextContentAsync()).ShouldBe(reason);
        (await page.Locator("#publish-button").IsDisabledAsync()).ShouldBeTrue();
        await SiteFixture.ScreenshotAsync(page, "studio-bad-upload");
    }
}
