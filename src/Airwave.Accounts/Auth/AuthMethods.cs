namespace Airwave.Accounts.Auth;

/// <summary>How the caller proved who they are; carried in the <c>amr</c> claim.</summary>
internal static class AuthMethods
{
    public const string ClaimType = "amr";

    /// <summary>A bearer access token from <c>/auth/login</c>.</summary>
    public const string Session = "session";

    /// <summary>The browser cookie from <c>/auth/login?use_cookies=true</c>.</summary>
    public const string Cookie = "cookie";

    /// <summary>A personal API token.</summary>
    public const string PersonalToken = "pat";
}
