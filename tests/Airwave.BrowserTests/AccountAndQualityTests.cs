using System.Net;
using System.Net.Http.Headers;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Airwave.BrowserTests;

/// <summary>
/// Registration, the account page and API tokens in Chromium, and the quality checks of issue #6 item 6 over the main
/// pages: no sideways scrolling at phone width (375 px), labels on every field, alt text on every image, one h1, a
/// document language, keyboard focus reaching each main form before the footer, and a player that keeps its height
/// when its script runs. Screenshots of the new pages are saved.
/// </summary>
public sealed class AccountAndQualityTests(SiteFixture site) : IClassFixture<SiteFixture>
{
    private const int PhoneWidth = 375;

    // The checks every page must pass; each problem is described in words so a failure says what and where.
    private const string Checker = """
        () => {
          const problems = [];
          if (!document.documentElement.lang) { problems.push('html has no lang'); }
          const headings = document.querySelectorAll('h1').length;
          if (headings !== 1) { problems.push(headings + ' h1 elements'); }
          document.querySelectorAll('img').forEach(img => { if (!img.hasAttribute('alt')) { problems.push('img without alt: ' + img.src); } });
          document.querySelectorAll('input, select, textarea').forEach(field => {
            if (['hidden', 'submit', 'button', 'reset', 'image'].includes(field.type)) { return; }
            const named = (field.labels && field.labels.length > 0) || (field.getAttribute('aria-label') || '').trim()
              || (field.getAttribute('aria-labelledby') || '').split(' ').some(id => id && document.getElementById(id));
            if (!named) { problems.push('field without a label: ' + (field.id || field.name || field.outerHTML.slice(0, 80))); }
          });
          if (document.documentElement.scrollWidth > window.innerWidth) {
            problems.push('scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
          }
          return problems;
        }
        """;

    // Marks the main form's first field (the first visible, enabled field in main) and returns its id.
    private const string MarkFirstField = """
        () => {
          const field = [...document.querySelectorAll('main input, main select, main textarea')]
            .find(f => f.type !== 'hidden' && !f.disabled && f.getClientRects().length > 0);
          if (!field) { return null; }
          field.setAttribute('data-first-field', '');
          return field.id || field.name;
        }
        """;

    private const string WhereIsFocus = """
        () => {
          const active = document.activeElement;
          if (active && active.hasAttribute('data-first-field')) { return 'first-field'; }
          if (active && active.closest('footer')) { return 'footer'; }
          return active ? active.tagName + '#' + active.id : 'none';
        }
        """;

    [Fact]
    public async Task Register_TakenEmailOrShortPassword_ReasonNextToTheField_NothingCreated()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync("/studio/sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await page.WaitForPageAsync("**/studio/register");
        await SiteFixture.ScreenshotAsync(page, "register");

        await FillRegistrationAsync(page, site.OwnerEmail, Api.Password, "Copycat", "creator");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        (await page.Locator("#email-error").TextContentAsync())!.ShouldStartWith("Email address is already registered");
        (await page.GetByLabel("Display name").InputValueAsync()).ShouldBe("Copycat");
        (await page.GetByLabel("Password").InputValueAsync()).ShouldBe("");
        await SiteFixture.ScreenshotAsync(page, "register-taken-email");

        var email = $"short-{Guid.NewGuid():N}@example.com";
        await FillRegistrationAsync(page, email, "short", "Shorty", "listener");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        (await page.Locator("#password-error").TextContentAsync())!.ShouldStartWith("Password must be 10 to 128 characters long");
        (await page.Locator("#email-error").CountAsync()).ShouldBe(0);
        (await page.GetByLabel("Email address").InputValueAsync()).ShouldBe(email);
        (await page.GetByLabel("Listener", new() { Exact = false }).IsCheckedAsync()).ShouldBeTrue();
        await SiteFixture.ScreenshotAsync(page, "register-short-password");

        (await site.Server.CountSqlAsync("SELECT COUNT(*) FROM users WHERE email = @email", new { email })).ShouldBe(0);
        (await site.Server.CountSqlAsync("SELECT COUNT(*) FROM users WHERE email_normalized = @email",
            new { email = site.OwnerEmail.ToLowerInvariant() })).ShouldBe(1);
        (await page.Context.CookiesAsync()).ShouldNotContain(c => c.Name == "airwave_session");
    }

