using Airwave.Catalog.Contracts;
using Airwave.Core.Identity;
using Microsoft.AspNetCore.Antiforgery;

namespace Airwave.Web.Features.Studio;

/// <summary>
/// The checks every studio editing page makes before anything else: a signed-in creator (else the sign-in page, or
/// 403 for a listener account), on a post a valid antiforgery token (else 400 and nothing changes), and for a page about
/// one episode or show, that it is the creator's own (else 404, as the API answers: another creator's show is not
/// revealed to exist). One place, so every page refuses in the same order and with the same answers.
/// </summary>
internal static class StudioAccess
{
    /// <summary>The answer to give instead of the page, or null when a creator (or admin) is signed in.</summary>
    public static IResult? Deny(HttpContext http)
    {
        var user = http.User;
        if (user.UserId() is null)
        {
            return StudioEndpoints.Redirect(http, StudioEndpoints.SignInPath);
        }

        return user.HasRole(Roles.Creator) || user.IsAdmin()
            ? null
            : StudioEndpoints.Message(http, "The studio is for creators",
                "You are signed in with a listener account. The studio is where creators publish their shows.", StatusCodes.Status403Forbidden);
    }

    /// <summary>Like <see cref="Deny"/>, and the form's antiforgery token checked too (CSRF protection beside SameSite).</summary>
    public static async Task<IResult?> DenyPostAsync(HttpContext http, IAntiforgery antiforgery) =>
        Deny(http) ?? await DenyFormAsync(http, antiforgery);

    /// <summary>
    /// The 400 page for a post without a form or with an expired or foreign antiforgery token, or null when the form is
    /// good. Only the token: the caller has checked who is signed in (the account pages take any role).
    /// </summary>
    public static async Task<IResult?> DenyFormAsync(HttpContext http, IAntiforgery antiforgery) =>
        http.Request.HasFormContentType && await antiforgery.IsRequestValidAsync(http)
            ? null
            : StudioEndpoints.Message(http, "Nothing was changed",
                "The form had expired or did not come from this site. Go back, reload the page and try again.", StatusCodes.Status400BadRequest);

    /// <summary>A page showing the signed-in creator's own episode (<see cref="Deny"/>, then 404 when it is not theirs).</summary>
    public static Task<Owned<StudioEpisodeDetails>> OwnEpisodeAsync(HttpContext http, IStudioEditor editor, Guid episodeId,
        CancellationToken cancellationToken) =>
        OwnAsync(http, Deny(http), () => editor.FindOwnEpisodeAsync(http.User, episodeId, cancellationToken));

    /// <summary>A post about the signed-in creator's own episode (<see cref="DenyPostAsync"/>, then 404 when it is not theirs).</summary>
    public static async Task<Owned<StudioEpisodeDetails>> OwnEpisodeForPostAsync(HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        Guid episodeId, CancellationToken cancellationToken) =>
        await OwnAsync(http, await DenyPostAsync(http, antiforgery), () => editor.FindOwnEpisodeAsync(http.User, episodeId, cancellationToken));

    /// <summary>A page showing the signed-in creator's own show (<see cref="Deny"/>, then 404 when it is not theirs).</summary>
    public static Task<Owned<StudioPodcastDetails>> OwnPodcastAsync(HttpContext http, IStudioEditor editor, Guid podcastId,
        CancellationToken cancellationToken) =>
        OwnAsync(http, Deny(http), () => editor.FindOwnPodcastAsync(http.User, podcastId, cancellationToken));

    /// <summary>A post about the signed-in creator's own show (<see cref="DenyPostAsync"/>, then 404 when it is not theirs).</summary>
    public static async Task<Owned<StudioPodcastDetails>> OwnPodcastForPostAsync(HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        Guid podcastId, CancellationToken cancellationToken) =>
        await OwnAsync(http, await DenyPostAsync(http, antiforgery), () => editor.FindOwnPodcastAsync(http.User, podcastId, cancellationToken));

    /// <summary>The 404 page for what the creator may not see, never stored by a cache (a studio answer, like the pages).</summary>
    public static RazorComponentResult NotFound(HttpContext http)
    {
        StudioEndpoints.NoStore(http);
        return Site.NotFound(http);
    }

    /// <summary>A form field's text, or null when it was left empty.</summary>
    public static string? Text(this IFormCollection form, string name) =>
        form[name].ToString() is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>The refusal when there is one (the look-up is then never made), else what the look-up finds, or 404.</summary>
    private static async Task<Owned<T>> OwnAsync<T>(HttpContext http, IResult? denied, Func<Task<T?>> find)
        where T : class
    {
        if (denied is not null)
        {
            return Owned<T>.Refused(denied);
        }

        return await find() is { } item ? Owned<T>.Of(item) : Owned<T>.Refused(NotFound(http));
    }
}

/// <summary>
/// What <see cref="StudioAccess"/> found for a page: the creator's own episode or show in <see cref="Item"/>, or, when
/// that is null, the answer to give instead in <see cref="Refusal"/> (sign-in, 403, 400 or 404).
/// </summary>
internal sealed class Owned<T> where T : class
{
    private readonly IResult? refusal;

    private Owned(T? item, IResult? refusal)
    {
        Item = item;
        this.refusal = refusal;
    }

    /// <summary>The creator's own episode or show, or null when the page is refused.</summary>
    public T? Item { get; }

    /// <summary>The answer instead of the page; only when <see cref="Item"/> is null.</summary>
    public IResult Refusal => refusal ?? throw new InvalidOperationException("The page was not refused: use the item.");

    public static Owned<T> Of(T item) => new(item, null);

    public static Owned<T> Refused(IResult refusal) => new(null, refusal);
}
