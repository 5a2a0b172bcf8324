using System.Net.Mail;

namespace Airwave.Core.Text;

/// <summary>The one email-address check used wherever people type an address.</summary>
public static class EmailAddress
{
    public const int MaxLength = 254;

    /// <summary>Null when <paramref name="email"/> is a plausible address, otherwise the reason it is not.</summary>
    public static string? Problem(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return "is required";
        }

        var trimmed = email.Trim();
        if (trimmed.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters";
        }

        var at = trimmed.LastIndexOf('@');
        var looksValid = MailAddress.TryCreate(trimmed, out var parsed)
            && parsed.Address == trimmed
            && at > 0
            && trimmed.IndexOf('.', at) > at + 1
            && !trimmed.EndsWith('.')
            && !trimmed.Any(char.IsWhiteSpace);
        return looksValid ? null : "must be an email address such as name@example.com";
    }
}
