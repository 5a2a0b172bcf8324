using System.Net;
using Airwave.IntegrationTests.Accounts;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Web;

/// <summary>
/// The registration form and the account page over real HTTP, without a browser: the registration API's rules and
/// answers next to their fields, the cookie session started, listeners sent to their account; personal API tokens
/// created (the secret in that answer only), listed and revoked with a confirmation; antiforgery checked before anything
/// happens; another user's token id is 404.
/// </summary>
public abstract class AccountPagesTests(ServerFixture server)
{
    private const string TokenField = "__RequestVerificationToken";

    [Fact]
    public async Task Register_Creator_SessionStartsAndLandsInTheStudio()
    {
        using var browser = new StudioBrowser(server);
        var email = NewEmail();

        var (response, _) = await RegisterAsync(browser, email, Api.Password, "New Creator", "creator");

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.ToString().ShouldBe("/studio");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("airwave_session=", StringComparison.Ordinal));
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        var me = (await browser.Http.GetJsonAsync("/api/v1/users/me")).Body!;
        me["email"]!.GetValue<string>().ShouldBe(email);
        me["display_name"]!.GetValue<string>().ShouldBe("New Creator");
        me["role"]!.GetValue<string>().ShouldBe("creator");
        (await browser.PageAsync("/studio")).Status.ShouldBe(HttpStatusCode.OK);
        // Signed in, the register page sends people to their account.
        (await browser.PageAsync("/studio/register")).Response.Headers.Location!.ToString().ShouldBe("/account");
    }

    [Fact]
    public async Task Register_Listener_LandsOnTheAccountPage_StudioRefused()
    {
        using var browser = new StudioBrowser(server);
        var email = NewEmail();

        var (response, _) = await RegisterAsync(browser, email, Api.Password, "Lena Listener", "listener");

        response.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        response.Headers.Location!.ToString().ShouldBe("/account");
        var account = await browser.PageAsync("/account");
        account.Status.ShouldBe(HttpStatusCode.OK);
        account.Header("Cache-Control").ShouldBe("no-store");
        account.Meta("robots").ShouldBe("noindex");
        account.Document.QuerySelector("#account-email")!.TextContent.ShouldBe(email);
        account.Document.QuerySelector("#account-name")!.TextContent.ShouldBe("Lena Listener");
        account.Document.QuerySelector("#account-role")!.TextContent.ShouldBe("Listener");
        account.Document.QuerySelector("a[href='/studio']").ShouldBeNull();
        account.Document.QuerySelector("form[action='/studio/sign-out']").ShouldNotBeNull();
        (await browser.PageAsync("/studio")).Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Register_BadValues_ReasonsUnderTheFields_TypedValuesKeptButNeverThePassword_NothingCreated()
    {
        using var browser = new StudioBrowser(server);
        var email = NewEmail();

        var (response, page) = await RegisterAsync(browser, email, "short", " ", "admin");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        page.Document.QuerySelector("#password-error")!.TextContent.ShouldStartWith("Password must be 10 to 128 characters long");
        page.Document.QuerySelector("#password")!.GetAttribute("aria-invalid").ShouldBe("true");
        page.Document.QuerySelector("#password")!.GetAttribute("aria-describedby").ShouldBe("password-hint password-error");
        page.Document.QuerySelector("#display_name-error")!.TextContent.ShouldBe("Display name is required");
        page.Document.QuerySelector("#role-error")!.TextContent.ShouldBe("Account type must be creator or listener");
        page.Document.QuerySelector("#email")!.GetAttribute("value").ShouldBe(email);
        page.Document.QuerySelector("#email-error").ShouldBeNull();
        page.Document.QuerySelector("#password")!.GetAttribute("value").ShouldBeNull();
        page.Html.ShouldNotContain("short\"");
        (response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []).ShouldNotContain(c => c.StartsWith("airwave_session=", StringComparison.Ordinal));
        (await server.CountSqlAsync("SELECT COUNT(*) FROM users WHERE email = @email", new { email })).ShouldBe(0);
    }

    [Fact]
    public async Task Register_TakenEmail_ReasonUnderTheEmail_409_NoSecondAccount()
    {
        var ann = await server.SignUpAsync(displayName: "Ann");
        using var browser = new StudioBrowser(server);

        var (response, page) = await RegisterAsync(browser, ann.Email.ToUpperInvariant(), Api.Password, "Another Ann", "listener");

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        page.Document.QuerySelector("#email-error")!.TextContent.ShouldStartWith("Email address is already registered");
        page.Document.QuerySelector("#display_name")!.GetAttribute("value").ShouldBe("Another Ann");
        page.Document.QuerySelector("#role-listener")!.HasAttribute("checked").ShouldBeTrue();
        (await server.CountSqlAsync("SELECT COUNT(*) FROM users WHERE email_normalized = @email", new { email = ann.Email })).ShouldBe(1);
        (await browser.PageAsync("/account")).Status.ShouldBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task Register_WithoutOrWithForeignAntiforgeryToken_400AndNothingCreated()
    {
        using var browser = new StudioBrowser(server);
        using var attacker = new StudioBrowser(server);
        var foreignToken = await attacker.FormTokenAsync("/studio/register");
        var first = NewEmail();
        var second = NewEmail();

        var (noToken, noTokenPage) = await browser.PostFormAsync("/studio/register", ("email", first), ("password", Api.Password),
            ("display_name", "X"), ("role", "creator"));
        var (foreign, _) = await browser.PostFormAsync("/studio/register", (TokenField, foreignToken), ("email", second),
            ("password", Api.Password), ("display_name", "X"), ("role", "creator"));

        noToken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        noTokenPage.Document.QuerySelector("[role=alert]")!.TextContent.ShouldContain("did not come from this site");
        foreign.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await server.CountSqlAsync("SELECT COUNT(*) FROM users WHERE email IN (@first, @second)", new { first, second })).ShouldBe(0);
    }

    [Fact]
    public async Task Account_NotSignedIn_SentToSignIn_AndTokenPostsRefused()
    {
        using var browser = new StudioBrowser(server);
        var token = await browser.FormTokenAsync("/studio/sign-in");

        var account = await browser.PageAsync("/account");
        var (create, _) = await browser.PostFormAsync("/account/tokens", (TokenField, token), ("name", "x"), ("scopes", "read"));

        account.Status.ShouldBe(HttpStatusCode.SeeOther);
        account.Response.Headers.Location!.ToString().ShouldBe("/studio/sign-in");
        create.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        create.Headers.Location!.ToString().ShouldBe("/studio/sign-in");
    }

    [Fact]
    public async Task Token_CreatedOnThePage_SecretShownOnce_WorksUntilRevokedWithConfirmation()
    {
        var ann = await server.SignUpAsync();
        using var browser = new StudioBrowser(server);
        (await browser.SignInAsync(ann.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var formToken = await browser.FormTokenAsync("/account");

        var (created, page) = await browser.PostFormAsync("/account/tokens", (TokenField, formToken), ("name", "Upload script"),
            ("scopes", "read"), ("scopes", "write"), ("expires_in_days", "30"));

        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        created.Headers.CacheControl!.NoStore.ShouldBeTrue();
        var secret = page.Document.QuerySelector("#new-token")!.GetAttribute("value")!;
        secret.ShouldStartWith("aw_pat_");
        page.Document.QuerySelector(".token-secret")!.TextContent.ShouldContain("only time it is shown");
        var row = page.Document.QuerySelector("#token-table tbody tr")!;
        row.QuerySelector("th")!.TextContent.ShouldStartWith("Upload script");
        row.QuerySelectorAll("td")[0].TextContent.ShouldBe("read, write");
        row.QuerySelectorAll("td")[2].TextContent.ShouldBe("Never");
        // The form is empty again: nothing of the new token is left in it.
        page.Document.QuerySelector("#name")!.GetAttribute("value").ShouldBe("");

        using var script = server.WithToken(secret);
        (await script.GetJsonAsync("/api/v1/users/me")).Body!["email"]!.GetValue<string>().ShouldBe(ann.Email);
        var later = await browser.PageAsync("/account");
        later.Html.ShouldNotContain(secret);
        later.Document.QuerySelector("#new-token").ShouldBeNull();
        later.Document.QuerySelectorAll("#token-table tbody tr")[0].QuerySelectorAll("td")[2].TextContent.ShouldNotBe("Never");

        var tokenId = row.GetAttribute("data-token-id")!;
        var confirm = await browser.PageAsync($"/account/tokens/{tokenId}/revoke");
        confirm.Status.ShouldBe(HttpStatusCode.OK);
        confirm.Document.QuerySelector("h1")!.TextContent.ShouldContain("Upload script");
        // Opening the confirmation revokes nothing.
        (await script.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);
        var revokeToken = confirm.Document.QuerySelector("form[action$='/revoke'] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var (revoked, _) = await browser.PostFormAsync($"/account/tokens/{tokenId}/revoke", (TokenField, revokeToken));

        revoked.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        revoked.Headers.Location!.ToString().ShouldBe("/account?revoked=1#tokens");
        (await script.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        var after = await browser.PageAsync("/account?revoked=1");
        after.Document.QuerySelector("[role=status]")!.TextContent.ShouldContain("revoked");
        after.Document.QuerySelector("#token-table").ShouldBeNull();
        (await browser.PostFormAsync($"/account/tokens/{tokenId}/revoke", (TokenField, revokeToken))).Response.StatusCode
            .ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Token_BadValues_ReasonsUnderTheFields_TypedValuesKept_NothingCreated()
    {
        var ann = await server.SignUpAsync();
        using var browser = new StudioBrowser(server);
        (await browser.SignInAsync(ann.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var formToken = await browser.FormTokenAsync("/account");

        var (refused, page) = await browser.PostFormAsync("/account/tokens", (TokenField, formToken), ("name", "  "), ("expires_in_days", "0"));
        var (notNumber, notNumberPage) = await browser.PostFormAsync("/account/tokens", (TokenField, formToken), ("name", "CI"),
            ("scopes", "analytics"), ("scopes", "admin"), ("expires_in_days", "soon"));

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        page.Document.QuerySelector("#name-error")!.TextContent.ShouldBe("Token name is required");
        page.Document.QuerySelector("#scopes-error")!.TextContent.ShouldBe("Scopes must list at least one of: read, write, analytics");
        page.Document.QuerySelector("#expires_in_days-error")!.TextContent.ShouldBe("Expires after must be between 1 and 3650");
        page.Document.QuerySelector("#new-token").ShouldBeNull();
        notNumber.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        notNumberPage.Document.QuerySelector("#expires_in_days-error")!.TextContent.ShouldStartWith("Expires after must be a whole number");
        notNumberPage.Document.QuerySelector("#expires_in_days")!.GetAttribute("value").ShouldBe("soon");
        notNumberPage.Document.QuerySelector("#name")!.GetAttribute("value").ShouldBe("CI");
        notNumberPage.Document.QuerySelector("#scope-analytics")!.HasAttribute("checked").ShouldBeTrue();
        notNumberPage.Document.QuerySelector("#scope-read")!.HasAttribute("checked").ShouldBeFalse();
        (await server.CountSqlAsync("SELECT COUNT(*) FROM api_tokens WHERE user_id = @id", new { id = ann.Id })).ShouldBe(0);

        // An unknown scope is the API's reason (the number was fine this time).
        var (unknown, unknownPage) = await browser.PostFormAsync("/account/tokens", (TokenField, formToken), ("name", "CI"),
            ("scopes", "admin"));
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        unknownPage.Document.QuerySelector("#scopes-error")!.TextContent.ShouldBe("Scopes 'admin' is not a scope; use read, write or analytics");
        (await server.CountSqlAsync("SELECT COUNT(*) FROM api_tokens WHERE user_id = @id", new { id = ann.Id })).ShouldBe(0);
    }

    [Fact]
    public async Task Token_FormsWithoutAntiforgery_400_NothingCreatedOrRevoked()
    {
        var ann = await server.SignUpAsync();
        var existing = await ann.Http.PostJsonAsync("/api/v1/users/me/tokens", new { name = "Kept", scopes = new[] { "read" } });
        var tokenId = existing.Body!["id"]!.GetValue<string>();
        using var browser = new StudioBrowser(server);
        using var attacker = new StudioBrowser(server);
        var foreignToken = await attacker.FormTokenAsync("/studio/sign-in");
        (await browser.SignInAsync(ann.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);

        var (create, createPage) = await browser.PostFormAsync("/account/tokens", ("name", "Sneaky"), ("scopes", "write"));
        var (foreign, _) = await browser.PostFormAsync("/account/tokens", (TokenField, foreignToken), ("name", "Sneaky"), ("scopes", "write"));
        var (revoke, _) = await browser.PostFormAsync($"/account/tokens/{tokenId}/revoke", ("x", "y"));

        create.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        createPage.Document.QuerySelector("h1")!.TextContent.ShouldBe("Nothing was changed");
        foreign.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        revoke.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await server.CountSqlAsync("SELECT COUNT(*) FROM api_tokens WHERE user_id = @id", new { id = ann.Id })).ShouldBe(1);
        using var script = server.WithToken(existing.Body!["token"]!.GetValue<string>());
        (await script.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_AnotherUsersTokenId_404OnConfirmationAndRevoke_TheirTokenKeepsWorking()
    {
        var ann = await server.SignUpAsync();
        var bob = await server.SignUpAsync(role: "listener");
        var bobs = await bob.Http.PostJsonAsync("/api/v1/users/me/tokens", new { name = "Bob's secret script", scopes = new[] { "read" } });
        var bobsId = bobs.Body!["id"]!.GetValue<string>();
        using var browser = new StudioBrowser(server);
        (await browser.SignInAsync(ann.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var formToken = await browser.FormTokenAsync("/account");

        var confirm = await browser.PageAsync($"/account/tokens/{bobsId}/revoke");
        var (revoke, _) = await browser.PostFormAsync($"/account/tokens/{bobsId}/revoke", (TokenField, formToken));
        var account = await browser.PageAsync("/account");

        confirm.Status.ShouldBe(HttpStatusCode.NotFound);
        confirm.Html.ShouldNotContain("Bob's secret script");
        revoke.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await browser.PageAsync($"/account/tokens/{Guid.NewGuid()}/revoke")).Status.ShouldBe(HttpStatusCode.NotFound);
        account.Html.ShouldNotContain("Bob&#x27;s secret script");
        account.Html.ShouldNotContain("Bob's secret script");
        using var script = server.WithToken(bobs.Body!["token"]!.GetValue<string>());
        (await script.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Header_LinksToRegisterAndSignIn_OrToTheAccountWhenSignedIn()
    {
        var ann = await server.SignUpAsync();
        using var browser = new StudioBrowser(server);

        var anonymous = await browser.PageAsync("/");
        (await browser.SignInAsync(ann.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var signedIn = await browser.PageAsync("/");
        var signInPage = await new StudioBrowser(server).PageAsync("/studio/sign-in");

        anonymous.Document.QuerySelector("header a[href='/studio/register']").ShouldNotBeNull();
        anonymous.Document.QuerySelector("header a[href='/studio/sign-in']").ShouldNotBeNull();
        signedIn.Document.QuerySelector("header a[href='/account']").ShouldNotBeNull();
        signedIn.Document.QuerySelector("header a[href='/studio/register']").ShouldBeNull();
        signInPage.Document.QuerySelector("main a[href='/studio/register']").ShouldNotBeNull();
    }

    internal static async Task<(HttpResponseMessage Response, WebPage Page)> RegisterAsync(StudioBrowser browser, string email, string password,
        string displayName, string role)
    {
        var token = await browser.FormTokenAsync("/studio/register");
        return await browser.PostFormAsync("/studio/register", (TokenField, token), ("email", email), ("password", password),
            ("display_name", displayName), ("role", role));
    }

    private static string NewEmail() => $"web-{Guid.NewGuid():N}@example.com";
}

public sealed class SqliteAccountPagesTests(SqliteServer server) : AccountPagesTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresAccountPagesTests(PostgresServer server) : AccountPagesTests(server), IClassFixture<PostgresServer>;

/// <summary>The registration form counts against the same sign-in rate limit as the API, with an allowance of its own.</summary>
public sealed class RegisterPageRateLimitTests(LowRateLimitServer server) : IClassFixture<LowRateLimitServer>
{
    [Fact]
    public async Task RegisterForm_OverTheLimit_429_NothingCreated()
    {
        using var browser = new StudioBrowser(server);
        var token = await browser.FormTokenAsync("/studio/register");
        for (var i = 0; i < 3; i++)
        {
            (await browser.PostFormAsync("/studio/register", ("__RequestVerificationToken", token), ("email", "not an email"),
                ("password", "x"), ("display_name", "X"), ("role", "creator"))).Response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        var email = $"limited-{Guid.NewGuid():N}@example.com";
        var (limited, _) = await browser.PostFormAsync("/studio/register", ("__RequestVerificationToken", token), ("email", email),
            ("password", Api.Password), ("display_name", "X"), ("role", "creator"));

        limited.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await server.CountSqlAsync("SELECT COUNT(*) FROM users WHERE email = @email", new { email })).ShouldBe(0);
    }
}
