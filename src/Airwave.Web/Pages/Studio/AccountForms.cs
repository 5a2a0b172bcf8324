namespace Airwave.Web.Pages.Studio;

/// <summary>What the registration form shows again after a refusal: the typed values, never the password.</summary>
public sealed record RegisterForm(string? Email, string? DisplayName, string? Role);

/// <summary>What the new-token form shows: the typed values after a refusal, or the defaults.</summary>
/// <param name="ExpiresInDays">As typed (it may not be a number); empty for a token that does not expire.</param>
public sealed record TokenForm(string Name, IReadOnlyList<string> Scopes, string ExpiresInDays);
