namespace Airwave.Notifications.Sending;

/// <summary>A ping URL with a <c>{feedUrl}</c> placeholder, such as Podcast Index's pubnotify.</summary>
internal static class PingTemplate
{
    public const string Placeholder = "{feedUrl}";

    /// <summary>
    /// The template with every placeholder replaced by the escaped feed URL, so a feed URL's own <c>?</c>, <c>&amp;</c> and
    /// <c>#</c> stay inside the one query value instead of changing the request.
    /// </summary>
    public static string Expand(string template, string feedUrl) =>
        template.Replace(Placeholder, Uri.EscapeDataString(feedUrl), StringComparison.Ordinal);

    /// <summary>Null when <paramref name="template"/> is usable, otherwise why not (completing "Notifications:PingUrls:N is …").</summary>
    public static string? Problem(string? template) =>
        string.IsNullOrWhiteSpace(template) ? "is empty"
        : !template.Contains(Placeholder, StringComparison.Ordinal) ? $"must contain {Placeholder} where the feed URL goes"
        : NotificationOptions.TargetProblem(Expand(template, "https://podcasts.example.com/rss/1"));
}
