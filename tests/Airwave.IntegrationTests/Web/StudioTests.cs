using System.Net;
using AngleSharp.Html.Parser;
using Airwave.IntegrationTests.Feeds;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Web;

/// <summary>A browser's view of the studio: cookies kept between requests, redirects not followed, forms posted.</summary>
public sealed class StudioBrowser(ServerFixture server) : IDisposable
{
    private static readonly HtmlParser Parser = new();

    private readonly HttpClient _http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
    {
        BaseAddress = server.BaseAddress,
    };

    public HttpClient Http => _http;

    public Task<WebPage> PageAsync(string path) => _http.PageAsync(path);

    /// <summary>The antiforgery token of the first form on the page at <paramref name="path"/>.</summary>
    public async Task<string> FormTokenAsync(string path) =>
        (await PageAsync(path)).Document.QuerySelector("form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

    public async Task<(HttpResponseMessage Response, WebPage Page)> PostFormAsync(string path, params (string Name, string Value)[] fields)
    {
        using var content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content);
        var html = await response.Content.ReadAsStringAsync();
        return (response, new WebPage(response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", html,
            await Parser.ParseDocumentAsync(html), response));
    }

    public async Task<HttpResponseMessage> SignInAsync(string email, string password = Api.Password)
    {
        var token = await FormTokenAsync("/studio/sign-in");
        var (response, _) = await PostFormAsync("/studio/sign-in", ("__RequestVerificationToken", token), ("email", email), ("password", password));
        return response;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>
/// The studio's sign-in form, dashboard and sign-out over real HTTP: cookie sessions, antiforgery tokens on every
/// form, errors next to their fields, only one's own podcasts, listeners kept out.
/// </summary>
public abstract class StudioTests(ServerFixture server)
{
    [Fact]
    public async Task SignIn_RightCredentials_SessionCookieAndDashboardWithOwnPodcastsOnly()
    {
        var ann = await server.SignUpAsync(displayName: "Ann");
        var bob = await server.SignUpAsync(displayName: "Bob");
        var draft = (await ann.CreatePodcastAsync("Ann's draft <b>show</b>"))["id"]!.GetValue<string>();
        var published = await FeedTestSupport.PublishedPodcastAsync(ann, "Ann's live show");
        var bobs = await FeedTestSupport.PublishedPodcastAsync(bob, "Bob's show");
        using var browser = new StudioBrowser(server);

        var signIn = await browser.SignInAsync(ann.Email);

        signIn.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        signIn.Headers.Location!.ToString().ShouldBe("/studio");
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("airwave_session=", StringComparison.Ordinal));
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldContain("httponly", Case.Insensitive);
        var dashboard = await browser.PageAsync("/studio");
        dashboard.Status.ShouldBe(HttpStatusCode.OK);
        dashboard.Header("Cache-Control").ShouldBe("no-store");
        dashboard.Meta("robots").ShouldBe("noindex");
        dashboard.Document.QuerySelector(".studio-user")!.TextContent.ShouldBe("Signed in as Ann");
        var rows = dashboard.Document.QuerySelectorAll(".studio-table tbody tr")
            .Select(r => (r.QuerySelector("th")!.TextContent, r.QuerySelectorAll("td")[0].TextContent)).ToList();
        rows.ShouldBe([("Ann's live show", "Published"), ("Ann's draft <b>show</b>", "Draft")]);
        dashboard.Document.QuerySelector($"a[href='/podcasts/{published}']").ShouldNotBeNull();
        dashboard.Document.QuerySelector($"a[href='/podcasts/{draft}']").ShouldBeNull();
        dashboard.Html.ShouldNotContain(bobs);
        // The cookie session is the API's too: the same browser may call the API as Ann.
        (await browser.Http.GetJsonAsync("/api/v1/users/me")).Body!["email"]!.GetValue<string>().ShouldBe(ann.Email);
        (await browser.PageAsync("/studio/sign-in")).Status.ShouldBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task SignIn_MissingFieldsOrWrongPassword_ErrorsNextToFieldsAndNoSession()
    {
        var ann = await server.SignUpAsync();
        using var browser = new StudioBrowser(server);
        var token = await browser.FormTokenAsync("/studio/sign-in");

        var (missingResponse, missing) = await browser.PostFormAsync("/studio/sign-in", ("__RequestVerificationToken", token), ("email", " "),
            ("password", ""));
        var (wrongResponse, wrong) = await browser.PostFormAsync("/studio/sign-in", ("__RequestVerificationToken", token), ("email", ann.Email),
            ("password", "not the password"));

        missing.Status.ShouldBe(HttpStatusCode.BadRequest);
        missing.Document.QuerySelector("#email")!.GetAttribute("aria-invalid").ShouldBe("true");
        missing.Document.QuerySelector("#email")!.GetAttribute("aria-describedby").ShouldBe("email-error");
        missing.Document.QuerySelector("#email-error")!.TextContent.ShouldBe("Email address is required");
        missing.Document.QuerySelector("#password-error")!.TextContent.ShouldBe("Password is required");
        wrong.Status.ShouldBe(HttpStatusCode.Unauthorized);
        wrong.Document.QuerySelector("[role=alert]")!.TextContent.ShouldBe("The email address or password is incorrect.");
        wrong.Document.QuerySelector("#email")!.GetAttribute("value").ShouldBe(ann.Email);
        wrong.Document.QuerySelector("#password")!.GetAttribute("value").ShouldBeNull();
        (missingResponse.Headers.TryGetValues("Set-Cookie", out var a) ? a : []).ShouldNotContain(c => c.StartsWith("airwave_session=", StringComparison.Ordinal));
        (wrongResponse.Headers.TryGetValues("Set-Cookie", out var b) ? b : []).ShouldNotContain(c => c.StartsWith("airwave_session=", StringComparison.Ordinal));
        (await browser.PageAsync("/studio")).Status.ShouldBe(HttpStatusCode.SeeOther);
    }

    [Fact]
    public async Task Forms_WithoutOrWithForeignAntiforgeryToken_RefusedBeforeAnythingHappens()
    {
        var ann = await server.SignUpAsync();
        using var browser = new StudioBrowser(server);
        using var attacker = new StudioBrowser(server);
        var attackersToken = await attacker.FormTokenAsync("/studio/sign-in");

        var (noToken, noTokenPage) = await browser.PostFormAsync("/studio/sign-in", ("email", ann.Email), ("password", Api.Password));
        var (foreign, _) = await browser.PostFormAsync("/studio/sign-in", ("__RequestVerificationToken", attackersToken), ("email", ann.Email),
            ("password", Api.Password));

        noToken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        noTokenPage.Document.QuerySelector("[role=alert]")!.TextContent.ShouldContain("expired or did not come from this site");
        foreign.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await browser.PageAsync("/studio")).Status.ShouldBe(HttpStatusCode.SeeOther);

        // Signed in, a sign-out form without the token does not sign out.
        (await browser.SignInAsync(ann.Email)).StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        var (signOut, _) = await browser.PostFormAsync("/studio/sign-out", ("x", "y"));
        signOut.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await browser.PageAsync("/studio")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SignOut_WithToken_SessionRevokedSoTheOldCookieNoLongerWorks()
    {
        var ann = await server.SignUpAsync();
        using var browser = new StudioBrowser(server);
        var signIn = await browser.SignInAsync(ann.Email);
        var sessionCookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("airwave_session=", StringComparison.Ordinal)).Split(';')[0];
        var token = await browser.FormTokenAsync("/studio");

        var (signOut, _) = await browser.PostFormAsync("/studio/sign-out", ("__RequestVerificationToken", token));

        signOut.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        signOut.Headers.Location!.ToString().ShouldBe("/");
        (await browser.PageAsync("/studio")).Status.ShouldBe(HttpStatusCode.SeeOther);
        // A copy of the cookie taken before signing out is dead too: the session row is revoked.
        using var replay = server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
        request.Headers.Add("Cookie", sessionCookie);
        (await replay.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Dashboard_NotSignedInOrListener_SentToSignInOrRefused()
    {
        var listener = await server.SignUpAsync(role: "listener");
        using var anonymous = new StudioBrowser(server);
        using var browser = new StudioBrowser(server);

        var notSignedIn = await anonymous.PageAsync("/studio");
        var signedIn = await browser.SignInAsync(listener.Email);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.SeeOther);
        // Listeners are sent to their account page; the studio refuses them if they go there anyway.
        signedIn.Headers.Location!.ToString().ShouldBe("/account");
        var refused = await browser.PageAsync("/studio");

        notSignedIn.Status.ShouldBe(HttpStatusCode.SeeOther);
        notSignedIn.Response.Headers.Location!.ToString().ShouldBe("/studio/sign-in");
        refused.Status.ShouldBe(HttpStatusCode.Forbidden);
        refused.Document.QuerySelector("h1")!.TextContent.ShouldBe("The studio is for creators");
        refused.Document.QuerySelector(".studio-table").ShouldBeNull();
    }
}

public sealed class SqliteStudioTests(SqliteServer server) : StudioTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresStudioTests(PostgresServer server) : StudioTests(server), IClassFixture<PostgresServer>;
