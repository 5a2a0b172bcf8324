namespace Airwave.Catalog.Podcasts;

/// <summary>
/// BCP 47 (RFC 5646) language tags as podcast feeds use them: a 2–3 letter ISO 639 language, then optional
/// extlang, script, region, variants, extensions and private use. Checks well-formedness (the tag's grammar)
/// and returns the canonical letter case (en-US, zh-Hant-TW); it does not consult the IANA registry.
/// </summary>
internal static class LanguageTag
{
    public const string Rule = "must be a BCP 47 language tag such as en, en-US, pt-BR or zh-Hant-TW";

    /// <summary>The tag in canonical case, or null when it is not well-formed.</summary>
    public static string? Normalize(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag) || tag.Length > 64)
        {
            return null;
        }

        var parts = tag.Trim().Replace('_', '-').Split('-');
        if (parts.Any(p => p.Length == 0 || !p.All(char.IsAsciiLetterOrDigit)))
        {
            return null;
        }

        var output = new List<string>();
        var i = 0;
        if (!IsAlpha(parts[0], 2, 3))
        {
            return null;
        }

        output.Add(parts[i++].ToLowerInvariant());
        // extlang: up to three 3-letter subtags
        for (var n = 0; n < 3 && i < parts.Length && IsAlpha(parts[i], 3, 3); n++)
        {
            output.Add(parts[i++].ToLowerInvariant());
        }

        if (i < parts.Length && IsAlpha(parts[i], 4, 4))
        {
            output.Add(char.ToUpperInvariant(parts[i][0]) + parts[i++][1..].ToLowerInvariant());
        }

        if (i < parts.Length && (IsAlpha(parts[i], 2, 2) || (parts[i].Length == 3 && parts[i].All(char.IsAsciiDigit))))
        {
            output.Add(parts[i++].ToUpperInvariant());
        }

        var variants = new HashSet<string>(StringComparer.Ordinal);
        while (i < parts.Length && IsVariant(parts[i]))
        {
            if (!variants.Add(parts[i].ToLowerInvariant()))
            {
                return null;
            }

            output.Add(parts[i++].ToLowerInvariant());
        }

        var singletons = new HashSet<char>();
        while (i < parts.Length && parts[i].Length == 1 && !IsPrivateUse(parts[i]))
        {
            var singleton = char.ToLowerInvariant(parts[i][0]);
            if (!singletons.Add(singleton))
            {
                return null;
            }

            output.Add(singleton.ToString());
            i++;
            var start = i;
            while (i < parts.Length && parts[i].Length is >= 2 and <= 8)
            {
                output.Add(parts[i++].ToLowerInvariant());
            }

            if (i == start)
            {
                return null;
            }
        }

        if (i < parts.Length && IsPrivateUse(parts[i]))
        {
            output.Add("x");
            i++;
            var start = i;
            while (i < parts.Length && parts[i].Length is >= 1 and <= 8)
            {
                output.Add(parts[i++].ToLowerInvariant());
            }

            if (i == start)
            {
                return null;
            }
        }

        return i == parts.Length ? string.Join('-', output) : null;
    }

    private static bool IsAlpha(string part, int min, int max) =>
        part.Length >= min && part.Length <= max && part.All(char.IsAsciiLetter);

    private static bool IsVariant(string part) =>
        part.Length is >= 5 and <= 8 || (part.Length == 4 && char.IsAsciiDigit(part[0]));

    private static bool IsPrivateUse(string part) => part is "x" or "X";
}
