using System.Globalization;
using Airwave.Core.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Airwave.Core.Http.RateLimits;

/// <summary>
/// A limit counted in the database (<see cref="SharedRateLimiter"/>), for the endpoints that protect accounts: it must
/// hold across every instance, where ASP.NET's in-memory limiters count per process.
/// </summary>
/// <param name="Name">What endpoints name with <see cref="SharedRateLimits.RequireSharedRateLimit{TBuilder}"/>.</param>
/// <param name="PermitLimit">Attempts allowed per window, read per request so it follows the options.</param>
/// <param name="Window">The fixed window (whole seconds).</param>
/// <param name="Partition">Who is counted together (e.g. client address and endpoint); hashed before it is stored.</param>
public sealed record SharedRateLimitPolicy(string Name, Func<HttpContext, int> PermitLimit, TimeSpan Window, Func<HttpContext, string> Partition);

/// <summary>Endpoint metadata naming the shared policy that limits the endpoint.</summary>
public sealed record SharedRateLimitMetadata(string Policy);

/// <summary>Registration, the endpoint convention and the middleware of shared rate limits (ADR 0021).</summary>
public static class SharedRateLimits
{
    internal static IServiceCollection AddSharedRateLimits(this IServiceCollection services)
    {
        services.AddSingleton<SharedRateLimiter>();
        services.AddRoleService<RateLimitPruning>(ServerRoles.Api);
        return services;
    }

    public static IServiceCollection AddSharedRateLimitPolicy(this IServiceCollection services, SharedRateLimitPolicy policy) =>
        services.AddSingleton(policy);

    /// <summary>Counts every request to the endpoint against the shared policy <paramref name="policy"/>.</summary>
    public static TBuilder RequireSharedRateLimit<TBuilder>(this TBuilder builder, string policy)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new SharedRateLimitMetadata(policy));

    /// <summary>
    /// After routing and before authentication, like the in-memory limiter: a refused attempt costs one database
    /// round trip and nothing more (no body read, no password hash). Refusals answer as the in-memory limiter does:
    /// 429, Retry-After and a problem details body.
    /// </summary>
    public static IApplicationBuilder UseSharedRateLimits(this IApplicationBuilder app)
    {
        var policies = app.ApplicationServices.GetServices<SharedRateLimitPolicy>().ToDictionary(p => p.Name, StringComparer.Ordinal);
        return app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<SharedRateLimitMetadata>() is { } metadata)
            {
                // Resolved per request, not while the pipeline is built: the limiter needs the database, whose settings
                // are validated when the server starts (a bad setting then refuses the start, naming it).
                var limiter = context.RequestServices.GetRequiredService<SharedRateLimiter>();
                if (!policies.TryGetValue(metadata.Policy, out var policy))
                {
                    throw new InvalidOperationException($"No shared rate limit policy is named '{metadata.Policy}'.");
                }

                var decision = await limiter.AcquireAsync(policy.Name, policy.Partition(context), policy.PermitLimit(context), policy.Window,
                    context.RequestAborted);
                if (!decision.Allowed)
                {
                    await RejectAsync(context, decision.RetryAfter);
                    return;
                }
            }

            await next(context);
        });
    }

    /// <summary>429 with Retry-After in whole seconds and the same problem details as every other refused attempt.</summary>
    public static async Task RejectAsync(HttpContext context, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(context);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Too many attempts from this address; try again in {seconds} seconds.",
            },
        });
    }
}

/// <summary>
/// Every minute, deletes the counters of windows that have ended. Every API instance runs it; the delete is
/// idempotent, so running it several times at once is harmless.
/// </summary>
internal sealed class RateLimitPruning(SharedRateLimiter limiter, TimeProvider clock, ILogger<RateLimitPruning> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await limiter.PruneAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Pruning rate limit counters failed; it runs again in {Interval}", Interval);
            }
        }
    }
}