    [Fact]
    public async Task Listener_RegistersInTheBrowser_LandsOnTheAccountPage_StudioAnswers403()
    {
        var page = await site.NewPageAsync();
        var errors = PageErrors.Collect(page);

        var listener = await RegisterAsync(site, page, "Lee Listener", "listener");

        (await page.Locator("h1").TextContentAsync()).ShouldBe("Your account");
        (await page.Locator("#account-email").TextContentAsync()).ShouldBe(listener.Email);
        (await page.Locator("#account-role").TextContentAsync()).ShouldBe("Listener");
        await SiteFixture.ScreenshotAsync(page, "account-listener");
        var studio = await page.GotoAsync("/studio");
        studio!.Status.ShouldBe(403);
        (await page.Locator("h1").TextContentAsync()).ShouldBe("The studio is for creators");
        (await page.GotoAsync("/admin/users"))!.Status.ShouldBe(403);

        await page.GotoAsync("/account");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForPageAsync(site.Server.BaseAddress.ToString());
        (await page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).CountAsync()).ShouldBe(1);
        errors.Where(e => !e.Contains("403", StringComparison.Ordinal)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ApiToken_CreatedOnThePage_SecretWorksWithTheApi_UntilRevokedOnThePage()
    {
        var page = await site.NewPageAsync();
        var errors = PageErrors.Collect(page);
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var creator = await RegisterAsync(site, page, "Tia Tokens", "creator");
        await page.GetByRole(AriaRole.Link, new() { Name = "Your account" }).ClickAsync();
        await page.WaitForPageAsync("**/account");
        (await page.Locator("#no-tokens").IsVisibleAsync()).ShouldBeTrue();

        await page.GetByLabel("Token name").FillAsync("Nightly upload");
        await page.GetByLabel("write:", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var secret = await page.GetByLabel("Your new API token").InputValueAsync();
        secret.ShouldStartWith("aw_pat_");
        (await page.Locator(".token-secret").TextContentAsync())!.ShouldContain("only time it is shown");
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('.copy-token').textContent === 'Copied'");
        (await page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).ShouldBe(secret);
        (await page.Locator("#token-table tbody tr th").TextContentAsync())!.ShouldStartWith("Nightly upload");
        (await page.Locator("#token-table tbody tr td").First.TextContentAsync()).ShouldBe("read, write");
        await SiteFixture.ScreenshotAsync(page, "account-token-created");

        using var script = site.Server.Client();
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var me = await script.GetJsonAsync("/api/v1/users/me");
        me.Status.ShouldBe(HttpStatusCode.OK);
        me.Body!["email"]!.GetValue<string>().ShouldBe(creator.Email);

        // Shown once: the page opened again has the token listed, its secret nowhere.
        await page.GotoAsync("/account");
        (await page.ContentAsync()).ShouldNotContain(secret);
        await page.GetByRole(AriaRole.Link, new() { Name = "Revoke Nightly upload" }).ClickAsync();
        await page.WaitForPageAsync("**/account/tokens/*/revoke");
        await SiteFixture.ScreenshotAsync(page, "account-token-revoke");
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke token" }).ClickAsync();
        await page.WaitForPageAsync("**/account?revoked=1#tokens");
        (await page.GetByRole(AriaRole.Status).TextContentAsync())!.ShouldContain("revoked");
        (await page.Locator("#token-table").CountAsync()).ShouldBe(0);

        (await script.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task MainPages_AtPhoneWidth_NoSidewaysScroll_LabelsAltOneH1Lang_FocusReachesTheFormBeforeTheFooter()
    {
        var anonymous = await site.NewPageAsync(width: PhoneWidth, height: 740);
        var owner = await site.NewPageAsync(width: PhoneWidth, height: 740);
        await owner.GotoAsync("/studio/sign-in");
        await owner.GetByLabel("Email address").FillAsync(site.OwnerEmail);
        await owner.GetByLabel("Password").FillAsync(Api.Password);
        await owner.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await owner.WaitForPageAsync("**/studio");
        var pages = new (IPage Page, string Path, string Name, bool Form)[]
        {
            (anonymous, "/", "home", false),
            (anonymous, $"/podcasts/{site.PodcastId}", "podcast", false),
            (anonymous, $"/episodes/{site.EpisodeId}", "episode", false),
            (anonymous, "/studio/sign-in", "sign-in", true),
            (anonymous, "/studio/register", "register", true),
            (owner, "/studio", "studio-dashboard", false),
            (owner, $"/studio/podcasts/{site.PodcastId}", "studio-podcast-editor", true),
            (owner, $"/studio/podcasts/{site.PodcastId}/episodes/new", "studio-new-episode", true),
            (owner, $"/studio/podcasts/{site.PodcastId}/analytics", "studio-analytics", true),
            (owner, "/account", "account", true),
        };

        var problems = new List<string>();
        foreach (var (page, path, name, form) in pages)
        {
            var response = await page.GotoAsync(path);
            response!.Status.ShouldBe(200, path);
            await SiteFixture.ScreenshotAsync(page, "phone-" + name);
            problems.AddRange((await page.EvaluateAsync<string[]>(Checker)).Select(p => $"{path}: {p}"));
            if (form)
            {
                (await page.EvaluateAsync<string?>(MarkFirstField)).ShouldNotBeNull(path);
                var reached = await TabUntilFirstFieldOrFooterAsync(page);
                if (reached != "first-field")
                {
                    problems.Add($"{path}: Tab reached {reached} before the main form's first field");
                }
            }
        }

        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Checker_OnAPageWithEveryFault_NamesEachOne()
    {
        // The checker must find what it looks for, or the page checks above would pass for nothing.
        var page = await site.NewPageAsync(width: PhoneWidth);
        await page.SetContentAsync("""
            <html><body><main><h1>One</h1><h1>Two</h1><img src="data:,"><form><input id="nameless" type="text">
            <label for="named">Named</label><input id="named"><input type="hidden" name="h"></form>
            <div style="width: 2000px">wide</div></main><footer><a href="#">x</a></footer></body></html>
            """);

        var problems = await page.EvaluateAsync<string[]>(Checker);

        problems.Length.ShouldBe(5, string.Join("; ", problems));
        problems.ShouldContain("html has no lang");
        problems.ShouldContain("2 h1 elements");
        problems.ShouldContain(p => p.StartsWith("img without alt", StringComparison.Ordinal));
        problems.ShouldContain("field without a label: nameless");
        problems.ShouldContain(p => p.StartsWith("scrolls sideways: ", StringComparison.Ordinal));
        (await page.EvaluateAsync<string?>(MarkFirstField)).ShouldBe("nameless");
        (await TabUntilFirstFieldOrFooterAsync(page)).ShouldBe("first-field");
    }

    [Theory]
    [InlineData(PhoneWidth)]
    [InlineData(1280)]
    public async Task Player_KeepsItsHeight_WhenItsScriptRuns(int width)
    {
        var page = await site.NewPageAsync(width: width);
        var release = new TaskCompletionSource();
        // The player's script is held back until the page without it has been measured.
        await page.RouteAsync("**/assets/player.js*", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });

        await page.GotoAsync($"/episodes/{site.EpisodeId}", new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync(
            "() => document.querySelector('.player') && [...document.styleSheets].length > 0 && document.querySelector('.site-footer')");
        (await page.Locator(".player-controls").IsVisibleAsync()).ShouldBeFalse("the script has not run yet");
        var before = await page.Locator(".player").BoundingBoxAsync();
        var notesBefore = await page.Locator("#notes-heading").BoundingBoxAsync();
        release.SetResult();
        await page.WaitForFunctionAsync("() => !document.querySelector('.player-controls').hidden");
        await page.WaitForFunctionAsync("() => document.querySelector('canvas.player-waveform').width > 0");
        var after = await page.Locator(".player").BoundingBoxAsync();
        var notesAfter = await page.Locator("#notes-heading").BoundingBoxAsync();

        after!.Height.ShouldBe(before!.Height);
        after.Y.ShouldBe(before.Y);
        notesAfter!.Y.ShouldBe(notesBefore!.Y);
    }

    /// <summary>
    /// Registers through the header's link and the form, as a person would, and returns an API client signed in as
    /// the new account (for what the test checks beside the page). Creators land on the studio, listeners on their account.
    /// </summary>
    public static async Task<TestUser> RegisterAsync(SiteFixture site, IPage page, string displayName, string role)
    {
        var email = $"browser-{Guid.NewGuid():N}@example.com";
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Register", Exact = true }).ClickAsync();
        await page.WaitForPageAsync("**/studio/register");
        await FillRegistrationAsync(page, email, Api.Password, displayName, role);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await page.WaitForPageAsync(role == "listener" ? "**/account" : "**/studio");

        using var anonymous = site.Server.Client();
        var tokens = await anonymous.PostJsonAsync("/api/v1/auth/login", new { email, password = Api.Password });
        tokens.Status.ShouldBe(HttpStatusCode.OK, tokens.Body?.ToJsonString());
        var access = tokens.Body!["access_token"]!.GetValue<string>();
        var client = site.Server.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
        var me = await client.GetJsonAsync("/api/v1/users/me");
        me.Body!["role"]!.GetValue<string>().ShouldBe(role);
        return new TestUser(Guid.Parse(me.Body["id"]!.GetValue<string>()), email, Api.Password, access,
            tokens.Body["refresh_token"]!.GetValue<string>(), client);
    }

    private static async Task FillRegistrationAsync(IPage page, string email, string password, string displayName, string role)
    {
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByLabel("Display name").FillAsync(displayName);
        await page.GetByLabel(role == "listener" ? "Listener:" : "Creator:", new() { Exact = false }).CheckAsync();
    }

    /// <summary>Presses Tab from the top of the page until focus reaches the marked field or the footer.</summary>
    private static async Task<string> TabUntilFirstFieldOrFooterAsync(IPage page)
    {
        var where = "none";
        for (var i = 0; i < 80; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            where = await page.EvaluateAsync<string>(WhereIsFocus);
            if (where is "first-field" or "footer")
            {
                return where;
            }
        }

        return "nothing after 80 presses (last: " + where + ")";
    }
}
