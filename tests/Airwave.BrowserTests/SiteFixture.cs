using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Airwave.BrowserTests;

/// <summary>
/// The real server (SQLite) with one public show whose episode was uploaded and processed for real (12 s of audio with
/// two chapters and a cover), and headless Chromium from the Debian package driven by Playwright. Screenshots go to
/// <see cref="ScreenshotDirectory"/> (bin/…/screenshots), kept as test artifacts.
/// </summary>
public sealed class SiteFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium; Playwright's own browser builds cannot be downloaded here and are never installed.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--autoplay-policy=no-user-gesture-required", "--mute-audio",
    ];

    /// <summary>
    /// How long any page step may take (a navigation and its load, a click, a wait for a condition): the browser tests
    /// share two cores with the unit and integration suites, which run beside them, and in a slow phase of the host the
    /// browser suite takes more than twice its usual time. Every wait ends as soon as its condition holds, so a generous
    /// limit costs a passing test nothing; only a page that is really broken waits it out.
    /// </summary>
    public const float PageStepTimeoutMs = 120_000;

    /// <summary>How long an uploaded file's processing may take before the test gives up on it (real ffmpeg on a busy host).</summary>
    public const float ProcessingTimeoutMs = 240_000;

    private IPlaywright? _playwright;

    public SqliteServer Server { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    public string PodcastId { get; private set; } = "";

    public string EpisodeId { get; private set; } = "";

    /// <summary>The show's creator (password <see cref="Api.Password"/>).</summary>
    public string OwnerEmail { get; private set; } = "";

    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await Server.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
        await ArrangeShowAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>A fresh browser context (its own storage), at desktop width unless told otherwise.</summary>
    public async Task<IPage> NewPageAsync(bool javaScript = true, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Server.BaseAddress.ToString(),
            JavaScriptEnabled = javaScript,
            // Headless Chromium calls itself "HeadlessChrome", which download counting rightly drops as a bot; these
            // pages stand for people, so they use the user agent of the same Chrome with a window.
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(PageStepTimeoutMs);
        context.SetDefaultNavigationTimeout(PageStepTimeoutMs);
        return await context.NewPageAsync();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    private async Task ArrangeShowAsync()
    {
        var owner = await Server.SignUpAsync(displayName: "Ann Example");
        OwnerEmail = owner.Email;
        var created = await owner.Http.PostJsonAsync("/api/v1/podcasts", new
        {
            title = "Morning Radio",
            description = "Fresh conversations about **sunrise**, coffee and the people who get up early.",
            owner_email = "ann@example.com",
            language = "en",
            category = "Society & Culture",
        });
        created.Status.ShouldBe(HttpStatusCode.Created, created.Body?.ToJsonString());
        PodcastId = created.Body!["id"]!.GetValue<string>();
        var cover = await File.ReadAllBytesAsync(await TestMedia.PictureAsync($"browser-cover-{Guid.NewGuid():N}.png", 1400, 1400));
        using (var content = new ByteArrayContent(cover))
        {
            content.Headers.ContentType = new("image/png");
            using var response = await owner.Http.PutAsync(new Uri($"/api/v1/podcasts/{PodcastId}/cover", UriKind.Relative), content);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        (await owner.Http.PostJsonAsync($"/api/v1/podcasts/{PodcastId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
        EpisodeId = await new TusTestClient(owner.Http).UploadAsync(PodcastId,
            await TestMedia.Mp3WithChaptersAsync($"browser-{Guid.NewGuid():N}.mp3", 12));
        await WaitForReadyAsync(owner);
        (await owner.Http.PatchJsonAsync($"/api/v1/episodes/{EpisodeId}", new
        {
            title = "Coffee at dawn",
            description = "We compare **pour-over** and espresso.\n\n- Why water temperature matters\n- [Our recipe](https://example.com/recipe)",
            episode_number = 1,
        })).Status.ShouldBe(HttpStatusCode.OK);
        (await owner.Http.PostJsonAsync($"/api/v1/episodes/{EpisodeId}/publish", null)).Status.ShouldBe(HttpStatusCode.OK);
    }

    private async Task WaitForReadyAsync(TestUser owner)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(ProcessingTimeoutMs);
        while (true)
        {
            var status = (await owner.Http.GetJsonAsync($"/api/v1/episodes/{EpisodeId}/processing")).Body!;
            var state = status["processed_status"]!.GetValue<string>();
            if (state == "ready")
            {
                return;
            }

            state.ShouldNotBe("failed", status.ToJsonString());
            DateTime.UtcNow.ShouldBeLessThan(deadline, "processing did not finish: " + status.ToJsonString());
            await Task.Delay(200);
        }
    }
}

/// <summary>Playback events as the player posted them, read from the requests the browser sent.</summary>
public static class PlaybackEvents
{
    public static JsonObject Parse(IRequest request) => JsonNode.Parse(request.PostData!)!.AsObject();
}

/// <summary>What a page logs as an error or throws, collected from the moment it is called: tests assert none.</summary>
public static class PageErrors
{
    public static List<string> Collect(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        return errors;
    }
}

/// <summary>Steps through the studio's pages that several tests share.</summary>
public static class StudioPages
{
    /// <summary>Signs in through the form, as a person would, and waits for the studio (creators) or the account page (listeners).</summary>
    public static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/studio/sign-in");
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(Api.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForPageAsync(new Regex("/(studio|account)$"));
    }

    /// <summary>Waits until the episode page's live processing status reads <paramref name="status"/> (real ffmpeg: the processing limit).</summary>
    public static async Task WaitForProcessingStatusAsync(IPage page, string status) =>
        await page.WaitForFunctionAsync("status => document.getElementById('processing-status').textContent === status", status,
            new() { Timeout = SiteFixture.ProcessingTimeoutMs });
}

/// <summary>
/// Waits for a navigation's page: its address matches and its document has loaded. Not <c>IPage.WaitForURLAsync</c>:
/// the .NET client checks the address and then the load state before it subscribes to the events that report them, and
/// an event delivered in between is lost (microsoft/playwright-dotnet#3364), so the wait hangs until its timeout although
/// the page loaded long before (runs of this suite in three sessions failed so, each on a busy host). This asks the page itself,
/// one request polled by the browser's side and rerun across navigations: no event to lose, and the address and
/// <c>document.readyState</c> are read from the same document.
/// </summary>
public static class PageNavigation
{
    private const string Loaded = "source => new RegExp(source).test(location.href) && document.readyState === 'complete'";

    /// <summary>Waits for the page at an address given as a glob over the whole URL (<c>**</c> any text, <c>*</c> any text without <c>/</c>).</summary>
    public static Task WaitForPageAsync(this IPage page, string urlGlob) => WaitAsync(page, GlobPattern(urlGlob));

    /// <summary>Waits for the page at an address in which <paramref name="url"/> finds a match.</summary>
    public static Task WaitForPageAsync(this IPage page, Regex url) => WaitAsync(page, url.ToString());

    private static async Task WaitAsync(IPage page, string pattern) =>
        await page.WaitForFunctionAsync(Loaded, pattern, new() { PollingInterval = 50 });

    private static string GlobPattern(string glob)
    {
        var pattern = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            if (glob[i] != '*')
            {
                pattern.Append(Regex.Escape(glob[i].ToString()));
            }
            else if (i + 1 < glob.Length && glob[i + 1] == '*')
            {
                pattern.Append(".*");
                i++;
            }
            else
            {
                pattern.Append("[^/]*");
            }
        }

        return pattern.Append('$').ToString();
    }
}
