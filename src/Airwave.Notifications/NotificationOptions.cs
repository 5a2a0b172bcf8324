using Airwave.Notifications.Sending;

namespace Airwave.Notifications;

/// <summary>
/// Whom to tell when an episode goes live; bound from the <c>Notifications</c> configuration section. Both lists are
/// empty by default: a self-hosted server may be private, so announcing it to the world is the operator's choice.
/// </summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>Upper bound on <see cref="RetryDelay"/> growth, and on a server's Retry-After.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    /// <summary>WebSub hubs (absolute http(s) URLs): each gets a publish request and appears in every feed as <c>atom:link rel="hub"</c>.</summary>
    public string[] WebSubHubs { get; set; } = [];

    /// <summary>
    /// URLs fetched (GET) when an episode goes live, each containing <c>{feedUrl}</c>, which is replaced by the
    /// URL-escaped feed URL; e.g. Podcast Index: <c>https://api.podcastindex.org/api/1.0/hub/pubnotify?url={feedUrl}</c>.
    /// </summary>
    public string[] PingUrls { get; set; } = [];

    /// <summary>Sends per target before its receipt is failed (a retry from the API starts a new series).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How long one request may take, connecting included, before the attempt counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The wait after the first failed attempt; it doubles after each further one, up to an hour.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    internal IEnumerable<string> Validate()
    {
        for (var i = 0; i < WebSubHubs.Length; i++)
        {
            if (TargetProblem(WebSubHubs[i]) is { } problem)
            {
                yield return $"Notifications:WebSubHubs:{i} ('{WebSubHubs[i]}') {problem}.";
            }
            else if (WebSubHubs[i].Contains(PingTemplate.Placeholder, StringComparison.Ordinal))
            {
                yield return $"Notifications:WebSubHubs:{i} contains {PingTemplate.Placeholder}: a hub gets the feed URL in the request body; " +
                    "URL templates belong in Notifications:PingUrls.";
            }
        }

        for (var i = 0; i < PingUrls.Length; i++)
        {
            if (PingTemplate.Problem(PingUrls[i]) is { } problem)
            {
                yield return $"Notifications:PingUrls:{i} ('{PingUrls[i]}') {problem}.";
            }
        }

        if (WebSubHubs.Distinct(StringComparer.Ordinal).Count() != WebSubHubs.Length || PingUrls.Distinct(StringComparer.Ordinal).Count() != PingUrls.Length)
        {
            yield return "Notifications:WebSubHubs and Notifications:PingUrls must not list the same URL twice.";
        }

        if (MaxAttempts is < 1 or > 50)
        {
            yield return $"Notifications:MaxAttempts is {MaxAttempts}; it must be between 1 and 50.";
        }

        if (RequestTimeout < TimeSpan.FromSeconds(1) || RequestTimeout > TimeSpan.FromMinutes(5))
        {
            yield return $"Notifications:RequestTimeout is {RequestTimeout}; it must be between 00:00:01 and 00:05:00.";
        }

        if (RetryDelay < TimeSpan.Zero || RetryDelay > MaxRetryDelay)
        {
            yield return $"Notifications:RetryDelay is {RetryDelay}; it must be between 00:00:00 and 01:00:00.";
        }
    }

    /// <summary>
    /// Null when <paramref name="url"/> is an absolute http(s) URL without credentials. Targets appear in the receipts
    /// creators read, so they must not carry secrets.
    /// </summary>
    internal static string? TargetProblem(string? url) =>
        string.IsNullOrWhiteSpace(url) ? "is empty"
        : !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            ? "must be an absolute http:// or https:// URL"
        : uri.UserInfo.Length > 0 ? "must not contain a user name or password (creators see target URLs in their publish receipts)"
        : null;
}
