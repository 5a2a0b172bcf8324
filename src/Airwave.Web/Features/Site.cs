using Airwave.Web.Pages;
using Airwave.Web.Seo;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.Web.Features;

/// <summary>
/// What every page answer shares: rendering a page component, the security headers (a strict Content Security
/// Policy: scripts only from the site's own files, so even creator text that slipped through escaping could not run;
/// framing refused except for the embeddable player), absolute URLs from the public base URL, and the 404 page.
/// </summary>
internal static class Site
{
    /// <summary>The playback events endpoint the player reports to (the analytics API).</summary>
    public const string PlaybackEventsPath = "/api/v1/playback-events";

    private const string Policy =
        "default-src 'self'; img-src * data:; media-src *; connect-src 'self'; script-src 'self'; style-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors ";

    public static RazorComponentResult Render<TPage>(HttpContext http, object parameters, int statusCode = StatusCodes.Status200OK,
        bool frameable = false)
        where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = Policy + (frameable ? "*" : "'none'");
        if (!frameable)
        {
            headers.XFrameOptions = "DENY";
        }

        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        return new RazorComponentResult<TPage>(parameters) { StatusCode = statusCode };
    }

    /// <summary>The absolute URL of a site path, from <c>Server:PublicBaseUrl</c> or the request.</summary>
    public static string Absolute(this HttpContext http, string path) =>
        http.RequestServices.GetRequiredService<PublicUrls>().Absolute(http.Request, path);

    /// <summary>
    /// What a signed-in page with a form (studio, account, admin) sets up before rendering: its meta, never indexed; a
    /// fresh antiforgery token for the form; and <c>Cache-Control: no-store</c>, set after the token (which writes its
    /// own Cache-Control), so no browser or shared cache keeps a page carrying a token or someone's data.
    /// </summary>
    public static (PageMeta Meta, AntiforgeryTokenSet Token) FormPage(HttpContext http, IAntiforgery antiforgery, string title, string description,
        string path)
    {
        var meta = new PageMeta(title, description, http.Absolute(path)) { NoIndex = true };
        var token = antiforgery.GetAndStoreTokens(http);
        http.Response.Headers.CacheControl = "no-store";
        return (meta, token);
    }

    /// <summary>The 404 page: the same answer for what never existed and for what is not public.</summary>
    public static RazorComponentResult NotFound(HttpContext http) =>
        Render<NotFoundPage>(http, new
        {
            Meta = new PageMeta("Not found", "There is nothing at this address.", http.Absolute(http.Request.Path)) { NoIndex = true },
        }, StatusCodes.Status404NotFound);
}
