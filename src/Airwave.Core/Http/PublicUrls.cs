using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Airwave.Core.Http;

/// <summary>Where the server lives and keeps its files; bound from the <c>Server</c> configuration section.</summary>
public sealed class ServerOptions
{
    public const string Section = "Server";

    /// <summary>
    /// What this process does: "all" (embedded default) or a comma-separated list of api, worker and analytics, for
    /// scale-out mode. Read once at start by the composition root (<c>ServerRolesText.Parse</c>).
    /// </summary>
    public string Roles { get; set; } = "all";

    /// <summary>SQLite file, media and keys live here in embedded mode.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// The address listeners and apps use (e.g. https://podcasts.example.com), for links that leave the API
    /// such as feed URLs. Empty: taken from each request's scheme and host.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>Largest request body the JSON API accepts; larger ones get 413 before they are read.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Proxies whose X-Forwarded-For is believed (addresses and CIDR ranges, separated by commas), e.g. the nginx edge
    /// or a load balancer. Empty: the connection's peer is the client and X-Forwarded-For is ignored.
    /// </summary>
    public string TrustedProxies { get; set; } = "";

    internal IEnumerable<string> Validate()
    {
        Http.TrustedProxies.Parse(TrustedProxies, out var problems);
        foreach (var problem in problems)
        {
            yield return $"Server:TrustedProxies: {problem}.";
        }
    }
}

/// <summary>Builds absolute URLs for links that are shared outside the API (feeds, media, pages).</summary>
public sealed class PublicUrls(IOptions<ServerOptions> options)
{
    /// <summary>The configured public base URL without a trailing slash, or null when links follow each request.</summary>
    public string? Configured => string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl) ? null : options.Value.PublicBaseUrl.Trim().TrimEnd('/');

    public string Absolute(HttpRequest request, string path) => Combine(BaseOf(request), path);

    /// <summary>The base URL links in answers to <paramref name="request"/> start with (no trailing slash).</summary>
    public string BaseOf(HttpRequest request) => Configured ?? $"{request.Scheme}://{request.Host}{request.PathBase}".TrimEnd('/');

    /// <summary>An absolute URL from a base URL and a path, for links built outside a request (stored feeds).</summary>
    public static string Combine(string baseUrl, string path) => baseUrl.TrimEnd('/') + "/" + path.TrimStart('/');

    /// <summary>
    /// The absolute URL from <see cref="ServerOptions.PublicBaseUrl"/> alone, for work done outside a request
    /// (announcing a feed from a background job); null when it is not set, as there is then no address to give.
    /// </summary>
    public string? TryAbsolute(string path) => Configured is { } baseUrl ? Combine(baseUrl, path) : null;
}
