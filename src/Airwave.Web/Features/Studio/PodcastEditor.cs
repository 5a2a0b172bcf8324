using Airwave.Catalog.Contracts;
using Airwave.Web.Pages.Studio;
using Microsoft.AspNetCore.Antiforgery;

namespace Airwave.Web.Features.Studio;

/// <summary>
/// The studio's podcast forms. <c>GET/POST /studio/podcasts/new</c> creates a show (a draft), <c>GET/POST
/// /studio/podcasts/{id}</c> edits one and offers the cover upload (the cover API, called from the page by
/// <c>studio.js</c>), <c>GET/POST /studio/podcasts/{id}/episodes/new</c> starts an episode and leads to its upload page.
/// Changes go through Catalog's <see cref="IStudioEditor"/>, which runs the API's own handlers, so the rules and field
/// names are the API's; errors are shown next to the field they concern with the values kept. Another creator's show
/// answers 404, as in the API.
/// </summary>
internal static class PodcastEditor
{
    public const string NewPodcastPath = "/studio/podcasts/new";

    public static string PodcastPath(Guid id) => $"/studio/podcasts/{id}";

    public static string NewEpisodePath(Guid podcastId) => $"/studio/podcasts/{podcastId}/episodes/new";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(NewPodcastPath, NewForm).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(NewPodcastPath, CreateAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/studio/podcasts/{podcastId:guid}", EditFormAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/studio/podcasts/{podcastId:guid}", UpdateAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapPost("/studio/podcasts/{podcastId:guid}/publish", PublishAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/studio/podcasts/{podcastId:guid}/episodes/new", NewEpisodeFormAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/studio/podcasts/{podcastId:guid}/episodes/new", CreateEpisodeAsync).AllowAnonymous().DisableAntiforgery()
            .ExcludeFromDescription();
    }

