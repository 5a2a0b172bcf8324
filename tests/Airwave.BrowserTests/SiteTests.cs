using System.Globalization;
using System.Text.Json.Nodes;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Airwave.BrowserTests;

/// <summary>
/// The public site in Chromium: pages render with their SEO tags and without script errors (the CSP would report
/// any), the player plays a processed episode and reports playback events in the shared contract's shape, the embed
/// plays, the page works without JavaScript, and the player does not move the page when its script takes over.
/// </summary>
public sealed class SiteTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    private const string PlaybackEventsPath = "/api/v1/playback-events";

    [Fact]
    public async Task PublicPages_InChromium_TitleMetaJsonLdNoErrorsAndScreenshots()
    {
        var page = await site.NewPageAsync();
        var errors = PageErrors.Collect(page);

        await page.GotoAsync("/");
        (await page.TitleAsync()).ShouldBe("Airwave");
        (await page.Locator(".cards a").First.GetAttributeAsync("href")).ShouldBe($"/podcasts/{site.PodcastId}");
        await SiteFixture.ScreenshotAsync(page, "home");

        await page.GotoAsync($"/podcasts/{site.PodcastId}");
        (await page.TitleAsync()).ShouldBe("Morning Radio · Airwave");
        (await Meta(page, "description")).ShouldBe("Fresh conversations about sunrise, coffee and the people who get up early.");
        (await Meta(page, "og:image")).ShouldEndWith("/1400.jpg");
        (await JsonLdTypeAsync(page)).ShouldBe("PodcastSeries");
        (await page.Locator("img.podcast-cover").GetAttributeAsync("alt")).ShouldBe("Cover art of Morning Radio");
        (await page.EvaluateAsync<bool>("() => document.querySelector('img.podcast-cover').naturalWidth > 0")).ShouldBeTrue();
        await SiteFixture.ScreenshotAsync(page, "podcast");

        await page.GotoAsync($"/episodes/{site.EpisodeId}");
        (await page.TitleAsync()).ShouldBe("Coffee at dawn · Morning Radio · Airwave");
        (await page.Locator("link[rel=canonical]").GetAttributeAsync("href")).ShouldBe(new Uri(site.Server.BaseAddress, $"/episodes/{site.EpisodeId}").ToString());
        (await Meta(page, "og:title")).ShouldBe("Coffee at dawn · Morning Radio");
        (await JsonLdTypeAsync(page)).ShouldBe("PodcastEpisode");
        (await page.Locator(".chapter").AllTextContentsAsync()).ShouldBe(["0:00 Intro", "0:06 Main"]);
        // The script took over: custom controls shown, native ones hidden, and the copy button appears.
        (await page.Locator(".player-controls").IsVisibleAsync()).ShouldBeTrue();
        (await page.Locator("audio").IsVisibleAsync()).ShouldBeFalse();
        (await page.Locator(".copy-embed").IsVisibleAsync()).ShouldBeTrue();
        await page.WaitForFunctionAsync("() => document.querySelector('canvas.player-waveform').width > 0");
        await SiteFixture.ScreenshotAsync(page, "episode");

        var phone = await site.NewPageAsync(width: 390, height: 844);
        var phoneErrors = PageErrors.Collect(phone);
        await phone.GotoAsync($"/episodes/{site.EpisodeId}");
        (await phone.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue("no sideways scrolling at phone width");
        await SiteFixture.ScreenshotAsync(phone, "episode-phone");

        await page.GotoAsync("/no/such/page");
        (await page.Locator("h1").TextContentAsync()).ShouldBe("Not found");
        await SiteFixture.ScreenshotAsync(page, "not-found");

        errors.Where(e => !e.Contains("404", StringComparison.Ordinal)).ShouldBeEmpty();
        phoneErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Player_PlayAndPause_CurrentTimeGrowsAndPlaybackEventsFollowTheContract()
    {
        var page = await site.NewPageAsync();
        var errors = PageErrors.Collect(page);
        var events = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Url.EndsWith(PlaybackEventsPath, StringComparison.Ordinal))
            {
                events.Add(request);
            }
        };
        await page.GotoAsync($"/episodes/{site.EpisodeId}");
        var audioRequests = new List<string>();
        page.Request += (_, request) => audioRequests.Add(request.Url);
        (await page.EvaluateAsync<int>("() => document.querySelector('audio').readyState")).ShouldBe(0, "preload=none: nothing loaded before play");

        await page.Locator(".player-toggle").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('audio').currentTime > 2");
        (await page.Locator(".player-toggle").GetAttributeAsync("aria-label")).ShouldBe("Pause");
        await page.Locator(".player-toggle").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('audio').paused");
        await WaitForEventsAsync(page, events, 2);

        audioRequests.ShouldContain(u => u.EndsWith($"/api/v1/episodes/{site.EpisodeId}/audio", StringComparison.Ordinal));
        var (play, pause) = (PlaybackEvents.Parse(events[0]), PlaybackEvents.Parse(events[1]));
        play["type"]!.GetValue<string>().ShouldBe("play");
        pause["type"]!.GetValue<string>().ShouldBe("pause");
        foreach (var e in new[] { play, pause })
        {
            e.Select(p => p.Key).Order(StringComparer.Ordinal).ShouldBe(
                ["created_at", "device_id", "episode_id", "event_id", "position_end", "position_start", "sent_at", "sequence", "session_id", "type"]);
            e["episode_id"]!.GetValue<string>().ShouldBe(site.EpisodeId);
            DateTimeOffset.Parse(e["created_at"]!.GetValue<string>(), CultureInfo.InvariantCulture).ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5));
            DateTimeOffset.Parse(e["sent_at"]!.GetValue<string>(), CultureInfo.InvariantCulture).ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5));
            events.ShouldAllBe(r => r.Method == "POST" && r.Headers["content-type"].StartsWith("application/json", StringComparison.Ordinal));
        }

        var deviceId = await page.EvaluateAsync<string>("() => localStorage.getItem('airwave.device_id')");
        play["device_id"]!.GetValue<string>().ShouldBe(deviceId);
        pause["device_id"]!.GetValue<string>().ShouldBe(deviceId);
        pause["session_id"]!.GetValue<string>().ShouldBe(play["session_id"]!.GetValue<string>());
        pause["event_id"]!.GetValue<string>().ShouldNotBe(play["event_id"]!.GetValue<string>());
        (play["sequence"]!.GetValue<int>(), pause["sequence"]!.GetValue<int>()).ShouldBe((1, 2));
        play["position_start"]!.GetValue<double>().ShouldBe(0);
        pause["position_start"]!.GetValue<double>().ShouldBe(0);
        pause["position_end"]!.GetValue<double>().ShouldBeGreaterThan(2);

        // A new page load is a new session on the same device.
        await page.ReloadAsync();
        await page.Locator(".player-toggle").ClickAsync();
        await WaitForEventsAsync(page, events, 3);
        var again = PlaybackEvents.Parse(events[2]);
        again["device_id"]!.GetValue<string>().ShouldBe(deviceId);
        again["session_id"]!.GetValue<string>().ShouldNotBe(play["session_id"]!.GetValue<string>());
        again["sequence"]!.GetValue<int>().ShouldBe(1);
        errors.Where(e => !e.Contains("404", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Player_KeyboardSpeedSkipAndChapters_ControlTheAudioAndSendSeekAndComplete()
    {
        var page = await site.NewPageAsync();
        var events = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Url.EndsWith(PlaybackEventsPath, StringComparison.Ordinal))
            {
                events.Add(request);
            }
        };
        await page.GotoAsync($"/episodes/{site.EpisodeId}");

        // Keyboard only: tab to the play button, play with k, change speed with the select.
        await page.Locator(".player-toggle").FocusAsync();
        await page.Keyboard.PressAsync("k");
        await page.WaitForFunctionAsync("() => !document.querySelector('audio').paused && document.querySelector('audio').currentTime > 0.5");
        await page.Locator(".player-rate").SelectOptionAsync("2");
        (await page.EvaluateAsync<double>("() => document.querySelector('audio').playbackRate")).ShouldBe(2);

        await page.Locator(".chapter", new() { HasText = "Main" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('audio').currentTime >= 6");
        (await page.Locator(".chapter.current").TextContentAsync()).ShouldBe("0:06 Main");
        await page.Locator(".player-skip[data-skip='-15']").ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('audio').currentTime < 3");
        await page.Locator(".player-toggle").FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await page.WaitForFunctionAsync("() => document.querySelector('audio').ended");

        await WaitForEventsAsync(page, events, 1, e => e["type"]!.GetValue<string>() == "complete");
        var types = events.Select(PlaybackEvents.Parse).Select(e => e["type"]!.GetValue<string>()).ToList();
        types[0].ShouldBe("play");
        types.ShouldContain("seek");
        types[^1].ShouldBe("complete");
        var seek = events.Select(PlaybackEvents.Parse).First(e => e["type"]!.GetValue<string>() == "seek");
        seek["position_end"]!.GetValue<double>().ShouldBe(6, 0.5);
        events.Select(PlaybackEvents.Parse).Select(e => e["sequence"]!.GetValue<int>()).ShouldBe(Enumerable.Range(1, events.Count));
        (await page.Locator(".player-toggle").GetAttributeAsync("aria-label")).ShouldBe("Play");
    }

    [Fact]
    public async Task EmbedPage_InAnIframe_Plays()
    {
        var page = await site.NewPageAsync();
        var embedUrl = new Uri(site.Server.BaseAddress, $"/embed/episodes/{site.EpisodeId}");
        await page.GotoAsync($"/episodes/{site.EpisodeId}");
        var code = await page.Locator("#embed-code").InputValueAsync();
        code.ShouldContain($"src=\"{embedUrl}\"");

        // The embed code pasted into another page, as a site owner would.
        await page.SetContentAsync($"<!DOCTYPE html><title>Elsewhere</title><h1>My blog</h1>{code}");
        var frame = page.FrameLocator("iframe");
        await frame.Locator(".player-toggle").ClickAsync();
        var embedded = page.Frames.Single(f => f.Url == embedUrl.ToString());
        await embedded.WaitForFunctionAsync("() => document.querySelector('audio').currentTime > 1");
        await SiteFixture.ScreenshotAsync(page, "embed-in-page");

        var direct = await site.NewPageAsync(width: 480, height: 232);
        await direct.GotoAsync(embedUrl.ToString());
        await direct.Locator(".player-toggle").ClickAsync();
        await direct.WaitForFunctionAsync("() => document.querySelector('audio').currentTime > 1");
        (await direct.EvaluateAsync<bool>("() => document.documentElement.scrollHeight <= window.innerHeight")).ShouldBeTrue("the embed fits the iframe height in the embed code");
        await SiteFixture.ScreenshotAsync(direct, "embed");
    }

    [Fact]
    public async Task EpisodePage_WithoutJavaScript_NativePlayerInTheSameSpace()
    {
        var withoutScript = await site.NewPageAsync(javaScript: false);
        var withScript = await site.NewPageAsync();
        await withoutScript.GotoAsync($"/episodes/{site.EpisodeId}");
        await withScript.GotoAsync($"/episodes/{site.EpisodeId}");
        await withScript.WaitForFunctionAsync("() => !document.querySelector('.player-controls').hidden");

        (await withoutScript.Locator("audio").IsVisibleAsync()).ShouldBeTrue();
        (await withoutScript.Locator(".player-controls").IsVisibleAsync()).ShouldBeFalse();
        (await withoutScript.Locator(".notes").TextContentAsync())!.ShouldContain("We compare pour-over and espresso.");
        await SiteFixture.ScreenshotAsync(withoutScript, "episode-no-javascript");
        // No layout shift: the player and what follows it sit exactly where they were before the script ran.
        foreach (var selector in new[] { ".player", "#notes-heading", ".embed-code" })
        {
            var before = await withoutScript.Locator(selector).BoundingBoxAsync();
            var after = await withScript.Locator(selector).BoundingBoxAsync();
            (after!.Y, after.Height).ShouldBe((before!.Y, before.Height), selector);
        }
    }

    [Fact]
    public async Task Studio_SignInForm_CreatorReachesDashboardListenerDoesNot()
    {
        var page = await site.NewPageAsync();
        var errors = PageErrors.Collect(page);
        await page.GotoAsync("/studio");
        page.Url.ShouldEndWith("/studio/sign-in");

        await page.GetByLabel("Email address").FillAsync(site.OwnerEmail);
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        (await page.GetByRole(AriaRole.Alert).TextContentAsync()).ShouldBe("The email address or password is incorrect.");
        await SiteFixture.ScreenshotAsync(page, "studio-sign-in-error");

        await page.GetByLabel("Password").FillAsync(Api.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForPageAsync("**/studio");
        (await page.Locator(".studio-table tbody th").AllTextContentsAsync()).ShouldBe(["Morning Radio"]);
        await SiteFixture.ScreenshotAsync(page, "studio-dashboard");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForPageAsync(new Uri(site.Server.BaseAddress, "/").ToString());
        errors.Where(e => !e.Contains("401", StringComparison.Ordinal)).ShouldBeEmpty();

        var listener = await site.Server.SignUpAsync(role: "listener");
        var listenerPage = await site.NewPageAsync();
        await listenerPage.GotoAsync("/studio/sign-in");
        await listenerPage.GetByLabel("Email address").FillAsync(listener.Email);
        await listenerPage.GetByLabel("Password").FillAsync(listener.Password);
        await listenerPage.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Listeners land on their account page; the studio refuses them if they go there anyway.
        await listenerPage.WaitForPageAsync("**/account");
        await listenerPage.GotoAsync("/studio");
        (await listenerPage.Locator("h1").TextContentAsync()).ShouldBe("The studio is for creators");
        (await listenerPage.Locator(".studio-table").CountAsync()).ShouldBe(0);
    }

    private static Task<string?> Meta(IPage page, string name) =>
        page.Locator($"meta[name='{name}'], meta[property='{name}']").First.GetAttributeAsync("content");

    private static Task<string> JsonLdTypeAsync(IPage page) =>
        page.EvaluateAsync<string>("() => JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)['@type']");

    /// <summary>Waits (on the page's clock, not a timed assertion) until at least <paramref name="count"/> events were sent.</summary>
    private static async Task WaitForEventsAsync(IPage page, List<IRequest> events, int count, Func<JsonObject, bool>? last = null)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(SiteFixture.PageStepTimeoutMs);
        while (events.Count < count || (last is not null && !last(PlaybackEvents.Parse(events[^1]))))
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"playback events seen: {string.Join(", ", events.Select(e => e.PostData))}");
            await page.WaitForTimeoutAsync(100);
        }
    }
}
