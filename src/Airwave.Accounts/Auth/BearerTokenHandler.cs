using System.Text.Encodings.Web;
using Airwave.Accounts.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Accounts.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer …</c> with an access token from sign-in or a personal API token.
/// Both are looked up by hash on every request, so sign-out, revocation and disabling apply immediately
/// on every instance behind a load balancer.
/// </summary>
internal sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    SessionStore sessions,
    ApiTokenStore apiTokens,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        var now = clock.GetUtcNow();
        var hash = SecretTokens.Hash(token);
        var cancellationToken = Context.RequestAborted;
        if (token.StartsWith(SecretTokens.AccessPrefix, StringComparison.Ordinal)
            && await sessions.FindByAccessTokenAsync(hash, now, cancellationToken) is { } session)
        {
            return Success(session, AuthMethods.Session, Scopes.All);
        }

        if (token.StartsWith(SecretTokens.PersonalPrefix, StringComparison.Ordinal)
            && await apiTokens.FindActiveAsync(hash, now, cancellationToken) is { } personal)
        {
            if (personal.LastUsedAt is null || now - personal.LastUsedAt > LastUsedResolution)
            {
                await apiTokens.TouchAsync(personal.CredentialId, now, cancellationToken);
            }

            return Success(personal, AuthMethods.PersonalToken, personal.Scopes.Split(',', StringSplitOptions.RemoveEmptyEntries));
        }

        return AuthenticateResult.Fail("The bearer token is invalid, expired or revoked.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 401;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"airwave\"";
        return Task.CompletedTask;
    }

    private static AuthenticateResult Success(ActiveIdentity identity, string method, IEnumerable<string> scopes) =>
        AuthenticateResult.Success(new AuthenticationTicket(
            Principals.Create(identity.UserId, identity.Role, identity.DisplayName, identity.CredentialId, method, scopes, SchemeName),
            SchemeName));
}
