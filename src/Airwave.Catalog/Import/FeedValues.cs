using System.Globalization;
using System.Text.RegularExpressions;

namespace Airwave.Catalog.Import;

/// <summary>
/// Reads the values real-world feeds write in more ways than the specifications allow: RFC 822 dates with or
/// without the weekday, with zone names or numeric offsets, one- or two-digit days, ISO 8601 dates; itunes:duration
/// as seconds, MM:SS or HH:MM:SS (with fractions); yes/true/explicit booleans.
/// </summary>
internal static partial class FeedValues
{
    private static readonly Dictionary<string, string> ZoneOffsets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GMT"] = "+0000", ["UT"] = "+0000", ["UTC"] = "+0000", ["Z"] = "+0000",
        ["EST"] = "-0500", ["EDT"] = "-0400", ["CST"] = "-0600", ["CDT"] = "-0500",
        ["MST"] = "-0700", ["MDT"] = "-0600", ["PST"] = "-0800", ["PDT"] = "-0700",
        ["BST"] = "+0100", ["CET"] = "+0100", ["CEST"] = "+0200", ["AEST"] = "+1000", ["AEDT"] = "+1100",
    };

    private static readonly string[] Rfc822Formats =
    [
        "d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm zzz", "d MMM yy HH:mm:ss zzz", "d MMM yy HH:mm zzz",
        "d MMMM yyyy HH:mm:ss zzz", "d MMMM yyyy HH:mm zzz", "d MMM yyyy H:mm:ss zzz",
    ];

    /// <summary>A pubDate as an instant, or null when it cannot be read.</summary>
    public static DateTimeOffset? ParseDate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = Whitespace().Replace(text.Trim(), " ");

        // Drop the weekday ("Tue, ", "Tuesday, ", "Tue "); it adds nothing and is often wrong.
        value = Weekday().Replace(value, "");

        // A trailing zone name or numeric offset → "+hh:mm", which "zzz" reads.
        var zone = TrailingZone().Match(value);
        if (zone.Success)
        {
            var offset = zone.Groups["name"].Success ? ZoneOffsets.GetValueOrDefault(zone.Groups["name"].Value) : zone.Groups["offset"].Value.Replace(":", "", StringComparison.Ordinal);
            if (offset is not null)
            {
                value = $"{value[..zone.Index].TrimEnd()} {offset[..3]}:{offset[3..]}";
                if (DateTimeOffset.TryParseExact(value, Rfc822Formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var parsed))
                {
                    return parsed.ToUniversalTime();
                }
            }
        }
        else if (DateTimeOffset.TryParseExact(value + " +00:00", Rfc822Formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces,
            out var withoutZone))
        {
            return withoutZone.ToUniversalTime();
        }

        // ISO 8601 and other unambiguous forms; a time without a zone is taken as UTC.
        return DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces,
            out var iso) ? iso.ToUniversalTime() : null;
    }

    /// <summary>itunes:duration in whole seconds (rounded), or null when it is not a duration.</summary>
    public static long? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = text.Trim().Split(':');
        if (parts.Length > 3)
        {
            return null;
        }

        double seconds = 0;
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number < 0)
            {
                return null;
            }

            seconds = (seconds * 60) + number;
        }

        return (long)Math.Round(seconds, MidpointRounding.AwayFromZero);
    }

    /// <summary>itunes:explicit and similar flags: yes/true/explicit → true, no/false/clean → false, else null.</summary>
    public static bool? ParseFlag(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "yes" or "true" or "explicit" => true,
        "no" or "false" or "clean" => false,
        _ => null,
    };

    /// <summary>A whole number ≥ 0 (season and episode numbers), or null.</summary>
    public static int? ParseNumber(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>A number of seconds with an optional fraction (soundbites), or null.</summary>
    public static double? ParseSeconds(string? text) =>
        double.TryParse(text?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;

    /// <summary><paramref name="text"/> when it is an absolute http or https URL, else null.</summary>
    public static string? HttpUrl(string? text) =>
        Uri.TryCreate(text?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.AbsoluteUri
            : null;

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^[A-Za-z]+,?\s+(?=\d)")]
    private static partial Regex Weekday();

    [GeneratedRegex(@"\s*(?:(?<offset>[+-]\d{2}:?\d{2})|(?<name>[A-Za-z]{1,4}))$")]
    private static partial Regex TrailingZone();
}
