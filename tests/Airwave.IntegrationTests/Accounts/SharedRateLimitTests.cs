using System.Net;
using Airwave.Core.Data;
using Airwave.Core.Http.RateLimits;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.IntegrationTests.Accounts;

/// <summary>
/// Servers with a low sign-in limit behind a trusted proxy (loopback), so each test is a client of its own through
/// X-Forwarded-For and a second instance on the same database can be started.
/// </summary>
public abstract class SharedLimitServer : ServerFixture
{
    public const int Limit = 4;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Accounts:AuthAttemptsPerMinute"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Server:TrustedProxies"] = "127.0.0.1",
    };
}

public sealed class SharedLimitSqliteServer : SharedLimitServer
{
    protected override string Provider => "sqlite";
}

public sealed class SharedLimitPostgresServer : SharedLimitServer
{
    protected override string Provider => "postgres";
}

/// <summary>
/// The account limits hold across instances (ADR 0021): two servers on one database allow the configured number of
/// attempts per client in total, not that number each, and the counters never hold a client's address.
/// </summary>
public abstract class SharedRateLimitTests(SharedLimitServer server)
{
    [Fact]
    public async Task Login_SpreadAcrossTwoInstances_LimitedAtTheTotal_NotTwiceIt()
    {
        await using var second = await server.StartInstanceAsync();
        using var first = server.Client();
        using var other = second.Client();
        await InOneWindowAsync(async client =>
        {
            for (var i = 0; i < SharedLimitServer.Limit; i++)
            {
                var attempt = await LoginAsync(i % 2 == 0 ? first : other, client);
                attempt.Status.ShouldBe(HttpStatusCode.Unauthorized, $"attempt {i + 1} is within the limit");
            }

            foreach (var instance in new[] { first, other })
            {
                var limited = await LoginAsync(instance, client);
                limited.ShouldBeProblem(HttpStatusCode.TooManyRequests);
                int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 60);
                limited.Body!["detail"]!.GetValue<string>().ShouldContain("try again");
            }

            // Registering is another endpoint with its own allowance, on either instance.
            (await SendAsync(other, Forwarded(HttpMethod.Post, "/api/v1/users/register", client,
                new { email = $"r-{Guid.NewGuid():N}@example.com", password = Api.Password, display_name = "R", role = "listener" })))
                .Status.ShouldBe(HttpStatusCode.Created);
        });
    }

    [Fact]
    public async Task ConcurrentAttempts_OnBothInstances_ExactlyTheLimitGetThrough()
    {
        await using var second = await server.StartInstanceAsync();
        using var first = server.Client();
        using var other = second.Client();
        await InOneWindowAsync(async client =>
        {
            var attempts = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => LoginAsync(i % 2 == 0 ? first : other, client)));
            attempts.Count(a => a.Status == HttpStatusCode.Unauthorized).ShouldBe(SharedLimitServer.Limit);
            attempts.Count(a => a.Status == HttpStatusCode.TooManyRequests).ShouldBe(16 - SharedLimitServer.Limit);
        });
    }

    [Fact]
    public async Task Counters_NeverHoldTheAddress_OnlyAnHmac()
    {
        const string client = "198.51.100.77";
        using var http = server.Client();
        (await LoginAsync(http, client)).Status.ShouldBe(HttpStatusCode.Unauthorized);
        var rows = await ReadCountersAsync();
        rows.ShouldNotBeEmpty();
        foreach (var (policy, key) in rows)
        {
            policy.ShouldBe("accounts-auth");
            key.ShouldMatch("^[0-9a-f]{32}$");
            key.ShouldNotContain("198.51");
        }

        var limiter = server.Services.GetRequiredService<SharedRateLimiter>();
        rows.Select(r => r.Key).ShouldContain(await limiter.PartitionKeyAsync("accounts-auth", $"{client}|Login", CancellationToken.None));
    }

    [Fact]
    public async Task Window_Ends_AttemptsAllowedAgain_OldCountersPruned()
    {
        var clock = new SettableClock(new DateTimeOffset(2026, 3, 1, 12, 0, 10, TimeSpan.Zero));
        using var limiter = new SharedRateLimiter(server.Services.GetRequiredService<Database>(), clock);
        var partition = $"window-{Guid.NewGuid():N}";
        for (var i = 0; i < 3; i++)
        {
            (await limiter.AcquireAsync("test", partition, 3, TimeSpan.FromMinutes(1), CancellationToken.None)).Allowed.ShouldBeTrue();
        }

        clock.Now = clock.Now.AddSeconds(30);
        var refused = await limiter.AcquireAsync("test", partition, 3, TimeSpan.FromMinutes(1), CancellationToken.None);
        refused.Allowed.ShouldBeFalse();
        refused.RetryAfter.ShouldBe(TimeSpan.FromSeconds(20));
        (await limiter.AcquireAsync("test", $"other-{partition}", 3, TimeSpan.FromMinutes(1), CancellationToken.None)).Allowed
            .ShouldBeTrue("another client has its own allowance");

        clock.Now = new DateTimeOffset(2026, 3, 1, 12, 1, 0, TimeSpan.Zero);
        (await limiter.AcquireAsync("test", partition, 3, TimeSpan.FromMinutes(1), CancellationToken.None)).Allowed.ShouldBeTrue("a new window");
        var key = await limiter.PartitionKeyAsync("test", partition, CancellationToken.None);
        (await server.CountSqlAsync("SELECT COUNT(*) FROM rate_limit_counters WHERE policy = 'test' AND partition_key = @key", new { key })).ShouldBe(2);

        (await limiter.PruneAsync(CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(2);
        (await server.CountSqlAsync("SELECT COUNT(*) FROM rate_limit_counters WHERE policy = 'test' AND partition_key = @key", new { key })).ShouldBe(1);
        (await limiter.AcquireAsync("test", partition, 3, TimeSpan.FromMinutes(1), CancellationToken.None)).Allowed.ShouldBeTrue();
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("192.0.2.1", "192.0.2.2", false)]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1", true)]
    public void ClientOf_CountsAnIpv6SubscriberAsItsSlash64(string a, string b, bool same) =>
        (SharedRateLimiter.ClientOf(IPAddress.Parse(a)) == SharedRateLimiter.ClientOf(IPAddress.Parse(b))).ShouldBe(same);

    private async Task<IReadOnlyList<(string Policy, string Key)>> ReadCountersAsync()
    {
        var database = server.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        return [.. (await Dapper.SqlMapper.QueryAsync<(string, string)>(connection,
            "SELECT policy, partition_key FROM rate_limit_counters WHERE policy <> 'test'"))];
    }

    /// <summary>
    /// Runs <paramref name="steps"/> as a client of its own, again with a fresh client if a window boundary fell in
    /// the middle (a fixed window starts over at each minute, which would hand out a second allowance).
    /// </summary>
    private static async Task InOneWindowAsync(Func<string, Task> steps)
    {
        for (var attempt = 0; ; attempt++)
        {
            var client = $"203.0.113.{Random.Shared.Next(1, 255)}";
            var minute = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;
            try
            {
                await steps(client);
                return;
            }
            catch (Exception) when (attempt < 3 && DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 != minute)
            {
            }
        }
    }

    private static Task<Response> LoginAsync(HttpClient http, string client) =>
        SendAsync(http, Forwarded(HttpMethod.Post, "/api/v1/auth/login", client, new { email = "nobody@example.com", password = "wrong password" }));

    private static async Task<Response> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            return await http.ReadAsync(request);
        }
    }

    private static HttpRequestMessage Forwarded(HttpMethod method, string path, string client, object body)
    {
        var request = new HttpRequestMessage(method, path) { Content = System.Net.Http.Json.JsonContent.Create(body) };
        request.Headers.Add("X-Forwarded-For", client);
        return request;
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}

public sealed class SqliteSharedRateLimitTests(SharedLimitSqliteServer server)
    : SharedRateLimitTests(server), IClassFixture<SharedLimitSqliteServer>;

public sealed class PostgresSharedRateLimitTests(SharedLimitPostgresServer server)
    : SharedRateLimitTests(server), IClassFixture<SharedLimitPostgresServer>;
