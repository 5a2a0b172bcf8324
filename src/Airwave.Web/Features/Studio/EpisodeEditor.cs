using Airwave.Catalog.Contracts;
using Airwave.Web.Pages.Studio;
using Microsoft.AspNetCore.Antiforgery;

namespace Airwave.Web.Features.Studio;

/// <summary>
/// <c>GET /studio/episodes/{id}</c>: an episode's metadata form, audio upload, live processing status, loudness report and
/// publishing. <c>POST /studio/episodes/{id}</c> saves the metadata (title, show notes, season, number, type, explicit,
/// transcript link) through Catalog's <see cref="IStudioEditor"/>, which runs the API's PATCH handler, so the rules and
/// reasons are the API's; a "Preview" button renders the show notes as the public page will, without saving. The form
/// carries the episode's version: a save over a change made meanwhile (another tab, the API) is refused with 409 and
/// the typed values kept, instead of silently undoing that change. The page's scripts talk to the API with the session
/// cookie: the tus endpoints (create, PATCH chunks, HEAD to resume), the processing events stream, the publish endpoint
/// and the episode cover. The API asks for no antiforgery header on cookie sessions: the SameSite=Strict session cookie
/// is never sent cross-site, and those requests need headers and content types a cross-site form cannot send. Another
/// creator's episode is 404.
/// </summary>
internal static class EpisodeEditor
{
    public static string EpisodePath(Guid id) => $"/studio/episodes/{id}";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/studio/episodes/{episodeId:guid}", PageAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/studio/episodes/{episodeId:guid}", UpdateAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
    }

    private static async Task<IResult> PageAsync(Guid episodeId, string? saved, HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        CancellationToken cancellationToken)
    {
        var own = await StudioAccess.OwnEpisodeAsync(http, editor, episodeId, cancellationToken);
        if (own.Item is not { } episode)
        {
            return own.Refusal;
        }

        var notice = saved switch
        {
            "updated" => "Your changes were saved.",
            "chapters" => "The chapters were saved.",
            _ => null,
        };
        return Page(http, antiforgery, episode, FormOf(episode), new Dictionary<string, string>(), null, notice, null, StatusCodes.Status200OK);
    }

    private static async Task<IResult> UpdateAsync(Guid episodeId, HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        CancellationToken cancellationToken)
    {
        var own = await StudioAccess.OwnEpisodeForPostAsync(http, antiforgery, editor, episodeId, cancellationToken);
        if (own.Item is not { } episode)
        {
            return own.Refusal;
        }

        var posted = await http.Request.ReadFormAsync(cancellationToken);
        var (form, formErrors) = ReadForm(posted);
        if (posted["action"].ToString() == "preview")
        {
            // Nothing is saved: the same page with the typed values and the notes as they would be published.
            return Page(http, antiforgery, episode, form, formErrors, null, null, editor.RenderShowNotes(form.Description),
                StatusCodes.Status200OK);
        }

        var change = await editor.UpdateEpisodeAsync(http.User, http.Request, episodeId, form, formErrors, cancellationToken);
        if (change.NotFound)
        {
            return StudioAccess.NotFound(http);
        }

        if (change.Succeeded)
        {
            return StudioEndpoints.Redirect(http, EpisodePath(episodeId) + "?saved=updated");
        }

        // After a conflict the form takes the current version: saving again is a deliberate choice to replace.
        var current = change.Conflict ? form with { Version = episode.Version } : form;
        return Page(http, antiforgery, episode, current, change.Errors, change.Problem, null, null,
            change.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest);
    }

    /// <summary>The posted metadata, and the reasons for numbers that are not whole numbers (the API's field names).</summary>
    internal static (StudioEpisodeMetadataForm Form, IReadOnlyDictionary<string, string> Errors) ReadForm(IFormCollection form)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var season = form.Text("season_number")?.Trim();
        var number = form.Text("episode_number")?.Trim();
        foreach (var (field, value) in new[] { ("season_number", season), ("episode_number", number) })
        {
            if (value is not null && !int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                errors[field] = "must be a whole number of 1 or more";
            }
        }

        return (new StudioEpisodeMetadataForm(form.Text("title"), form["description"].ToString(), season, number, form.Text("episode_type"),
            form["explicit"].ToString() == "true", form.Text("transcript_url")?.Trim(), form.Text("transcript_type"), form.Text("version")), errors);
    }

    private static StudioEpisodeMetadataForm FormOf(StudioEpisodeDetails episode) => new(episode.Title, episode.Description,
        episode.SeasonNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        episode.EpisodeNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture), episode.EpisodeType, episode.Explicit,
        episode.TranscriptUrl, episode.TranscriptType, episode.Version);

    private static RazorComponentResult Page(HttpContext http, IAntiforgery antiforgery, StudioEpisodeDetails episode, StudioEpisodeMetadataForm form,
        IReadOnlyDictionary<string, string> errors, string? formError, string? notice, string? preview, int statusCode)
    {
        var (meta, token) = Site.FormPage(http, antiforgery, episode.Title, "Edit, upload, check and publish an episode in the Airwave studio.",
            EpisodePath(episode.Id));
        return Site.Render<EpisodeEditPage>(http, new
        {
            Meta = meta,
            Episode = episode,
            Token = token,
            Form = form,
            Errors = errors,
            FormError = formError,
            Notice = notice,
            PreviewHtml = preview ?? episode.DescriptionHtml,
        }, statusCode);
    }
}
