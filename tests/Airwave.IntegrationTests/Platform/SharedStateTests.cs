using System.Net;
using Airwave.IntegrationTests.Infrastructure;
using Airwave.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Platform;

/// <summary>
/// Nothing an API instance needs lives only in another: two servers on one database with data directories of their
/// own, as two instances behind a load balancer without sticky sessions.
/// </summary>
public sealed class SharedStateTests : IDisposable
{
    private readonly string _first = Directory.CreateTempSubdirectory("airwave-shared-a-").FullName;
    private readonly string _second = Directory.CreateTempSubdirectory("airwave-shared-b-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_first, recursive: true);
        Directory.Delete(_second, recursive: true);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CookieFromOneInstance_OpensInTheOther_KeysInTheDatabase(string provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var first = await StartAsync(database, _first, "all");
        await using var second = await StartAsync(database, _second, "api");

        var email = $"shared-{Guid.NewGuid():N}@example.com";
        using var handler = new HttpClientHandler { UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = Address(first) };
        (await browser.PostJsonAsync("/api/v1/users/register", new { email, password = Api.Password, display_name = "Shared", role = "creator" }))
            .Status.ShouldBe(HttpStatusCode.Created);
        (await browser.PostJsonAsync("/api/v1/auth/login?use_cookies=true", new { email, password = Api.Password })).Status.ShouldBe(HttpStatusCode.OK);
        var cookie = handler.CookieContainer.GetAllCookies().Single(c => c.Name == "airwave_session");

        // The same cookie, sent to the other instance.
        var jar = new CookieContainer();
        jar.Add(new Cookie(cookie.Name, cookie.Value, "/", Address(second).Host));
        using var other = new HttpClient(new HttpClientHandler { CookieContainer = jar }) { BaseAddress = Address(second) };
        var me = await other.GetJsonAsync("/api/v1/users/me");
        me.Status.ShouldBe(HttpStatusCode.OK, me.Body?.ToJsonString());
        me.Body!["email"]!.GetValue<string>().ShouldBe(email);

        (await CountAsync(first, "SELECT COUNT(*) FROM data_protection_keys")).ShouldBeGreaterThan(0);
        Directory.Exists(Path.Combine(_first, "keys")).ShouldBeFalse("no key is kept on one instance's disk");
        Directory.Exists(Path.Combine(_second, "keys")).ShouldBeFalse("no key is kept on one instance's disk");
    }

    [Fact]
    public async Task KeysOnDiskFromEarlierVersions_ImportedOnce()
    {
        // What an earlier version left: a key ring under {DataDirectory}/keys, and a value protected with it.
        var keys = Path.Combine(_first, "keys");
        var legacy = DataProtectionProvider.Create(new DirectoryInfo(keys), b => b.SetApplicationName("Airwave"));
        var sealedValue = legacy.CreateProtector("test").Protect("still readable");
        var fileName = Path.GetFileNameWithoutExtension(Directory.GetFiles(keys, "*.xml").Single());

        await using var database = await TestDatabase.CreateAsync("sqlite");
        await using var app = await StartAsync(database, _first, "all");
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        protector.Unprotect(sealedValue).ShouldBe("still readable");
        (await CountAsync(app, $"SELECT COUNT(*) FROM data_protection_keys WHERE name = '{fileName}'")).ShouldBe(1);
    }

    private static async Task<WebApplication> StartAsync(TestDatabase database, string dataDirectory, string roles)
    {
        var app = AirwaveApp.Build(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Server:DataDirectory"] = dataDirectory,
            ["Server:Roles"] = roles,
            ["Database:Provider"] = database.Provider,
            ["Database:ConnectionString"] = database.ConnectionString,
            ["Accounts:AuthAttemptsPerMinute"] = "100000",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await AirwaveApp.MigrateIfConfiguredAsync(app, CancellationToken.None);
        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    private static async Task<long> CountAsync(WebApplication app, string sql)
    {
        await using var connection = await app.Services.GetRequiredService<Airwave.Core.Data.Database>().OpenAsync(CancellationToken.None);
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, sql);
    }
}
