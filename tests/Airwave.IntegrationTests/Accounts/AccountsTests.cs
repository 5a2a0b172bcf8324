using System.Net;
using System.Net.Http.Headers;
using Airwave.Accounts.Contracts;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Accounts;

public abstract class AccountsTests(ServerFixture server)
{
    [Fact]
    public async Task Register_ValidCreator_Returns201WithoutPassword()
    {
        using var client = server.Client();
        var email = $"ann-{Guid.NewGuid():N}@example.com";
        var response = await client.PostJsonAsync("/api/v1/users/register",
            new { email, password = Api.Password, display_name = " Ann ", role = "creator" });

        response.Status.ShouldBe(HttpStatusCode.Created);
        response.Body!["email"]!.GetValue<string>().ShouldBe(email);
        response.Body["display_name"]!.GetValue<string>().ShouldBe("Ann");
        response.Body["role"]!.GetValue<string>().ShouldBe("creator");
        response.Body.ToJsonString().ShouldNotContain(Api.Password);
        response.Body.AsObject().ContainsKey("password_hash").ShouldBeFalse();
    }

    [Fact]
    public async Task Register_SameEmailOtherCase_Returns409()
    {
        var first = await server.SignUpAsync();
        using var client = server.Client();
        var response = await client.PostJsonAsync("/api/v1/users/register",
            new { email = first.Email.ToUpperInvariant(), password = Api.Password, display_name = "Copy", role = "listener" });
        response.ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Register_SameEmailConcurrently_ExactlyOneAccount()
    {
        var email = $"race-{Guid.NewGuid():N}@example.com";
        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            using var client = server.Client();
            return await client.PostJsonAsync("/api/v1/users/register",
                new { email = i % 2 == 0 ? email : email.ToUpperInvariant(), password = Api.Password, display_name = "Racer", role = "creator" });
        }));
        attempts.Count(a => a.Status == HttpStatusCode.Created).ShouldBe(1);
        attempts.Count(a => a.Status == HttpStatusCode.Conflict).ShouldBe(5);
    }

    [Fact]
    public async Task Register_EveryFieldWrong_ListsEachFieldWithItsReason()
    {
        using var client = server.Client();
        var response = await client.PostJsonAsync("/api/v1/users/register",
            new { email = "not-an-email", password = "short", display_name = "", role = "admin" });

        response.ShouldBeProblem(HttpStatusCode.BadRequest);
        response.ErrorsFor("email").ShouldBe(["must be an email address such as name@example.com"]);
        response.ErrorsFor("password").Single().ShouldContain("10 to 128 characters");
        response.ErrorsFor("display_name").ShouldBe(["is required"]);
        response.ErrorsFor("role").ShouldBe(["must be creator or listener"]);
    }

    [Fact]
    public async Task Login_WrongPasswordOrUnknownEmail_Same401()
    {
        var user = await server.SignUpAsync();
        using var client = server.Client();
        var wrongPassword = await client.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = "wrong password!" });
        var unknownEmail = await client.PostJsonAsync("/api/v1/auth/login", new { email = "nobody@example.com", password = Api.Password });

        wrongPassword.ShouldBeProblem(HttpStatusCode.Unauthorized);
        unknownEmail.ShouldBeProblem(HttpStatusCode.Unauthorized);
        wrongPassword.Body!["detail"]!.GetValue<string>().ShouldBe(unknownEmail.Body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_EmailInOtherCase_SignsIn()
    {
        var user = await server.SignUpAsync();
        using var client = server.Client();
        var response = await client.PostJsonAsync("/api/v1/auth/login", new { email = user.Email.ToUpperInvariant(), password = Api.Password });
        response.Status.ShouldBe(HttpStatusCode.OK);
        response.Body!["token_type"]!.GetValue<string>().ShouldBe("Bearer");
        response.Body["expires_in"]!.GetValue<int>().ShouldBe(3600);
    }

    [Fact]
    public async Task Me_WithAccessToken_ReturnsUser_WithoutToken401()
    {
        var user = await server.SignUpAsync(displayName: "Bea");
        var me = await user.Http.GetJsonAsync("/api/v1/users/me");
        me.Status.ShouldBe(HttpStatusCode.OK);
        me.Body!["id"]!.GetValue<string>().ShouldBe(user.Id.ToString());
        me.Body["display_name"]!.GetValue<string>().ShouldBe("Bea");

        using var anonymous = server.Client();
        (await anonymous.GetJsonAsync("/api/v1/users/me")).ShouldBeProblem(HttpStatusCode.Unauthorized);
        using var forged = server.WithToken("aw_at_forged");
        (await forged.GetJsonAsync("/api/v1/users/me")).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_RotatesPair_SpentRefreshTokenSignsSessionOut()
    {
        var user = await server.SignUpAsync();
        using var client = server.Client();
        var refreshed = await client.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = user.RefreshToken });
        refreshed.Status.ShouldBe(HttpStatusCode.OK);
        var newAccess = refreshed.Body!["access_token"]!.GetValue<string>();
        var newRefresh = refreshed.Body["refresh_token"]!.GetValue<string>();
        newAccess.ShouldNotBe(user.AccessToken);
        newRefresh.ShouldNotBe(user.RefreshToken);
        (await user.Http.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        using var fresh = server.WithToken(newAccess);
        (await fresh.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);

        // Replaying the spent refresh token means it leaked: the whole session ends.
        var replay = await client.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = user.RefreshToken });
        replay.ShouldBeProblem(HttpStatusCode.Unauthorized);
        replay.Body!["detail"]!.GetValue<string>().ShouldContain("already used");
        (await fresh.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = newRefresh })).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Refresh_ConcurrentUseOfOneToken_OnlyOneWins()
    {
        var user = await server.SignUpAsync();
        var attempts = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            using var client = server.Client();
            return await client.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = user.RefreshToken });
        }));
        attempts.Count(a => a.Status == HttpStatusCode.OK).ShouldBeLessThanOrEqualTo(1);
    }

    [Fact]
    public async Task Logout_EndsSession_AccessAndRefreshStopWorking()
    {
        var user = await server.SignUpAsync();
        (await user.Http.PostJsonAsync("/api/v1/auth/logout", null)).Status.ShouldBe(HttpStatusCode.NoContent);
        (await user.Http.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        using var client = server.Client();
        (await client.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = user.RefreshToken })).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CookieLogin_SessionCookieAuthenticates_UntilLogout()
    {
        var user = await server.SignUpAsync();
        using var handler = new HttpClientHandler { UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = server.BaseAddress };
        var login = await browser.PostJsonAsync("/api/v1/auth/login?use_cookies=true", new { email = user.Email, password = Api.Password });
        login.Status.ShouldBe(HttpStatusCode.OK);
        login.Body!.AsObject().ContainsKey("access_token").ShouldBeFalse();
        var cookie = handler.CookieContainer.GetAllCookies().Single(c => c.Name == "airwave_session");
        cookie.HttpOnly.ShouldBeTrue();

        (await browser.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);
        (await browser.PostJsonAsync("/api/v1/podcasts", Api.ValidPodcast())).Status.ShouldBe(HttpStatusCode.Created);

        // A copy of the cookie stops working once the session is signed out, not only the browser that signed out.
        var stolen = new CookieContainer();
        stolen.Add(cookie);
        using var thief = new HttpClient(new HttpClientHandler { CookieContainer = stolen }) { BaseAddress = server.BaseAddress };
        (await browser.PostJsonAsync("/api/v1/auth/logout", null)).Status.ShouldBe(HttpStatusCode.NoContent);
        (await browser.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await thief.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ApiTokens_CreateShownOnce_ListWithoutSecret_RevokeStopsIt()
    {
        var user = await server.SignUpAsync();
        var created = await user.Http.PostJsonAsync("/api/v1/users/me/tokens", new { name = "CI", scopes = new[] { "read", "write" } });
        created.Status.ShouldBe(HttpStatusCode.Created);
        var secret = created.Body!["token"]!.GetValue<string>();
        secret.ShouldStartWith("aw_pat_");
        var tokenId = created.Body["id"]!.GetValue<string>();

        var list = await user.Http.GetJsonAsync("/api/v1/users/me/tokens");
        var listed = list.Body!["items"]!.AsArray().Single()!;
        listed["name"]!.GetValue<string>().ShouldBe("CI");
        list.Body.ToJsonString().ShouldNotContain(secret);
        secret.ShouldStartWith(listed["token_prefix"]!.GetValue<string>());

        using var integration = server.WithToken(secret);
        (await integration.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);
        (await integration.PostJsonAsync("/api/v1/podcasts", Api.ValidPodcast())).Status.ShouldBe(HttpStatusCode.Created);
        (await user.Http.GetJsonAsync("/api/v1/users/me/tokens")).Body!["items"]![0]!["last_used_at"].ShouldNotBeNull();

        (await user.Http.DeleteJsonAsync($"/api/v1/users/me/tokens/{tokenId}")).Status.ShouldBe(HttpStatusCode.NoContent);
        (await integration.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await user.Http.DeleteJsonAsync($"/api/v1/users/me/tokens/{tokenId}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ApiTokens_ReadScope_CannotWriteOrMintTokens()
    {
        var user = await server.SignUpAsync();
        var created = await user.Http.PostJsonAsync("/api/v1/users/me/tokens", new { name = "dashboard", scopes = new[] { "read" } });
        using var reader = server.WithToken(created.Body!["token"]!.GetValue<string>());

        (await reader.GetJsonAsync("/api/v1/podcasts?mine=true")).Status.ShouldBe(HttpStatusCode.OK);
        (await reader.PostJsonAsync("/api/v1/podcasts", Api.ValidPodcast())).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await reader.PostJsonAsync("/api/v1/users/me/tokens", new { name = "x", scopes = new[] { "write" } })).Status.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ApiTokens_WriteOnlyToken_CannotMintTokensEither()
    {
        var user = await server.SignUpAsync();
        var created = await user.Http.PostJsonAsync("/api/v1/users/me/tokens", new { name = "writer", scopes = new[] { "write" } });
        using var writer = server.WithToken(created.Body!["token"]!.GetValue<string>());
        var minted = await writer.PostJsonAsync("/api/v1/users/me/tokens", new { name = "x", scopes = new[] { "read", "write" } });
        minted.ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ApiTokens_BadScopesAndName_NamedInErrors()
    {
        var user = await server.SignUpAsync();
        var response = await user.Http.PostJsonAsync("/api/v1/users/me/tokens", new { name = "", scopes = new[] { "read", "admin" }, expires_in_days = 0 });
        response.ShouldBeProblem(HttpStatusCode.BadRequest);
        response.ErrorsFor("name").ShouldBe(["is required"]);
        response.ErrorsFor("scopes").ShouldBe(["'admin' is not a scope; use read, write or analytics"]);
        response.ErrorsFor("expires_in_days").Single().ShouldStartWith("must be between 1 and");
        (await user.Http.GetJsonAsync("/api/v1/users/me/tokens")).Body!["items"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task CreateAdmin_AdminManagesAnyPodcast()
    {
        var owner = await server.SignUpAsync();
        var podcast = await owner.CreatePodcastAsync();
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        var result = await server.Services.GetRequiredService<IAccountAdministration>()
            .CreateAdminAsync(email, "Admin", Api.Password, CancellationToken.None);
        result.Succeeded.ShouldBeTrue();

        using var client = server.Client();
        var login = await client.PostJsonAsync("/api/v1/auth/login", new { email, password = Api.Password });
        using var admin = server.WithToken(login.Body!["access_token"]!.GetValue<string>());
        (await admin.GetJsonAsync("/api/v1/users/me")).Body!["role"]!.GetValue<string>().ShouldBe("admin");
        var patched = await admin.PatchJsonAsync($"/api/v1/podcasts/{podcast["id"]}", new { title = "Moderated" });
        patched.Status.ShouldBe(HttpStatusCode.OK);
        patched.Body!["title"]!.GetValue<string>().ShouldBe("Moderated");
    }

    [Fact]
    public async Task CreateAdmin_DuplicateEmail_FailsWithReason()
    {
        var user = await server.SignUpAsync();
        var result = await server.Services.GetRequiredService<IAccountAdministration>()
            .CreateAdminAsync(user.Email, "Admin", Api.Password, CancellationToken.None);
        result.Succeeded.ShouldBeFalse();
        result.Errors["email"].ShouldContain("an account with this email address already exists");
    }

    [Fact]
    public async Task ApiTokens_WriteOnlyToken_ManagesOwnDrafts_ButCannotListThem()
    {
        var user = await server.SignUpAsync();
        var created = await user.Http.PostJsonAsync("/api/v1/users/me/tokens", new { name = "uploader", scopes = new[] { "write" } });
        using var writer = server.WithToken(created.Body!["token"]!.GetValue<string>());
        var podcast = await writer.PostJsonAsync("/api/v1/podcasts", Api.ValidPodcast());
        var id = podcast.Body!["id"]!.GetValue<string>();
        (await writer.PatchJsonAsync($"/api/v1/podcasts/{id}", new { title = "Renamed" })).Status.ShouldBe(HttpStatusCode.OK);
        (await writer.PostJsonAsync($"/api/v1/podcasts/{id}/episodes", new { title = "E1" })).Status.ShouldBe(HttpStatusCode.Created);
        (await writer.GetJsonAsync("/api/v1/podcasts?mine=true")).ShouldBeProblem(HttpStatusCode.Forbidden);
        (await writer.GetJsonAsync($"/api/v1/podcasts/{id}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Refresh_DisabledAccount_Refused()
    {
        var user = await server.SignUpAsync();
        await server.ExecuteSqlAsync("UPDATE users SET disabled_at = created_at WHERE id = @id", new { id = user.Id });
        using var client = server.Client();
        (await client.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = user.RefreshToken })).ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await user.Http.GetJsonAsync("/api/v1/users/me")).ShouldBeProblem(HttpStatusCode.Unauthorized);
        (await client.PostJsonAsync("/api/v1/auth/login", new { email = user.Email, password = Api.Password })).ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Register_UnknownFieldInOtherSpelling_NamedAsSent()
    {
        using var client = server.Client();
        var response = await client.PostRawAsync("/api/v1/users/register",
            """{"email": "x@example.com", "password": "correct horse battery", "displayName": "X", "role": "creator"}""");
        response.ShouldBeProblem(HttpStatusCode.BadRequest);
        response.ErrorsFor("displayName").ShouldBe(["is not a known field"]);
        response.ErrorsFor("display_name").ShouldBeEmpty();
    }

    [Fact]
    public async Task ApiTokens_ScopesNotAnArray_SaysArray()
    {
        var user = await server.SignUpAsync();
        var response = await user.Http.PostRawAsync("/api/v1/users/me/tokens", """{"name": "x", "scopes": "read"}""");
        response.ErrorsFor("scopes").ShouldBe(["must be an array"]);
    }

    [Fact]
    public async Task SessionCleanup_RemovesEndedSessionsOnly()
    {
        var ended = await server.SignUpAsync();
        var active = await server.SignUpAsync();
        await ended.Http.PostJsonAsync("/api/v1/auth/logout", null);
        // Ended two days ago: past the day of grace the cleanup leaves for reuse detection.
        await server.ExecuteSqlAsync("UPDATE auth_sessions SET revoked_at = @past, refresh_expires_at = @past WHERE user_id = @id",
            new { id = ended.Id, past = DateTimeOffset.UtcNow.AddDays(-2) });

        var cleanup = server.Services.GetRequiredService<Airwave.Accounts.Auth.SessionCleanup>();
        (await cleanup.RunOnceAsync(CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(1);
        (await active.Http.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);
        (await cleanup.RunOnceAsync(CancellationToken.None)).ShouldBe(0);
    }

    [Fact]
    public async Task BearerScheme_CaseInsensitive()
    {
        var user = await server.SignUpAsync();
        using var client = server.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("bearer", user.AccessToken);
        (await client.GetJsonAsync("/api/v1/users/me")).Status.ShouldBe(HttpStatusCode.OK);
    }
}

public sealed class SqliteAccountsTests(SqliteServer server) : AccountsTests(server), IClassFixture<SqliteServer>;

public sealed class PostgresAccountsTests(PostgresServer server) : AccountsTests(server), IClassFixture<PostgresServer>;
