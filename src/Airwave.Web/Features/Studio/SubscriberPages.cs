using Airwave.Catalog.Contracts;
using Airwave.Web.Pages.Studio;
using Microsoft.AspNetCore.Antiforgery;

namespace Airwave.Web.Features.Studio;

/// <summary>
/// <c>GET/POST /studio/podcasts/{id}/subscribers</c>: a show's private-feed (premium) subscribers: the list (name, email,
/// added, revoked, last fetch), a form to add one, and per subscriber "New URL" (rotate) and "Revoke", the latter through
/// a confirmation page (<c>GET …/subscribers/{subscriberId}/revoke</c>, <c>POST</c> to do it). Everything runs the
/// subscribers API's handlers through <see cref="IStudioSubscribers"/>. A private feed URL is a secret shown once, as
/// the API shows it: adding and rotating answer the page itself (200, not a redirect, and never stored or cached) with
/// the URL and a copy button. Owner only: another creator gets 404.
/// </summary>
internal static class SubscriberPages
{
    public static string SubscribersPath(Guid podcastId) => $"/studio/podcasts/{podcastId}/subscribers";

    public static string RevokePath(Guid podcastId, Guid subscriberId) => $"/studio/podcasts/{podcastId}/subscribers/{subscriberId}/revoke";

    public static string RotatePath(Guid podcastId, Guid subscriberId) => $"/studio/podcasts/{podcastId}/subscribers/{subscriberId}/rotate";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/studio/podcasts/{podcastId:guid}/subscribers", ListAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/studio/podcasts/{podcastId:guid}/subscribers", AddAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapPost("/studio/podcasts/{podcastId:guid}/subscribers/{subscriberId:guid}/rotate", RotateAsync).AllowAnonymous()
            .DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/studio/podcasts/{podcastId:guid}/subscribers/{subscriberId:guid}/revoke", ConfirmRevokeAsync).AllowAnonymous()
            .ExcludeFromDescription();
        app.MapPost("/studio/podcasts/{podcastId:guid}/subscribers/{subscriberId:guid}/revoke", RevokeAsync).AllowAnonymous()
            .DisableAntiforgery().ExcludeFromDescription();
    }

    private static async Task<IResult> ListAsync(Guid podcastId, string? done, HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        IStudioSubscribers subscribers, CancellationToken cancellationToken)
    {
        if (StudioAccess.Deny(http) is { } denied)
        {
            return denied;
        }

        var notice = done == "revoked" ? "The subscriber was revoked: their private feed URL no longer works." : null;
        return await PageAsync(http, antiforgery, editor, subscribers, podcastId, new SubscriberView(notice), StatusCodes.Status200OK, cancellationToken);
    }

    private static async Task<IResult> AddAsync(Guid podcastId, HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        IStudioSubscribers subscribers, CancellationToken cancellationToken)
    {
        if (await StudioAccess.DenyPostAsync(http, antiforgery) is { } denied)
        {
            return denied;
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var email = form.Text("email")?.Trim();
        var name = form.Text("name");
        var added = await subscribers.AddAsync(http.User, http.Request, podcastId, email, name, cancellationToken);
        if (added.Change.NotFound)
        {
            return StudioAccess.NotFound(http);
        }

        var view = added.Change.Succeeded
            ? new SubscriberView($"{added.Email} was added. Send them their private feed URL: it is shown only now.")
                { IssuedUrl = added.PrivateFeedUrl, IssuedTo = added.Email }
            : new SubscriberView(null) { Email = email, Name = name, Errors = added.Change.Errors, FormError = added.Change.Errors.Count == 0 ? added.Change.Problem : null };
        return await PageAsync(http, antiforgery, editor, subscribers, podcastId, view,
            added.Change.Succeeded ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest, cancellationToken);
    }

    private static async Task<IResult> RotateAsync(Guid podcastId, Guid subscriberId, HttpContext http, IAntiforgery antiforgery, IStudioEditor editor,
        IStudioSubscribers subscribers, CancellationToken cancellationToken)
    {
        if (await StudioAccess.DenyPostAsync(http, antiforgery) is { } denied)
        {
            return denied;
        }

        var rotated = await subscribers.RotateAsync(http.User, http.Request, podcastId, subscriberId, cancellationToken);
        if (rotated.Change.NotFound)
        {
            return StudioAccess.NotFound(http);
        }

        var view = rotated.Change.Succeeded
            ? new SubscriberView($"{rotated.Email} has a new private feed URL; the old one no longer works. It is shown only now.")
                { IssuedUrl = rotated.PrivateFeedUrl, IssuedTo = rotated.Email }
            : new SubscriberView(null) { FormError = rotated.Change.Problem };
        return await PageAsync(http, antiforgery, editor, subscribers, podcastId, view,
            rotated.Change.Succeeded ? StatusCodes.Status200OK : StatusCodes.Status409Conflict, cancellationToken);
    }

    private static async Task<IResult> ConfirmRevokeAsync(Guid podcastId, Guid subscriberId, HttpContext http, IAntiforgery antiforgery,
        IStudioEditor editor, IStudioSubscribers subscribers, CancellationToken cancellationToken)
    {
        if (StudioAccess.Deny(http) is { } denied)
        {
            return denied;
        }

        var podcast = await editor.FindOwnPodcastAsync(http.User, podcastId, cancellationToken);
        var list = podcast is null ? null : await subscribers.ListAsync(http.User, podcastId, cancellationToken);
        if (podcast is null || list?.FirstOrDefault(s => s.Id == subscriberId) is not { } subscriber)
        {
            return StudioAccess.NotFound(http);
        }

        var (meta, token) = Site.FormPage(http, antiforgery, $"Revoke {subscriber.Email}?", "Revoke a private-feed subscriber.",
            RevokePath(podcastId, subscriberId));
        return Site.Render<RevokeSubscriberPage>(http, new { Meta = meta, Token = token, Podcast = podcast, Subscriber = subscriber });
    }

    private static async Task<IResult> RevokeAsync(Guid podcastId, Guid subscriberId, HttpContext http, IAntiforgery antiforgery,
        IStudioSubscribers subscribers, CancellationToken cancellationToken)
    {
        if (await StudioAccess.DenyPostAsync(http, antiforgery) is { } denied)
        {
            return denied;
        }

        var change = await subscribers.RevokeAsync(http.User, podcastId, subscriberId, cancellationToken);
        return change.Succeeded ? StudioEndpoints.Redirect(http, SubscribersPath(podcastId) + "?done=revoked") : StudioAccess.NotFound(http);
    }

    private static async Task<IResult> PageAsync(HttpContext http, IAntiforgery antiforgery, IStudioEditor editor, IStudioSubscribers subscribers,
        Guid podcastId, SubscriberView view, int statusCode, CancellationToken cancellationToken)
    {
        var podcast = await editor.FindOwnPodcastAsync(http.User, podcastId, cancellationToken);
        var list = podcast is null ? null : await subscribers.ListAsync(http.User, podcastId, cancellationToken);
        if (podcast is null || list is null)
        {
            return StudioAccess.NotFound(http);
        }

        var (meta, token) = Site.FormPage(http, antiforgery, $"Subscribers of {podcast.Title}", "Premium subscribers and their private feeds, in the Airwave studio.",
            SubscribersPath(podcastId));
        return Site.Render<SubscribersPage>(http, new { Meta = meta, Token = token, Podcast = podcast, Subscribers = list, View = view }, statusCode);
    }
}

/// <summary>What the subscribers page shows besides the list: a notice, a URL just issued, or the add form's values and reasons.</summary>
public sealed record SubscriberView(string? Notice)
{
    public string? IssuedUrl { get; init; }
    public string? IssuedTo { get; init; }
    public string? Email { get; init; }
    public string? Name { get; init; }
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();
    public string? FormError { get; init; }
}
