using Airwave.Core.Http.RateLimits;
using Airwave.Accounts;
using Airwave.Accounts.Contracts;
using Airwave.Catalog.Contracts;
using Airwave.Core.Identity;
using Airwave.Web.Pages;
using Airwave.Web.Pages.Studio;
using Airwave.Web.Seo;
using Microsoft.AspNetCore.Antiforgery;

namespace Airwave.Web.Features.Studio;

/// <summary>
/// The creator studio's first pages. <c>GET/POST /studio/sign-in</c>: a form that starts the cookie session (the same
/// checks and rate limit as the login API). <c>GET /studio</c>: the signed-in creator's podcasts, drafts included
/// (only their own). <c>POST /studio/sign-out</c>. Every form carries an antiforgery token that is checked before
/// anything else, on top of the SameSite=Strict session cookie; errors are shown next to the field they concern.
/// People who are not signed in are sent to the sign-in page; listener accounts get 403.
/// </summary>
internal static class StudioEndpoints
{
    public const string DashboardPath = "/studio";
    public const string SignInPath = "/studio/sign-in";
    public const int MaxPodcasts = 200;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(SignInPath, SignInForm).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(SignInPath, SignInAsync).AllowAnonymous().DisableAntiforgery()
            .RequireSharedRateLimit(AccountsModule.AuthRateLimit).WithName("StudioSignIn").ExcludeFromDescription();
        app.MapPost("/studio/sign-out", SignOutAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapGet(DashboardPath, DashboardAsync).AllowAnonymous().ExcludeFromDescription();
    }

    private static IResult SignInForm(HttpContext http, IAntiforgery antiforgery) =>
        http.User.UserId() is not null
            ? Redirect(http, DashboardPath)
            : SignInPage(http, antiforgery, null, new Dictionary<string, string>(), null, StatusCodes.Status200OK);

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, IBrowserSignIn signIn,
        CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return SignInPage(http, antiforgery, null, new Dictionary<string, string>(),
                "The form had expired or did not come from this site. Please sign in again.", StatusCodes.Status400BadRequest);
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var email = form["email"].ToString();
        var password = form["password"].ToString();
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(email))
        {
            errors["email"] = "is required";
        }

        if (string.IsNullOrEmpty(password))
        {
            errors["password"] = "is required";
        }

        if (errors.Count > 0)
        {
            return SignInPage(http, antiforgery, email, errors, null, StatusCodes.Status400BadRequest);
        }

        var result = await signIn.SignInAsync(http, email, password, cancellationToken);
        if (result.User is null)
        {
            if (result.Field is not null)
            {
                errors[result.Field] = result.Problem!;
            }

            return SignInPage(http, antiforgery, email, errors, result.Field is null ? result.Problem : null, result.StatusCode);
        }

        // Creators (and admins) to the studio, listeners to their account: the studio would only refuse them.
        return Redirect(http, AccountPages.Home(result.User.Role));
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery, IBrowserSignIn signIn,
        CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return Message(http, "Not signed out", "The form had expired or did not come from this site. Go back and try again.",
                StatusCodes.Status400BadRequest);
        }

        await signIn.SignOutAsync(http, cancellationToken);
        return Redirect(http, "/");
    }

    private static async Task<IResult> DashboardAsync(HttpContext http, IAntiforgery antiforgery, IStudioCatalog catalog,
        CancellationToken cancellationToken)
    {
        var user = http.User;
        if (user.UserId() is not { } userId)
        {
            return Redirect(http, SignInPath);
        }

        if (!user.HasRole(Roles.Creator) && !user.IsAdmin())
        {
            return Message(http, "The studio is for creators",
                "You are signed in with a listener account. The studio is where creators publish their shows.", StatusCodes.Status403Forbidden);
        }

        var podcasts = await catalog.ListOwnPodcastsAsync(userId, MaxPodcasts, cancellationToken);
        var (meta, token) = Site.FormPage(http, antiforgery, "Studio", "Your podcasts.", DashboardPath);
        return Site.Render<DashboardPage>(http, new { Meta = meta, Token = token, DisplayName = user.Identity?.Name ?? "", Podcasts = podcasts });
    }

    private static RazorComponentResult SignInPage(HttpContext http, IAntiforgery antiforgery, string? email, IReadOnlyDictionary<string, string> errors,
        string? formError, int statusCode)
    {
        var (meta, token) = Site.FormPage(http, antiforgery, "Sign in", "Sign in to the Airwave studio to manage your podcasts.", SignInPath);
        return Site.Render<SignInPage>(http, new { Meta = meta, Token = token, Email = email, Errors = errors, FormError = formError }, statusCode);
    }

    internal static RazorComponentResult Message(HttpContext http, string heading, string message, int statusCode)
    {
        NoStore(http);
        return Site.Render<NotFoundPage>(http, new
        {
            Meta = new PageMeta(heading, message, http.Absolute(http.Request.Path)) { NoIndex = true },
            Heading = heading,
            Message = message,
        }, statusCode);
    }

    /// <summary>303 See Other: after a form post the browser follows with a GET, so a reload does not post again.</summary>
    internal static StatusCodeHttpResult Redirect(HttpContext http, string path)
    {
        NoStore(http);
        http.Response.Headers.Location = path;
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>Signed-in pages and forms with tokens must not be kept by browsers or shared caches.</summary>
    internal static void NoStore(HttpContext http) => http.Response.Headers.CacheControl = "no-store";
}
