using System.Globalization;

namespace Airwave.Accounts.Auth;

/// <summary>Builds the one principal shape every authentication scheme produces.</summary>
internal static class Principals
{
    public static ClaimsPrincipal Create(Guid userId, string role, string displayName, Guid credentialId,
        string authMethod, IEnumerable<string> scopes, string scheme)
    {
        var claims = new List<Claim>
        {
            new(AirwaveClaims.UserId, userId.ToString()),
            new(AirwaveClaims.Role, role),
            new(AirwaveClaims.DisplayName, displayName),
            new(AirwaveClaims.SessionId, credentialId.ToString()),
            new(AuthMethods.ClaimType, authMethod),
        };
        claims.AddRange(scopes.Select(s => new Claim(AirwaveClaims.Scope, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, AirwaveClaims.DisplayName, AirwaveClaims.Role));
    }

    public static Guid? CredentialId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(AirwaveClaims.SessionId), CultureInfo.InvariantCulture, out var id) ? id : null;

    public static string? AuthMethod(this ClaimsPrincipal principal) => principal.FindFirstValue(AuthMethods.ClaimType);
}
