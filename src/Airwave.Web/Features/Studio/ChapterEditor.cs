using System.Globalization;
using Airwave.Catalog.Contracts;
using Airwave.Web.Pages.Studio;
using Microsoft.AspNetCore.Antiforgery;

namespace Airwave.Web.Features.Studio;

/// <summary>A chapters editor row as typed: the start as text (h:mm:ss or seconds), so a refused value is shown again as it was.</summary>
public sealed record ChapterRow(string Start, string Title, string Url, string Img);

/// <summary>
/// <c>GET/POST /studio/episodes/{id}/chapters</c>: the chapters editor, a table of rows (start time, title, optional link
/// and image) that works without JavaScript: the form posts every row, "Add a row" and "Remove" are submit buttons that
/// come back with one row more or less (nothing saved), "Save chapters" saves through the API's PATCH handler
/// (<see cref="IStudioEditor.SetEpisodeChaptersAsync"/>), so the rules are the API's and each reason is shown beside its
/// row. Rows left entirely empty are ignored; saving no rows goes back to the chapters of the audio file, if it has any.
/// The form carries the episode's version, as the details form does. Another creator's episode is 404.
/// </summary>
internal static class ChapterEditor
{
    /// <summary>Rows the page offers at most (the API takes up to 500 chapters).</summary>
    public const int MaxRows = 500;

    public static string ChaptersPath(Guid episodeId) => $"/studio/episodes/{episodeId}/chapters";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/studio/episodes/{episodeId:guid}/chapters", PageAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/studio/episodes/{episodeId:guid}/chapters", SaveAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
    }

    private static async Task<IResult> PageAsync(Guid episodeId, HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        CancellationToken cancellationToken)
    {
        var own = await StudioAccess.OwnEpisodeAsync(http, editor, episodeId, cancellationToken);
        if (own.Item is not { } episode)
        {
            return own.Refusal;
        }

        var rows = episode.Chapters
            .Select(c => new ChapterRow(ChapterTimes.Format(c.StartSeconds ?? 0), c.Title ?? "", c.Url ?? "", c.Img ?? ""))
            .Append(new ChapterRow("", "", "", ""))
            .ToList();
        return Page(http, antiforgery, episode, rows, episode.Version, new Dictionary<string, string>(), null, StatusCodes.Status200OK);
    }

    private static async Task<IResult> SaveAsync(Guid episodeId, HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        CancellationToken cancellationToken)
    {
        var own = await StudioAccess.OwnEpisodeForPostAsync(http, antiforgery, editor, episodeId, cancellationToken);
        if (own.Item is not { } episode)
        {
            return own.Refusal;
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var rows = ReadRows(form);
        var version = form.Text("version");
        var action = form["action"].ToString();
        var noErrors = new Dictionary<string, string>();
        if (action == "add")
        {
            rows.Add(new ChapterRow("", "", "", ""));
            return Page(http, antiforgery, episode, rows, version, noErrors, null, StatusCodes.Status200OK);
        }

        if (action.StartsWith("remove-", StringComparison.Ordinal)
            && int.TryParse(action["remove-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var removed) && removed < rows.Count)
        {
            rows.RemoveAt(removed);
            return Page(http, antiforgery, episode, rows, version, noErrors, null, StatusCodes.Status200OK);
        }

        // A start that is not a time goes to the API as none, which it always refuses (so nothing is saved), and the
        // API's reasons for the other rows come back too; the page then gives that row the reason about the typing.
        var (chapters, positions, timeErrors) = ToChapters(rows);
        var change = await editor.SetEpisodeChaptersAsync(http.User, http.Request, episodeId, chapters, version, cancellationToken);
        if (change.NotFound)
        {
            return StudioAccess.NotFound(http);
        }

        if (change.Succeeded)
        {
            return StudioEndpoints.Redirect(http, EpisodeEditor.EpisodePath(episodeId) + "?saved=chapters");
        }

        // The API numbers the rows it was sent; the page numbers every row, the empty ones it left out included.
        var shown = change.Errors.ToDictionary(e => RowField(e.Key, positions), e => e.Value, StringComparer.Ordinal);
        foreach (var (field, reason) in timeErrors)
        {
            shown[field] = reason;
        }

        return Page(http, antiforgery, episode, rows, change.Conflict ? episode.Version : version, shown, change.Problem,
            change.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest);
    }

    /// <summary>The posted rows, in order: <c>chapters[i].start_time</c>, <c>.title</c>, <c>.url</c>, <c>.img</c> for i below <c>rows</c>.</summary>
    internal static List<ChapterRow> ReadRows(IFormCollection form)
    {
        var count = int.TryParse(form["rows"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Min(n, MaxRows) : 0;
        var rows = new List<ChapterRow>(count);
        for (var i = 0; i < count; i++)
        {
            var prefix = $"chapters[{i.ToString(CultureInfo.InvariantCulture)}].";
            rows.Add(new ChapterRow(form[prefix + "start_time"].ToString(), form[prefix + "title"].ToString(), form[prefix + "url"].ToString(),
                form[prefix + "img"].ToString()));
        }

        return rows;
    }

    /// <summary>
    /// The rows as chapters for the API, without the empty ones; where each came from on the page; and the start times
    /// that are not times, by the page's row (the API's field name).
    /// </summary>
    internal static (List<StudioChapter> Chapters, List<int> Positions, Dictionary<string, string> Errors) ToChapters(IReadOnlyList<ChapterRow> rows)
    {
        var chapters = new List<StudioChapter>();
        var positions = new List<int>();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (string.IsNullOrWhiteSpace(row.Start) && string.IsNullOrWhiteSpace(row.Title) && string.IsNullOrWhiteSpace(row.Url)
                && string.IsNullOrWhiteSpace(row.Img))
            {
                continue;
            }

            var start = ChapterTimes.Parse(row.Start);
            if (start is null && !string.IsNullOrWhiteSpace(row.Start))
            {
                errors[$"chapters[{i.ToString(CultureInfo.InvariantCulture)}].start_time"] = ChapterTimes.Rule;
            }

            chapters.Add(new StudioChapter(start, Blank(row.Title), Blank(row.Url), Blank(row.Img)));
            positions.Add(i);
        }

        return (chapters, positions, errors);
    }

    /// <summary><c>chapters[2].title</c> from the API, for the page's row the third chapter sent came from.</summary>
    internal static string RowField(string field, IReadOnlyList<int> positions)
    {
        var close = field.IndexOf(']', StringComparison.Ordinal);
        if (!field.StartsWith("chapters[", StringComparison.Ordinal) || close <= 9
            || !int.TryParse(field.AsSpan(9, close - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var sent) || sent >= positions.Count)
        {
            return field;
        }

        return $"chapters[{positions[sent].ToString(CultureInfo.InvariantCulture)}]{field[(close + 1)..]}";
    }

    private static string? Blank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static RazorComponentResult Page(HttpContext http, IAntiforgery antiforgery, StudioEpisodeDetails episode, IReadOnlyList<ChapterRow> rows,
        string? version, IReadOnlyDictionary<string, string> errors, string? formError, int statusCode)
    {
        var (meta, token) = Site.FormPage(http, antiforgery, $"Chapters of {episode.Title}", "Edit an episode's chapters in the Airwave studio.",
            ChaptersPath(episode.Id));
        return Site.Render<ChaptersEditor>(http, new
        {
            Meta = meta,
            Episode = episode,
            Token = token,
            Rows = rows,
            Version = version ?? "",
            Errors = errors,
            FormError = formError,
        }, statusCode);
    }
}
