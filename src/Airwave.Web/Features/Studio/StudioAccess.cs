using Airwave.Core.Identity;
using Microsoft.AspNetCore.Antiforgery;

namespace Airwave.Web.Features.Studio;

/// <summary>
/// The checks every studio editing page makes before anything else: a signed-in creator (else the sign-in page, or
/// 403 for a listener account) and, on a post, a valid antiforgery token (else 400 and nothing changes).
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
    public static async Task<IResult?> DenyPostAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (Deny(http) is { } denied)
        {
            return denied;
        }

        return http.Request.HasFormContentType && await antiforgery.IsRequestValidAsync(http)
            ? null
            : StudioEndpoints.Message(http, "Nothing was changed",
                "The form had expired or did not come from this site. Go back, reload the page and try again.", StatusCodes.Status400BadRequest);
    }

    /// <summary>A form field's text, or null when it was left empty.</summary>
    public static string? Text(this IFormCollection form, string name) =>
        form[name].ToString() is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value : null;
}
