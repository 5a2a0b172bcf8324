using Airwave.Core.Http;
using Airwave.Core.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Airwave.Core.Observability;

/// <summary>Who may read <c>/metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// Addresses and CIDR ranges (separated by commas) whose connections may read /metrics, e.g. the Prometheus
    /// server's network. Everyone else gets 404. Empty: nobody. The connection's own peer counts, not
    /// X-Forwarded-For: a scraper talks to each instance directly, and requests relayed by a proxy are refused.
    /// </summary>
    public string AllowedNetworks { get; set; } = "127.0.0.1, ::1";

    /// <summary>How often a worker process counts the jobs and outbox events waiting in the database (<see cref="BacklogMetrics"/>).</summary>
    public int BacklogSampleSeconds { get; set; } = 15;

    public IEnumerable<string> Validate()
    {
        TrustedProxies.Parse(AllowedNetworks, out var problems);
        var all = problems.Select(p => $"Metrics:AllowedNetworks: {p}").ToList();
        if (BacklogSampleSeconds is < 1 or > 3600)
        {
            all.Add("Metrics:BacklogSampleSeconds must be from 1 to 3600.");
        }

        return all;
    }
}

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format, on every role (workers and analytics processes are scraped
/// like API instances). Not in the API description: it is for operators' scrapers, not for integrators.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddAirwaveMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<MetricsCollector>();
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>>(new RulesValidator<MetricsOptions>(o => o.Validate()));
        return services;
    }

    /// <summary>Starts collecting at once, so the first scrape shows what happened since start.</summary>
    public static IEndpointRouteBuilder MapAirwaveMetrics(this IEndpointRouteBuilder app)
    {
        app.ServiceProvider.GetRequiredService<MetricsCollector>();
        app.MapGet(Path, (HttpContext http, MetricsCollector collector, IOptions<MetricsOptions> options) =>
        {
            // Read per scrape (a few times a minute), not while the pipeline is built: a bad setting is refused when
            // the server starts, naming it.
            var allowed = TrustedProxies.Parse(options.Value.AllowedNetworks, out _);
            // A request relayed by a proxy (the edge on this machine, a load balancer) comes from the proxy's address:
            // it is refused whatever that address, as scrapers talk to each instance directly.
            if (http.Connection.RemoteIpAddress is not { } peer || !allowed.Contains(peer)
                || http.Request.Headers.ContainsKey("X-Forwarded-For") || http.Request.Headers.ContainsKey("Forwarded"))
            {
                return Problems.NotFound("The address");
            }

            http.Response.Headers.CacheControl = "no-store";
            return Results.Text(collector.Scrape(), PrometheusText.ContentType);
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
