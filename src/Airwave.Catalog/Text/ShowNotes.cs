using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Airwave.Catalog.Text;

/// <summary>
/// Descriptions and show notes are Markdown. Raw HTML is not passed through (it is shown as text), and links
/// are kept only for http, https and mailto, so rendered notes are safe to put in pages and feeds as they are.
/// </summary>
internal static class ShowNotes
{
    /// <summary>Apple's limit for a podcast description, in bytes of the rendered text.</summary>
    public const int MaxPodcastDescriptionBytes = 4000;

    /// <summary>Apple's limit for an episode description.</summary>
    public const int MaxEpisodeDescriptionBytes = 10000;

    /// <summary>The Markdown source may be longer than what it renders to, but not without bound.</summary>
    public const int MaxSourceBytes = 64 * 1024;

    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .DisableHtml()
        .Build();

    private static readonly string[] SafeSchemes = ["http", "https", "mailto"];

    public static string ToHtml(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafe(link.Url))
            {
                link.Url = "";
            }
        }

        foreach (var autolink in document.Descendants<AutolinkInline>())
        {
            if (!IsSafe(autolink.Url))
            {
                autolink.Url = "";
            }
        }

        return document.ToHtml(Pipeline).Trim();
    }

    /// <summary>
    /// The text a reader sees, without markup and on one line, for meta descriptions and structured data (which
    /// hold plain text; the page escapes it).
    /// </summary>
    public static string ToPlainText(string markdown) =>
        string.Join(' ', Markdown.ToPlainText(markdown, Pipeline).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Null when <paramref name="markdown"/> fits <paramref name="maxRenderedBytes"/>, otherwise the reason.</summary>
    public static string? Problem(string markdown, int maxRenderedBytes)
    {
        if (Encoding.UTF8.GetByteCount(markdown) > MaxSourceBytes)
        {
            return $"must be at most {MaxSourceBytes} bytes of Markdown";
        }

        var rendered = Encoding.UTF8.GetByteCount(ToHtml(markdown));
        return rendered > maxRenderedBytes
            ? $"renders to {rendered} bytes of HTML; the limit is {maxRenderedBytes} bytes"
            : null;
    }

    private static bool IsSafe(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return true;
        }

        var colon = url.IndexOf(':', StringComparison.Ordinal);
        var slash = url.IndexOfAny(['/', '?', '#']);
        // No scheme at all (a relative link or a fragment) is harmless.
        if (colon < 0 || (slash >= 0 && slash < colon))
        {
            return true;
        }

        return SafeSchemes.Contains(url[..colon].Trim().ToLowerInvariant());
    }
}
