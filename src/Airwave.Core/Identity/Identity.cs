using System.Security.Claims;

namespace Airwave.Core.Identity;

/// <summary>Account roles. Every account has exactly one.</summary>
public static class Roles
{
    public const string Creator = "creator";
    public const string Listener = "listener";
    public const string Admin = "admin";

    /// <summary>Roles a person may pick when registering; admins are made by the CLI.</summary>
    public static readonly IReadOnlyList<string> SelfService = [Creator, Listener];
}

/// <summary>What a token may do. Sign-in sessions carry every scope; personal API tokens carry the ones chosen.</summary>
public static class Scopes
{
    public const string Read = "read";
    public const string Write = "write";
    public const string Analytics = "analytics";

    public static readonly IReadOnlyList<string> All = [Read, Write, Analytics];
}

/// <summary>Authorization policy names used by endpoint groups.</summary>
public static class Policies
{
    public const string Read = "scope:read";
    public const string Write = "scope:write";
    public const string Analytics = "scope:analytics";

    /// <summary>An admin with the read scope: the administration lists.</summary>
    public const string AdminRead = "admin:read";

    /// <summary>An admin with the write scope: disabling accounts, takedowns and restores.</summary>
    public const string AdminWrite = "admin:write";
}

/// <summary>Claim types Airwave puts on a signed-in principal.</summary>
public static class AirwaveClaims
{
    public const string UserId = "sub";
    public const string Role = "role";
    public const string Scope = "scope";
    public const string SessionId = "sid";
    public const string DisplayName = "name";
}

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id, or null for an anonymous caller.</summary>
    public static Guid? UserId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(AirwaveClaims.UserId), out var id) ? id : null;

    public static bool IsAdmin(this ClaimsPrincipal principal) => principal.HasClaim(AirwaveClaims.Role, Roles.Admin);

    public static bool HasRole(this ClaimsPrincipal principal, string role) => principal.HasClaim(AirwaveClaims.Role, role);

    public static bool HasScope(this ClaimsPrincipal principal, string scope) => principal.HasClaim(AirwaveClaims.Scope, scope);

    /// <summary>True when the caller owns the resource or is an admin.</summary>
    public static bool CanManage(this ClaimsPrincipal principal, Guid ownerId) =>
        principal.UserId() == ownerId || principal.IsAdmin();
}
