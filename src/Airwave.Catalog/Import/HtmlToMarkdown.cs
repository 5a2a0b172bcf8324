using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Airwave.Catalog.Import;

/// <summary>
/// Turns the HTML of imported show notes into the Markdown Airwave stores (see Text/ShowNotes): paragraphs, line
/// breaks, links (http, https and mailto only), bold, italics, lists, headings, quotes and code survive; scripts,
/// styles, images and every other tag leave only their text. Plain-text notes keep their paragraphs and line breaks.
/// Text is escaped so that nothing in it turns into Markdown it was not.
/// </summary>
internal static partial class HtmlToMarkdown
{
    private static readonly HtmlParser Parser = new();

    public static string Convert(string html)
    {
        if (string.IsNullOrWhiteSpace(html))
        {
            return "";
        }

        if (!LooksLikeHtml().IsMatch(html))
        {
            return PlainText(System.Net.WebUtility.HtmlDecode(html));
        }

        var document = Parser.ParseDocument($"<body>{html}</body>");
        var output = new StringBuilder();
        Blocks(document.Body!, output, listDepth: 0);
        return Tidy(output.ToString());
    }

    private static string PlainText(string text)
    {
        var paragraphs = BlankLines().Split(text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim())
            .Select(p => string.Join("\\\n", p.Split('\n').Select(line => Escape(line.Trim())).Where(line => line.Length > 0)));
        return string.Join("\n\n", paragraphs.Where(p => p.Length > 0));
    }

    /// <summary>Writes the children of <paramref name="parent"/>, each block element on its own paragraph.</summary>
    private static void Blocks(INode parent, StringBuilder output, int listDepth)
    {
        var inline = new StringBuilder();
        foreach (var node in parent.ChildNodes)
        {
            if (node is IElement element && IsBlock(element.LocalName))
            {
                Flush(inline, output);
                Block(element, output, listDepth);
            }
            else
            {
                Inline(node, inline);
            }
        }

        Flush(inline, output);
    }

    private static void Block(IElement element, StringBuilder output, int listDepth)
    {
        switch (element.LocalName)
        {
            case "ul" or "ol":
                var number = 1;
                foreach (var item in element.Children.Where(c => c.LocalName == "li"))
                {
                    var marker = element.LocalName == "ol" ? $"{number++}. " : "- ";
                    var text = new StringBuilder();
                    foreach (var child in item.ChildNodes.Where(c => c is not IElement { LocalName: "ul" or "ol" }))
                    {
                        Inline(child, text);
                    }

                    output.Append(new string(' ', listDepth * 2)).Append(marker).Append(Collapse(text.ToString())).Append('\n');
                    foreach (var nested in item.Children.Where(c => c.LocalName is "ul" or "ol"))
                    {
                        Block(nested, output, listDepth + 1);
                    }
                }

                if (listDepth == 0)
                {
                    output.Append('\n');
                }

                break;
            case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                var heading = new StringBuilder();
                Inline(element, heading);
                output.Append(new string('#', element.LocalName[1] - '0')).Append(' ').Append(Collapse(heading.ToString())).Append("\n\n");
                break;
            case "blockquote":
                var quote = new StringBuilder();
                Blocks(element, quote, 0);
                foreach (var line in quote.ToString().Trim().Split('\n'))
                {
                    output.Append("> ").Append(line).Append('\n');
                }

                output.Append('\n');
                break;
            case "pre":
                output.Append("```\n").Append(element.TextContent.Trim('\n').Replace("```", "` ` `", StringComparison.Ordinal)).Append("\n```\n\n");
                break;
            case "hr":
                output.Append("---\n\n");
                break;
            case "script" or "style" or "head" or "template":
                break;
            default:
                Blocks(element, output, listDepth);
                break;
        }
    }