    private static IResult NewForm(HttpContext http, IAntiforgery antiforgery)
    {
        if (StudioAccess.Deny(http) is { } denied)
        {
            return denied;
        }

        var name = http.User.Identity?.Name;
        var form = new StudioPodcastForm(null, null, name, null, "en", null, null, false, "episodic", null);
        return FormPage(http, antiforgery, null, form, new Dictionary<string, string>(), null, StatusCodes.Status200OK);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        CancellationToken cancellationToken)
    {
        if (await StudioAccess.DenyPostAsync(http, antiforgery) is { } denied)
        {
            return denied;
        }

        var form = ReadForm(await http.Request.ReadFormAsync(cancellationToken));
        var change = await editor.CreatePodcastAsync(http.User, http.Request, form, cancellationToken);
        return change.Succeeded
            ? StudioEndpoints.Redirect(http, PodcastPath(change.Id!.Value) + "?saved=created")
            : FormPage(http, antiforgery, null, form, change.Errors, change.Problem, StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> EditFormAsync(Guid podcastId, string? saved, HttpContext http, IAntiforgery antiforgery,
        IStudioEditor editor, CancellationToken cancellationToken)
    {
        var own = await StudioAccess.OwnPodcastAsync(http, editor, podcastId, cancellationToken);
        if (own.Item is not { } podcast)
        {
            return own.Refusal;
        }

        var form = new StudioPodcastForm(podcast.Title, podcast.Description, podcast.Author, podcast.OwnerEmail, podcast.Language,
            podcast.Category, podcast.Subcategory, podcast.Explicit, podcast.Type, podcast.WebsiteUrl);
        var notice = saved switch
        {
            "created" => "Your podcast was created as a draft. Add a cover and a first episode.",
            "updated" => "Your changes were saved.",
            "published" => "Your podcast is public now.",
            "unpublished" => "Your podcast is a draft again: its page and feed are no longer public.",
            _ => null,
        };
        return FormPage(http, antiforgery, podcast, form, new Dictionary<string, string>(), null, StatusCodes.Status200OK, notice);
    }

    private static async Task<IResult> UpdateAsync(Guid podcastId, HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        CancellationToken cancellationToken)
    {
        var own = await StudioAccess.OwnPodcastForPostAsync(http, antiforgery, editor, podcastId, cancellationToken);
        if (own.Item is not { } podcast)
        {
            return own.Refusal;
        }

        var form = ReadForm(await http.Request.ReadFormAsync(cancellationToken));
        var change = await editor.UpdatePodcastAsync(http.User, http.Request, podcastId, form, cancellationToken);
        if (change.NotFound)
        {
            return StudioAccess.NotFound(http);
        }

        return change.Succeeded
            ? StudioEndpoints.Redirect(http, PodcastPath(podcastId) + "?saved=updated")
            : FormPage(http, antiforgery, podcast, form, change.Errors, change.Problem, StatusCodes.Status400BadRequest);
    }

    /// <summary><c>POST /studio/podcasts/{id}/publish</c> with <c>publish=true|false</c>: the show made public or back to draft.</summary>
    private static async Task<IResult> PublishAsync(Guid podcastId, HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        CancellationToken cancellationToken)
    {
        if (await StudioAccess.DenyPostAsync(http, antiforgery) is { } denied)
        {
            return denied;
        }

        var publish = (await http.Request.ReadFormAsync(cancellationToken))["publish"].ToString() != "false";
        var change = await editor.SetPodcastPublishedAsync(http.User, http.Request, podcastId, publish, cancellationToken);
        if (change.NotFound)
        {
            return StudioAccess.NotFound(http);
        }

        return change.Succeeded
            ? StudioEndpoints.Redirect(http, PodcastPath(podcastId) + (publish ? "?saved=published" : "?saved=unpublished"))
            : StudioEndpoints.Message(http, "Not changed", change.Problem ?? "The show could not be changed.", StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> NewEpisodeFormAsync(Guid podcastId, HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        CancellationToken cancellationToken)
    {
        var own = await StudioAccess.OwnPodcastAsync(http, editor, podcastId, cancellationToken);
        return own.Item is { } podcast
            ? EpisodeFormPage(http, antiforgery, podcast, new StudioEpisodeForm(null, null), new Dictionary<string, string>(), null,
                StatusCodes.Status200OK)
            : own.Refusal;
    }

    private static async Task<IResult> CreateEpisodeAsync(Guid podcastId, HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        CancellationToken cancellationToken)
    {
        var own = await StudioAccess.OwnPodcastForPostAsync(http, antiforgery, editor, podcastId, cancellationToken);
        if (own.Item is not { } podcast)
        {
            return own.Refusal;
        }

        var values = await http.Request.ReadFormAsync(cancellationToken);
        var form = new StudioEpisodeForm(values.Text("title"), values.Text("description"));
        var change = await editor.CreateEpisodeAsync(http.User, http.Request, podcastId, form, cancellationToken);
        if (change.NotFound)
        {
            return StudioAccess.NotFound(http);
        }

        return change.Succeeded
            ? StudioEndpoints.Redirect(http, EpisodeEditor.EpisodePath(change.Id!.Value))
            : EpisodeFormPage(http, antiforgery, podcast, form, change.Errors, change.Problem, StatusCodes.Status400BadRequest);
    }

    private static StudioPodcastForm ReadForm(IFormCollection form) =>
        new(form.Text("title"), form.Text("description"), form.Text("author"), form.Text("owner_email"), form.Text("language"),
            form.Text("category"), form.Text("subcategory"), form["explicit"].ToString() == "true", form.Text("type"), form.Text("website_url"));

    private static RazorComponentResult FormPage(HttpContext http, IAntiforgery antiforgery, StudioPodcastDetails? podcast,
        StudioPodcastForm form, IReadOnlyDictionary<string, string> errors, string? formError, int statusCode, string? notice = null)
    {
        var path = podcast is null ? NewPodcastPath : PodcastPath(podcast.Id);
        var title = podcast is null ? "New podcast" : $"Edit {podcast.Title}";
        var (meta, token) = Site.FormPage(http, antiforgery, title, "Create or edit a podcast in the Airwave studio.", path);
        return Site.Render<PodcastFormPage>(http, new
        {
            Meta = meta,
            Token = token,
            Action = path,
            Podcast = podcast,
            Form = form,
            Errors = errors,
            FormError = formError,
            Notice = notice,
        }, statusCode);
    }

    private static RazorComponentResult EpisodeFormPage(HttpContext http, IAntiforgery antiforgery, StudioPodcastDetails podcast,
        StudioEpisodeForm form, IReadOnlyDictionary<string, string> errors, string? formError, int statusCode)
    {
        var path = NewEpisodePath(podcast.Id);
        var (meta, token) = Site.FormPage(http, antiforgery, $"New episode of {podcast.Title}", "Start a new episode in the Airwave studio.", path);
        return Site.Render<NewEpisodePage>(http, new
        {
            Meta = meta,
            Token = token,
            Action = path,
            Podcast = podcast,
            Form = form,
            Errors = errors,
            FormError = formError,
        }, statusCode);
    }
}
