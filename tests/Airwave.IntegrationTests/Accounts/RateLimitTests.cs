using System.Net;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Accounts;

/// <summary>A server with a low sign-in limit, so the limit is reached within a test.</summary>
public sealed class LowRateLimitServer : ServerFixture
{
    protected override string Provider => "sqlite";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Accounts:AuthAttemptsPerMinute"] = "3",
    };
}

public sealed class RateLimitTests(LowRateLimitServer server) : IClassFixture<LowRateLimitServer>
{
    [Fact]
    public async Task Login_OverTheLimit_429WithRetryAfter_AndRegisterCountedSeparately()
    {
        using var client = server.Client();
        for (var i = 0; i < 3; i++)
        {
            (await client.PostJsonAsync("/api/v1/auth/login", new { email = "x@example.com", password = "wrong password" }))
                .Status.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var limited = await client.PostJsonAsync("/api/v1/auth/login", new { email = "x@example.com", password = "wrong password" });
        limited.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        retryAfter.ShouldBeInRange(1, 60);
        limited.Body!["detail"]!.GetValue<string>().ShouldContain("try again");

        // Another spelling of the same route is the same endpoint and the same allowance.
        (await client.PostJsonAsync("/API/V1/AUTH/LOGIN/", new { email = "x@example.com", password = "wrong password" }))
            .Status.ShouldBe(HttpStatusCode.TooManyRequests);

        var register = await client.PostJsonAsync("/api/v1/users/register",
            new { email = $"r-{Guid.NewGuid():N}@example.com", password = Api.Password, display_name = "R", role = "listener" });
        register.Status.ShouldBe(HttpStatusCode.Created);
    }
}