    private static void Inline(INode node, StringBuilder output)
    {
        if (node is IText text)
        {
            output.Append(Escape(text.Data));
            return;
        }

        if (node is not IElement element)
        {
            return;
        }

        switch (element.LocalName)
        {
            case "br":
                output.Append("\\\n");
                break;
            case "strong" or "b":
                Wrap(element, "**", output);
                break;
            case "em" or "i":
                Wrap(element, "*", output);
                break;
            case "code":
                var code = element.TextContent.Replace("`", "'", StringComparison.Ordinal);
                if (code.Length > 0)
                {
                    output.Append('`').Append(code).Append('`');
                }

                break;
            case "a":
                var label = new StringBuilder();
                Children(element, label);
                var href = element.GetAttribute("href")?.Trim();
                var labelText = Collapse(label.ToString());
                if (href is not null && IsSafeLink(href))
                {
                    output.Append('[').Append(labelText.Length > 0 ? labelText : Escape(href)).Append("](<")
                        .Append(href.Replace("<", "%3C", StringComparison.Ordinal).Replace(">", "%3E", StringComparison.Ordinal)).Append(">)");
                }
                else
                {
                    output.Append(labelText);
                }

                break;
            case "script" or "style" or "img" or "iframe" or "template":
                break;
            default:
                Children(element, output);
                break;
        }
    }

    private static void Children(IElement element, StringBuilder output)
    {
        foreach (var child in element.ChildNodes)
        {
            Inline(child, output);
        }
    }

    private static void Wrap(IElement element, string marker, StringBuilder output)
    {
        var inner = new StringBuilder();
        Children(element, inner);
        var text = Collapse(inner.ToString());
        if (text.Length > 0)
        {
            output.Append(marker).Append(text).Append(marker);
        }
    }

    private static void Flush(StringBuilder inline, StringBuilder output)
    {
        var text = Collapse(inline.ToString());
        if (text.Length > 0)
        {
            output.Append(text).Append("\n\n");
        }

        inline.Clear();
    }

    private static bool IsBlock(string name) => name is "p" or "div" or "section" or "article" or "ul" or "ol" or "h1" or "h2" or "h3" or "h4"
        or "h5" or "h6" or "blockquote" or "pre" or "hr" or "table" or "tr" or "figure" or "header" or "footer" or "script" or "style";

    private static bool IsSafeLink(string href) =>
        Uri.TryCreate(href, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto";

    /// <summary>HTML whitespace rules: runs of spaces and newlines are one space; hard breaks stay.</summary>
    private static string Collapse(string text) =>
        string.Join("\\\n", text.Split("\\\n").Select(part => Spaces().Replace(part, " ").Trim()).SkipWhile(part => part.Length == 0)
            .Reverse().SkipWhile(part => part.Length == 0).Reverse());

    /// <summary>Backslash-escapes what Markdown would read as markup.</summary>
    private static string Escape(string text)
    {
        var escaped = MarkdownPunctuation().Replace(text, @"\$0");

        // Line starts that would begin a heading, list or rule ("# ", "- ", "+ ", "1. ").
        escaped = LineStartMarkup().Replace(escaped, @"$1\$2");
        return OrderedListStart().Replace(escaped, @"$1\$2");
    }

    private static string Tidy(string markdown) => TooManyBlankLines().Replace(markdown, "\n\n").Trim();

    [GeneratedRegex(@"<\s*(p|br|a|b|i|em|strong|div|ul|ol|li|span|h[1-6]|blockquote|img|code|pre)\b", RegexOptions.IgnoreCase)]
    private static partial Regex LooksLikeHtml();

    [GeneratedRegex(@"\n\s*\n")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"[ \t\r\n\f]+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"[\\`*_\[\]<>|~&]")]
    private static partial Regex MarkdownPunctuation();

    [GeneratedRegex(@"(^\s*|\n\s*)([#+=-])")]
    private static partial Regex LineStartMarkup();

    [GeneratedRegex(@"(^\s*\d+|\n\s*\d+)([.)])")]
    private static partial Regex OrderedListStart();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex TooManyBlankLines();
}
