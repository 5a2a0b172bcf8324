using Airwave.Accounts.Contracts;
using Airwave.Catalog.Contracts;
using Airwave.Core.Identity;
using Airwave.Web.Features.Studio;
using Airwave.Web.Pages;
using Airwave.Web.Pages.Admin;
using Airwave.Web.Seo;
using Microsoft.AspNetCore.Antiforgery;

namespace Airwave.Web.Features.Admin;

/// <summary>
/// The admin pages (admins only; ADR 0018), over the same rules as the admin API through Accounts' and Catalog's
/// contracts: <c>GET /admin/users</c> lists accounts with a search; <c>POST /admin/users/{id}/disable|enable</c> with a
/// reason; <c>GET /admin/takedowns</c> shows the takedown and restore forms and the record;
/// <c>POST /admin/takedowns</c> and <c>/admin/restores</c> act on an episode or a podcast. Every form carries an
/// antiforgery token checked before anything else; errors are shown next to the field they concern. Signed-out people
/// are sent to sign in; other accounts get 403.
/// </summary>
internal static class AdminPages
{
    public const string UsersPath = "/admin/users";
    public const string TakedownsPath = "/admin/takedowns";
    public const int MaxUsers = 100;
    public const int MaxRecords = 100;
    private const string ExpiredForm = "The form had expired or did not come from this site. Please try again.";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(UsersPath, UsersAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(UsersPath + "/{userId:guid}/disable", (Guid userId, HttpContext http, IAntiforgery antiforgery, IUserAdministration users,
            CancellationToken ct) => ChangeUserAsync(http, antiforgery, users, userId, disable: true, ct)).AllowAnonymous().DisableAntiforgery()
            .ExcludeFromDescription();
        app.MapPost(UsersPath + "/{userId:guid}/enable", (Guid userId, HttpContext http, IAntiforgery antiforgery, IUserAdministration users,
            CancellationToken ct) => ChangeUserAsync(http, antiforgery, users, userId, disable: false, ct)).AllowAnonymous().DisableAntiforgery()
            .ExcludeFromDescription();
        app.MapGet(TakedownsPath, TakedownsAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(TakedownsPath, (HttpContext http, IAntiforgery antiforgery, IContentModeration moderation, ITakedownRecords records,
            CancellationToken ct) => ModerateAsync(http, antiforgery, moderation, records, restore: false, ct)).AllowAnonymous().DisableAntiforgery()
            .ExcludeFromDescription();
        app.MapPost("/admin/restores", (HttpContext http, IAntiforgery antiforgery, IContentModeration moderation, ITakedownRecords records,
            CancellationToken ct) => ModerateAsync(http, antiforgery, moderation, records, restore: true, ct)).AllowAnonymous().DisableAntiforgery()
            .ExcludeFromDescription();
    }

    /// <summary>Null when the caller is an admin; otherwise the answer (sign in first, or 403).</summary>
    private static IResult? Refusal(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        if (http.User.UserId() is null)
        {
            http.Response.Headers.Location = StudioEndpoints.SignInPath;
            return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
        }

        return http.User.IsAdmin() ? null : Message(http, "Admins only", "These pages are for the server's administrators.", StatusCodes.Status403Forbidden);
    }

    private static async Task<IResult> UsersAsync(string? q, HttpContext http, IAntiforgery antiforgery, IUserAdministration users,
        CancellationToken cancellationToken)
    {
        if (Refusal(http) is { } refusal)
        {
            return refusal;
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (q?.Length > 200)
        {
            errors["q"] = "must be at most 200 characters";
            q = null;
        }

        return await UsersPageAsync(http, antiforgery, users, q, errors, null, null,
            errors.Count > 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK, cancellationToken);
    }

    private static async Task<IResult> ChangeUserAsync(HttpContext http, IAntiforgery antiforgery, IUserAdministration users, Guid userId,
        bool disable, CancellationToken cancellationToken)
    {
        if (Refusal(http) is { } refusal)
        {
            return refusal;
        }

        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return await UsersPageAsync(http, antiforgery, users, null, new Dictionary<string, string>(), null, ExpiredForm,
                StatusCodes.Status400BadRequest, cancellationToken);
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var q = form["q"].ToString();
        var reason = form["reason"].ToString();
        var actor = http.User.UserId()!.Value;
        var result = disable
            ? await users.DisableAsync(actor, userId, reason, cancellationToken)
            : await users.EnableAsync(actor, userId, reason, cancellationToken);
        return result.Outcome switch
        {
            UserChangeOutcome.Done => Redirect(http, UsersPath + (string.IsNullOrEmpty(q) ? "" : "?q=" + Uri.EscapeDataString(q))),
            UserChangeOutcome.NotFound => Site.NotFound(http),
            UserChangeOutcome.Invalid => await UsersPageAsync(http, antiforgery, users, q, result.Errors, userId, null,
                StatusCodes.Status400BadRequest, cancellationToken),
            _ => await UsersPageAsync(http, antiforgery, users, q, new Dictionary<string, string> { ["reason"] = result.Problem! }, userId, null,
                StatusCodes.Status409Conflict, cancellationToken),
        };
    }

    private static async Task<IResult> UsersPageAsync(HttpContext http, IAntiforgery antiforgery, IUserAdministration users, string? q,
        IReadOnlyDictionary<string, string> errors, Guid? errorUser, string? formError, int statusCode, CancellationToken cancellationToken)
    {
        var list = await users.SearchAsync(q, MaxUsers, cancellationToken);
        var (meta, token) = Site.FormPage(http, antiforgery, "Users", "The accounts on this server.", UsersPath);
        return Site.Render<AdminUsersPage>(http, new
        {
            Meta = meta,
            Token = token,
            Query = q,
            Users = list,
            Errors = errors,
            ErrorUser = errorUser,
            FormError = formError,
            Self = http.User.UserId()!.Value,
        }, statusCode);
    }

    private static async Task<IResult> TakedownsAsync(HttpContext http, IAntiforgery antiforgery, ITakedownRecords records,
        CancellationToken cancellationToken) =>
        Refusal(http) ?? await TakedownsPageAsync(http, antiforgery, records, new TakedownForm(), null, null, StatusCodes.Status200OK, cancellationToken);

    private static async Task<IResult> ModerateAsync(HttpContext http, IAntiforgery antiforgery, IContentModeration moderation,
        ITakedownRecords records, bool restore, CancellationToken cancellationToken)
    {
        if (Refusal(http) is { } refusal)
        {
            return refusal;
        }

        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return await TakedownsPageAsync(http, antiforgery, records, new TakedownForm(), null, ExpiredForm, StatusCodes.Status400BadRequest,
                cancellationToken);
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var input = new TakedownForm
        {
            Restore = restore,
            SubjectKind = form["subject_kind"].ToString(),
            SubjectId = form["subject_id"].ToString().Trim(),
            Kind = form["kind"].ToString(),
            Reason = form["reason"].ToString(),
        };
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (input.SubjectKind is not ("episode" or "podcast"))
        {
            errors["subject_kind"] = "must be episode or podcast";
        }

        if (!Guid.TryParse(input.SubjectId, out var subjectId))
        {
            errors["subject_id"] = input.SubjectId.Length == 0 ? "is required: the id of the episode or podcast"
                : $"'{input.SubjectId}' is not an id (a UUID such as 0190a3e4-…)";
        }

        if (errors.Count > 0)
        {
            return await TakedownsPageAsync(http, antiforgery, records, input with { Errors = errors }, null, null, StatusCodes.Status400BadRequest,
                cancellationToken);
        }

        var actor = http.User.UserId()!.Value;
        var result = restore
            ? await moderation.RestoreAsync(input.SubjectKind, subjectId, input.Reason, actor, cancellationToken)
            : await moderation.TakeDownAsync(input.SubjectKind, subjectId, string.IsNullOrEmpty(input.Kind) ? null : input.Kind, input.Reason, actor,
                cancellationToken);
        switch (result.Outcome)
        {
            case ModerationOutcome.Done:
                return Redirect(http, TakedownsPath);
            case ModerationOutcome.Invalid:
                foreach (var (field, reasons) in result.Errors)
                {
                    errors[field] = string.Join(" ", reasons);
                }

                return await TakedownsPageAsync(http, antiforgery, records, input with { Errors = errors }, null, null,
                    StatusCodes.Status400BadRequest, cancellationToken);
            case ModerationOutcome.NotFound:
                errors["subject_id"] = $"no {input.SubjectKind} has this id";
                return await TakedownsPageAsync(http, antiforgery, records, input with { Errors = errors }, null, null,
                    StatusCodes.Status404NotFound, cancellationToken);
            default:
                return await TakedownsPageAsync(http, antiforgery, records, input, result.Problem, null, StatusCodes.Status409Conflict,
                    cancellationToken);
        }
    }

    private static async Task<IResult> TakedownsPageAsync(HttpContext http, IAntiforgery antiforgery, ITakedownRecords records, TakedownForm input,
        string? conflict, string? formError, int statusCode, CancellationToken cancellationToken)
    {
        var (meta, token) = Site.FormPage(http, antiforgery, "Takedowns", "Take episodes and podcasts down, restore them, and the record.",
            TakedownsPath);
        return Site.Render<AdminTakedownsPage>(http, new
        {
            Meta = meta,
            Token = token,
            Input = input,
            Conflict = conflict,
            FormError = formError,
            Records = await records.LatestAsync(MaxRecords, cancellationToken),
        }, statusCode);
    }

    private static StatusCodeHttpResult Redirect(HttpContext http, string path)
    {
        http.Response.Headers.Location = path;
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static RazorComponentResult Message(HttpContext http, string heading, string message, int statusCode) =>
        Site.Render<NotFoundPage>(http, new
        {
            Meta = new PageMeta(heading, message, http.Absolute(http.Request.Path)) { NoIndex = true },
            Heading = heading,
            Message = message,
        }, statusCode);
}

/// <summary>What was posted to a takedown or restore form, shown again with the errors next to the fields. Public because
/// the page components that take it are (Razor components are generated public).</summary>
public sealed record TakedownForm
{
    public bool Restore { get; init; }
    public string SubjectKind { get; init; } = "episode";
    public string SubjectId { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Reason { get; init; } = "";
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();
}
