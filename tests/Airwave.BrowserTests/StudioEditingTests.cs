using System.Net;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Airwave.BrowserTests;

/// <summary>
/// The studio's editing pages in Chromium, on the fixture's processed, published episode: details and chapters edited
/// (a bad chapter row shows its reason beside it first), then the public page shows the new title and chapters and a
/// chapter click seeks the player; private-feed subscribers added, their URL fetched, revoked on the page; and the
/// resumable upload: a connection lost at a third of the file resumes from the server's offset without sending a byte
/// twice, and a reload mid-upload with the same file picked again resumes too.
/// </summary>
public sealed class StudioEditingTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    [Fact]
    public async Task EditDetailsAndChapters_PublicPageShowsThemAndAChapterSeeks()
    {
        var page = await site.NewPageAsync();
        await StudioPages.SignInAsync(page, site.OwnerEmail);
        await page.GotoAsync($"/studio/episodes/{site.EpisodeId}");

        await page.GetByLabel("Title", new() { Exact = true }).FillAsync("Coffee at dawn, remastered");
        await page.GetByLabel("Show notes", new() { Exact = true }).FillAsync("Now with **latte art**.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview show notes" }).ClickAsync();
        (await page.Locator("#notes-preview strong").TextContentAsync()).ShouldBe("latte art");
        await page.GetByLabel("Season (optional)").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save details" }).ClickAsync();
        await page.WaitForPageAsync("**?saved=updated");
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Coffee at dawn, remastered");
        await SiteFixture.ScreenshotAsync(page, "studio-episode-details");

        await page.GetByRole(AriaRole.Link, new() { Name = "Edit chapters" }).ClickAsync();
        await page.WaitForPageAsync("**/chapters");
        // The audio's own chapters (Intro at 0:00, Main at 0:06) fill the first rows; one empty row follows.
        (await page.Locator("#chapter-0-title").InputValueAsync()).ShouldBe("Intro");
        await page.Locator("#chapter-1-title").FillAsync("Brewing");
        await page.Locator("#chapter-1-start").FillAsync("0:04");
        await page.Locator("#chapter-2-start").FillAsync("0:03");
        await page.Locator("#chapter-2-title").FillAsync("Tasting");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save chapters" }).ClickAsync();
        (await page.Locator("#chapter-2-start_time-error").TextContentAsync())!.ShouldContain("later than the chapter before");
        (await page.Locator("#chapter-2-start").GetAttributeAsync("aria-invalid")).ShouldBe("true");
        (await page.Locator("#chapter-2-title").InputValueAsync()).ShouldBe("Tasting");
        await SiteFixture.ScreenshotAsync(page, "studio-chapters-error");

        await page.Locator("#chapter-2-start").FillAsync("0:08.5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a row" }).ClickAsync();
        (await page.Locator("tr.chapter-row").CountAsync()).ShouldBe(4);
        await page.Locator("#chapter-3-start").FillAsync("10");
        await page.Locator("#chapter-3-title").FillAsync("Goodbye");
        await SiteFixture.ScreenshotAsync(page, "studio-chapters");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save chapters" }).ClickAsync();
        await page.WaitForPageAsync("**?saved=chapters");
        (await page.Locator(".chapter-summary li").AllTextContentsAsync()).ShouldBe(["0:00 Intro", "0:04 Brewing", "0:08.5 Tasting", "0:10 Goodbye"]);

        var listener = await site.NewPageAsync();
        await listener.GotoAsync($"/episodes/{site.EpisodeId}");
        (await listener.Locator("h1").TextContentAsync()).ShouldBe("Coffee at dawn, remastered");
        (await listener.Locator(".chapter").AllTextContentsAsync()).ShouldBe(["0:00 Intro", "0:04 Brewing", "0:08 Tasting", "0:10 Goodbye"]);
        await listener.Locator(".chapter", new() { HasText = "Tasting" }).ClickAsync();
        await listener.WaitForFunctionAsync("() => document.querySelector('audio').currentTime >= 8.5");
        await SiteFixture.ScreenshotAsync(listener, "public-episode-edited-chapters");
    }

    [Fact]
    public async Task Subscribers_AddFetchPrivateFeedThenRevoke_UrlStopsWorking()
    {
        var page = await site.NewPageAsync();
        await StudioPages.SignInAsync(page, site.OwnerEmail);
        await page.GotoAsync($"/studio/podcasts/{site.PodcastId}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Private-feed subscribers" }).ClickAsync();
        await page.WaitForPageAsync("**/subscribers");

        await page.GetByLabel("Email").FillAsync("fan@example.com");
        await page.GetByLabel("Name (optional)").FillAsync("Fan");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add subscriber" }).ClickAsync();
        var url = await page.Locator("#issued-url").InputValueAsync();
        (await page.Locator("button.copy-button").IsVisibleAsync()).ShouldBeTrue("the copy button appears with the script");
        await SiteFixture.ScreenshotAsync(page, "studio-subscribers");

        using var app = site.Server.Client();
        using (var feed = await app.GetAsync(new Uri(url)))
        {
            feed.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await feed.Content.ReadAsStringAsync()).ShouldContain(site.EpisodeId);
        }

        await page.GetByRole(AriaRole.Link, new() { Name = "Revoke fan@example.com" }).ClickAsync();
        await page.WaitForPageAsync("**/revoke");
        await SiteFixture.ScreenshotAsync(page, "studio-subscriber-revoke");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke fan@example.com" }).ClickAsync();
        await page.WaitForPageAsync("**/subscribers?done=revoked");
        (await page.Locator("tr[data-email='fan@example.com'] .subscriber-status").TextContentAsync())!.ShouldStartWith("Revoked");
        using var after = await app.GetAsync(new Uri(url));
        after.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Upload_ConnectionLostAtAThird_ResumesFromTheServersOffsetWithoutSendingBytesTwice()
    {
        var (page, creator, episodeId) = await NewEpisodePageAsync("Offline for a while");
        var audio = await TestMedia.AudioAsync($"resume-{Guid.NewGuid():N}.wav", 30, 2);
        var size = new FileInfo(audio).Length;
        var log = new TusLog(page);
        var interrupted = false;
        await page.RouteAsync("**/api/v1/**", async route =>
        {
            // The first chunk that starts past a third of the file never arrives: the network drops as it is sent.
            if (route.Request.Method == "PATCH" && !interrupted && Offset(route.Request.Headers["upload-offset"]) >= size / 3)
            {
                interrupted = true;
                await page.Context.SetOfflineAsync(true);
                await route.AbortAsync("internetdisconnected");
                return;
            }

            await route.ContinueAsync();
        });

        await page.Locator("#audio-file").SetInputFilesAsync(audio);
        await page.WaitForFunctionAsync("() => document.getElementById('upload-connection').textContent === 'Connection lost, retrying…'");
        (await page.Locator("#upload-connection").IsVisibleAsync()).ShouldBeTrue();
        var barWhenLost = await page.EvaluateAsync<double>("() => document.getElementById('upload-progress').value");
        await SiteFixture.ScreenshotAsync(page, "studio-upload-connection-lost");
        await page.Context.SetOfflineAsync(false);
        await page.WaitForFunctionAsync("() => document.getElementById('upload-percent').textContent === '100 % — uploaded'");

        barWhenLost.ShouldBeGreaterThanOrEqualTo(30);
        (await page.Locator("#upload-connection").IsHiddenAsync()).ShouldBeTrue();
        log.Creations.ShouldBe(1, "resumed, not started again");
        log.ResumedAt.ShouldNotBeEmpty();
        log.ResumedAt[0].ShouldBeGreaterThanOrEqualTo(size / 3);
        log.ShouldBeContiguous(size, firstResume: log.ResumedAt[0]);
        await StudioPages.WaitForProcessingStatusAsync(page, "Ready.");
        (await creator.Http.GetJsonAsync($"/api/v1/episodes/{episodeId}")).Body!["processed_status"]!.GetValue<string>().ShouldBe("ready");
    }

    [Fact]
    public async Task Upload_ReloadMidwayAndPickTheSameFile_ResumesWhereItStopped()
    {
        var (page, _, _) = await NewEpisodePageAsync("Reloaded halfway");
        var audio = await TestMedia.AudioAsync($"reload-{Guid.NewGuid():N}.wav", 30, 2);
        var size = new FileInfo(audio).Length;
        var stalled = true;
        // Until the reload, chunks past a third of the file fail (a dead connection), so the page is left mid-upload.
        await page.RouteAsync("**/api/v1/**", async route =>
        {
            if (stalled && route.Request.Method == "PATCH" && Offset(route.Request.Headers["upload-offset"]) >= size / 3)
            {
                await route.AbortAsync("connectionreset");
                return;
            }

            await route.ContinueAsync();
        });
        await page.Locator("#audio-file").SetInputFilesAsync(audio);
        await page.WaitForFunctionAsync("() => document.getElementById('upload-connection').textContent === 'Connection lost, retrying…'");

        stalled = false;
        await page.ReloadAsync();
        var log = new TusLog(page);
        await page.Locator("#audio-file").SetInputFilesAsync(audio);
        await page.WaitForFunctionAsync("() => document.getElementById('upload-percent').textContent === '100 % — uploaded'");

        log.Creations.ShouldBe(0, "the stored upload URL was used");
        log.Heads.ShouldNotBeEmpty();
        log.Heads[0].ShouldBeGreaterThanOrEqualTo(size / 3);
        log.ShouldBeContiguous(size, firstResume: log.Heads[0]);
        await StudioPages.WaitForProcessingStatusAsync(page, "Ready.");
    }

    private async Task<(IPage Page, TestUser Creator, string EpisodeId)> NewEpisodePageAsync(string title)
    {
        var creator = await site.Server.SignUpAsync(displayName: "Rae");
        var podcastId = (await creator.CreatePodcastAsync("Rae's show"))["id"]!.GetValue<string>();
        var episodeId = (await creator.CreateEpisodeAsync(podcastId, title))["id"]!.GetValue<string>();
        var page = await site.NewPageAsync();
        await StudioPages.SignInAsync(page, creator.Email);
        await page.GotoAsync($"/studio/episodes/{episodeId}");
        return (page, creator, episodeId);
    }

    private static long Offset(string header) => long.Parse(header, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The tus requests the page made, from the browser's side: creations (POST), the offsets the server reported to
    /// HEAD, and every PATCH that the server accepted, with the offset it was sent at and the offset the server then had.
    /// </summary>
    private sealed class TusLog
    {
        private readonly List<(long Sent, long Now)> _accepted = [];
        private readonly object _lock = new();

        public TusLog(IPage page) => page.Response += (_, response) =>
        {
            var request = response.Request;
            if (!request.Url.Contains("/uploads/", StringComparison.Ordinal) && !request.Url.EndsWith("/episodes/upload", StringComparison.Ordinal))
            {
                return;
            }

            var headers = response.Headers;
            lock (_lock)
            {
                switch (request.Method)
                {
                    case "POST" when response.Status == 201:
                        Creations++;
                        break;
                    case "HEAD" when response.Status == 200:
                        Heads.Add(Offset(headers["upload-offset"]));
                        ResumedAt.Add(Offset(headers["upload-offset"]));
                        break;
                    case "PATCH" when response.Status == 204:
                        _accepted.Add((Offset(request.Headers["upload-offset"]), Offset(headers["upload-offset"])));
                        break;
                }
            }
        };

        public int Creations { get; private set; }

        public List<long> Heads { get; } = [];

        public List<long> ResumedAt { get; } = [];

        /// <summary>
        /// From <paramref name="firstResume"/> (the server's offset when the client asked) to the end of the file, each
        /// accepted chunk starts exactly where the server's offset stood: no byte the server had was sent again.
        /// </summary>
        public void ShouldBeContiguous(long size, long firstResume)
        {
            lock (_lock)
            {
                var after = _accepted.SkipWhile(a => a.Sent < firstResume).ToList();
                after.ShouldNotBeEmpty();
                after[0].Sent.ShouldBe(firstResume);
                for (var i = 1; i < after.Count; i++)
                {
                    after[i].Sent.ShouldBe(after[i - 1].Now, "a chunk starts where the server's offset stood");
                }

                after[^1].Now.ShouldBe(size);
                _accepted.Select(a => a.Sent).Distinct().Count().ShouldBe(_accepted.Count, "no offset was sent twice");
            }
        }
    }
}
