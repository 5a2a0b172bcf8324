namespace Airwave.Core.Text;

/// <summary>Links that people enter (website, funding, …): absolute http or https only.</summary>
public static class WebUrl
{
    public const int MaxLength = 2048;

    public static string? Problem(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        return url.Length > MaxLength ? $"must be at most {MaxLength} characters"
            : Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? null
                : "must be an absolute http:// or https:// URL";
    }
}
