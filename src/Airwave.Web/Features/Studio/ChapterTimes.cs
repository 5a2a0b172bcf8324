using System.Globalization;

namespace Airwave.Web.Features.Studio;

/// <summary>
/// Chapter start times as people type them: <c>h:mm:ss</c>, <c>m:ss</c> or plain seconds, each with optional
/// decimals (<c>1:02:03.5</c>, <c>75</c>, <c>12.25</c>). The API takes seconds; the form shows <c>h:mm:ss</c>.
/// </summary>
internal static class ChapterTimes
{
    public const string Rule = "must be a time such as 1:02:03, 12:30 or a number of seconds such as 75";

    /// <summary>Seconds from the start, or null when the text is not a time.</summary>
    public static double? Parse(string? text)
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

        double total = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            // Only the seconds may have decimals; minutes and seconds after a colon are 0 to 59.
            if (parts[i].Length == 0 || !parts[i].All(c => char.IsAsciiDigit(c) || (last && c == '.'))
                || !double.TryParse(parts[i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                || (i > 0 && value >= 60))
            {
                return null;
            }

            total = total * 60 + value;
        }

        return total;
    }

    /// <summary><c>m:ss</c> under an hour, <c>h:mm:ss</c> from an hour on, with up to three decimals when there are any.</summary>
    public static string Format(double seconds)
    {
        var whole = (long)Math.Floor(seconds);
        var fraction = Math.Round(seconds - whole, 3);
        if (fraction >= 1)
        {
            whole++;
            fraction = 0;
        }

        var clock = whole >= 3600
            ? string.Create(CultureInfo.InvariantCulture, $"{whole / 3600}:{whole / 60 % 60:00}:{whole % 60:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{whole / 60}:{whole % 60:00}");
        return fraction > 0 ? clock + fraction.ToString(".###", CultureInfo.InvariantCulture) : clock;
    }
}
