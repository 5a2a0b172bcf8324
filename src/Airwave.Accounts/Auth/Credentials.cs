using Airwave.Core.Text;

namespace Airwave.Accounts.Auth;

/// <summary>The rules for emails, passwords and display names, stated in words the API returns verbatim.</summary>
internal static class Credentials
{
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 128;
    public const int MaxDisplayNameLength = 100;

    public const string PasswordRule =
        "must be 10 to 128 characters long, must not contain your email address, and must not be a commonly used password";

    private static readonly HashSet<string> CommonPasswords = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "password1", "password12", "password123", "password1234", "1234567890", "12345678910",
        "0123456789", "qwertyuiop", "qwerty1234", "qwerty12345", "iloveyou12", "letmein123", "welcome123",
        "abcdefghij", "abc1234567", "1q2w3e4r5t", "1qaz2wsx3edc", "passw0rd123", "administrator", "football123",
        "monkey1234", "dragon1234", "sunshine12", "princess12", "trustno1234", "airwave123", "podcast123",
    };

    /// <summary>Emails are unique regardless of case; the address is compared in this form.</summary>
    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static string? EmailProblem(string? email) => EmailAddress.Problem(email);

    public static string? PasswordProblem(string? password, string? email)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "is required";
        }

        var tooShortOrLong = password.Length is < MinPasswordLength or > MaxPasswordLength;
        var containsEmail = !string.IsNullOrWhiteSpace(email)
            && password.Contains(email.Trim(), StringComparison.OrdinalIgnoreCase);
        var common = CommonPasswords.Contains(password) || password.Distinct().Count() <= 2;
        return tooShortOrLong || containsEmail || common ? PasswordRule : null;
    }

    public static string? DisplayNameProblem(string? displayName) =>
        string.IsNullOrWhiteSpace(displayName) ? "is required"
        : displayName.Trim().Length > MaxDisplayNameLength ? $"must be at most {MaxDisplayNameLength} characters"
        : null;
}
