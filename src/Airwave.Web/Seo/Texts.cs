using System.Globalization;

namespace Airwave.Web.Seo;

/// <summary>Small text helpers for pages: meta descriptions, times and dates as people read them.</summary>
internal static class Texts
{
    /// <summary>Search engines show about 155 to 160 characters of a description.</summary>
    public const int DescriptionLength = 160;

    /// <summary>At most <paramref name="length"/> characters, cut at a word boundary with an ellipsis.</summary>
    public static string Shorten(string text, int length = DescriptionLength)
    {
        text = text.Trim();
        if (text.Length <= length)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', length - 1);
        return text[..(cut > length / 2 ? cut : length - 1)].TrimEnd(' ', ',', ';', ':', '.') + "…";
    }

    /// <summary>A clock position: 4:05, or 1:02:03 past an hour.</summary>
    public static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, Math.Floor(seconds)));
        return t.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
    }

    /// <summary>A length as people say it: "42 min", "1 h 5 min", "40 s".</summary>
    public static string Length(long milliseconds)
    {
        var t = TimeSpan.FromMilliseconds(milliseconds);
        return t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes} min")
            : t.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)Math.Round(t.TotalMinutes)} min")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)Math.Round(t.TotalSeconds)} s");
    }

    public static string Date(DateTimeOffset when) => when.UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    public static string IsoDate(DateTimeOffset when) => when.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
