using Airwave.Core.Http.RateLimits;
using Airwave.Accounts;
using Airwave.Accounts.Contracts;
using Airwave.Core.Identity;
using Airwave.Web.Pages.Studio;
using Microsoft.AspNetCore.Antiforgery;

namespace Airwave.Web.Features.Studio;

/// <summary>
/// Registration and the account page. <c>GET/POST /studio/register</c>: a form that creates a creator or listener
/// account through the registration API's own handler (<see cref="IAccountPages"/>: the same rules and, here too, the
/// sign-in rate limit) and starts the cookie session; creators land on the studio, listeners on their account.
/// <c>GET /account</c>: who is signed in, sign-out, and their personal API tokens: <c>POST /account/tokens</c> creates
/// one and shows its secret once (in that answer only, never stored, logged or shown again), and
/// <c>GET/POST /account/tokens/{id}/revoke</c> asks for confirmation, then revokes. Every post checks its antiforgery
/// token first; another user's token id is 404, like one that never existed.
/// </summary>
internal static class AccountPages
{
    public const string RegisterPath = "/studio/register";
    public const string AccountPath = "/account";
    public const string TokensPath = "/account/tokens";

    /// <summary>What the expiry field holds when the page opens: a token that is forgotten does not live for ever.</summary>
    public const int DefaultLifetimeDays = 90;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(RegisterPath, RegisterForm).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(RegisterPath, RegisterAsync).AllowAnonymous().DisableAntiforgery()
            .RequireSharedRateLimit(AccountsModule.AuthRateLimit).WithName("StudioRegister").ExcludeFromDescription();
        app.MapGet(AccountPath, AccountAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(TokensPath, CreateTokenAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapGet(TokensPath + "/{tokenId:guid}/revoke", ConfirmRevokeAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(TokensPath + "/{tokenId:guid}/revoke", RevokeAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
    }

    /// <summary>Where a person goes once signed in: creators (and admins) to the studio, listeners to their account.</summary>
    public static string Home(string role) => role == Roles.Listener ? AccountPath : StudioEndpoints.DashboardPath;

    private static IResult RegisterForm(HttpContext http, IAntiforgery antiforgery, string? role) =>
        http.User.UserId() is not null
            ? StudioEndpoints.Redirect(http, AccountPath)
            : RegisterPage(http, antiforgery, new RegisterForm(null, null, role == Roles.Listener ? Roles.Listener : Roles.Creator),
                AccountFormErrors.None);

    private static async Task<IResult> RegisterAsync(HttpContext http, IAntiforgery antiforgery, IAccountPages accounts,
        CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(http))
        {
            return RegisterPage(http, antiforgery, new RegisterForm(null, null, Roles.Creator), new AccountFormErrors(
                new Dictionary<string, string>(), "The form had expired or did not come from this site. Nothing was created; please try again.",
                StatusCodes.Status400BadRequest));
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var typed = new RegisterForm(form["email"].ToString(), form["display_name"].ToString(), form.Text("role"));
        var result = await accounts.RegisterAsync(http, typed.Email, form["password"].ToString(), typed.DisplayName, typed.Role,
            cancellationToken);
        return result.User is { } user
            ? StudioEndpoints.Redirect(http, Home(user.Role))
            : RegisterPage(http, antiforgery, typed, result.Outcome);
    }

    private static async Task<IResult> AccountAsync(HttpContext http, IAntiforgery antiforgery, IAccountPages accounts, IUserDirectory directory,
        CancellationToken cancellationToken) =>
        await AccountPageAsync(http, antiforgery, accounts, directory, null, null, AccountFormErrors.None, cancellationToken)
        ?? StudioEndpoints.Redirect(http, StudioEndpoints.SignInPath);

    private static async Task<IResult> CreateTokenAsync(HttpContext http, IAntiforgery antiforgery, IAccountPages accounts,
        IUserDirectory directory, CancellationToken cancellationToken)
    {
        if (await DenyPostAsync(http, antiforgery) is { } denied)
        {
            return denied;
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var typed = new TokenForm(form["name"].ToString(), [.. form["scopes"].Select(s => s ?? "")], form["expires_in_days"].ToString());
        int? days = null;
        var errors = new Dictionary<string, string>();
        if (form.Text("expires_in_days") is { } text)
        {
            if (int.TryParse(text.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                days = value;
            }
            else
            {
                errors["expires_in_days"] = "must be a whole number of days, or left empty for a token that does not expire";
            }
        }

        var result = errors.Count == 0
            ? await accounts.CreateTokenAsync(http.User, typed.Name, typed.Scopes, days, cancellationToken)
            : new CreatedApiToken(null, null, new AccountFormErrors(errors, null, StatusCodes.Status400BadRequest));
        return await AccountPageAsync(http, antiforgery, accounts, directory, result.Token is null ? typed : null, result, result.Outcome,
            cancellationToken) ?? StudioEndpoints.Redirect(http, StudioEndpoints.SignInPath);
    }

    private static async Task<IResult> ConfirmRevokeAsync(Guid tokenId, HttpContext http, IAntiforgery antiforgery, IAccountPages accounts,
        CancellationToken cancellationToken)
    {
        if (http.User.UserId() is null)
        {
            return StudioEndpoints.Redirect(http, StudioEndpoints.SignInPath);
        }

        var token = (await accounts.ListTokensAsync(http.User, cancellationToken)).FirstOrDefault(t => t.Id == tokenId);
        if (token is null)
        {
            return Site.NotFound(http);
        }

        var (meta, formToken) = Site.FormPage(http, antiforgery, "Revoke API token", "Confirm revoking a personal API token.", http.Request.Path);
        return Site.Render<RevokeTokenPage>(http, new { Meta = meta, Token = formToken, ApiToken = token });
    }

    private static async Task<IResult> RevokeAsync(Guid tokenId, HttpContext http, IAntiforgery antiforgery, IAccountPages accounts,
        CancellationToken cancellationToken)
    {
        if (await DenyPostAsync(http, antiforgery) is { } denied)
        {
            return denied;
        }

        return await accounts.RevokeTokenAsync(http.User, tokenId, cancellationToken)
            ? StudioEndpoints.Redirect(http, AccountPath + "?revoked=1#tokens")
            : Site.NotFound(http);
    }

    /// <summary>Signed in (any role) and a valid antiforgery token, or the answer to give instead; nothing happens before this.</summary>
    private static async Task<IResult?> DenyPostAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (http.User.UserId() is null)
        {
            return StudioEndpoints.Redirect(http, StudioEndpoints.SignInPath);
        }

        return await StudioAccess.DenyFormAsync(http, antiforgery);
    }

    /// <summary>The account page, or null when nobody (still active) is signed in.</summary>
    private static async Task<IResult?> AccountPageAsync(HttpContext http, IAntiforgery antiforgery, IAccountPages accounts,
        IUserDirectory directory, TokenForm? typed, CreatedApiToken? created, AccountFormErrors outcome, CancellationToken cancellationToken)
    {
        if (http.User.UserId() is not { } userId || await directory.FindAsync(userId, cancellationToken) is not { } user)
        {
            return null;
        }

        var tokens = await accounts.ListTokensAsync(http.User, cancellationToken);
        // The page may carry a new token's secret: no browser or shared cache may keep it (FormPage's no-store).
        var (meta, formToken) = Site.FormPage(http, antiforgery, "Your account", "Your Airwave account and personal API tokens.", AccountPath);
        return Site.Render<AccountPage>(http, new
        {
            Meta = meta,
            Token = formToken,
            User = user,
            Tokens = tokens,
            Form = typed ?? new TokenForm("", [Scopes.Read], DefaultLifetimeDays.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Created = created?.Token is null ? null : created,
            Errors = outcome.Errors,
            FormError = outcome.Problem,
            Revoked = http.Request.Method == HttpMethods.Get && http.Request.Query.ContainsKey("revoked"),
        }, created is not null && created.Token is null ? outcome.StatusCode : StatusCodes.Status200OK);
    }

    private static RazorComponentResult RegisterPage(HttpContext http, IAntiforgery antiforgery, RegisterForm form, AccountFormErrors outcome)
    {
        var (meta, formToken) = Site.FormPage(http, antiforgery, "Create an account", "Create an Airwave account to publish podcasts or to follow them.",
            RegisterPath);
        return Site.Render<RegisterPage>(http, new
        {
            Meta = meta,
            Token = formToken,
            Form = form,
            Errors = outcome.Errors,
            FormError = outcome.Problem,
        }, outcome.StatusCode);
    }
}
