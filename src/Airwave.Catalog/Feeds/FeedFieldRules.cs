using System.Globalization;
using System.Text.RegularExpressions;
using Airwave.Catalog.Podcasts;
using Airwave.Core.Text;

namespace Airwave.Catalog.Feeds;

/// <summary>
/// The rules the Podcasting 2.0 fields obey, with each problem reported under the field's JSON path
/// (<c>persons[1].role</c>). Limits follow the namespace's advice (128 characters for names and labels, 4000 for a
/// txt value) and keep a feed a sensible size; URLs must be https, as the namespace requires for linked resources.
/// Each method returns the canonical value (trimmed, lower-case where the namespace compares without case).
/// </summary>
internal static partial class FeedFieldRules
{
    public const int MaxLabelLength = 128;
    public const int MaxFunding = 10;
    public const int MaxPersons = 50;
    public const int MaxTxt = 10;
    public const int MaxTxtValueLength = 4000;
    public const int MaxTranscripts = 10;
    public const int MaxSoundbites = 20;
    public const double MaxSoundbiteSeconds = 300;
    public const int MaxRruleLength = 500;
    public const int MaxChapters = 500;

    public static readonly string[] TranscriptTypes = ["text/vtt", "application/x-subrip", "application/json", "text/html", "text/plain"];

    private static readonly string[] Frequencies = ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"];

    private static readonly string[] RrulePartNames =
        ["FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST"];

    /// <summary>An optional https URL; null when absent or blank.</summary>
    public static string? HttpsUrl(string? url, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        var trimmed = url.Trim();
        if (WebUrl.Problem(trimmed) is { } problem)
        {
            errors.Add(field, problem.Replace("http:// or https://", "https://", StringComparison.Ordinal));
        }
        else if (!trimmed.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(field, "must be an absolute https:// URL");
        }

        return trimmed;
    }

    public static IReadOnlyList<FundingLink> Funding(IReadOnlyList<FundingLink>? values, FieldErrors errors) =>
        Items(values, "funding", MaxFunding, errors, (value, path) => new FundingLink(
            Required(value.Url, $"{path}.url", errors, "is required: the https URL where listeners can support the show") is { } url
                ? HttpsUrl(url, $"{path}.url", errors) : null,
            Text(value.Label, $"{path}.label", errors, MaxLabelLength, required: true)));

    public static IReadOnlyList<PersonCredit> Persons(IReadOnlyList<PersonCredit>? values, FieldErrors errors) =>
        Items(values, "persons", MaxPersons, errors, (value, path) => Person(value, path, errors));

    public static IReadOnlyList<TxtRecord> Txt(IReadOnlyList<TxtRecord>? values, FieldErrors errors) =>
        Items(values, "txt", MaxTxt, errors, (value, path) => new TxtRecord(
            Text(value.Purpose, $"{path}.purpose", errors, MaxLabelLength, required: false),
            Text(value.Value, $"{path}.value", errors, MaxTxtValueLength, required: true, multiline: true)));

    public static PlaceValue? Location(PlaceValue? value, FieldErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        var geo = string.IsNullOrWhiteSpace(value.Geo) ? null : value.Geo.Trim();
        errors.AddIf(geo is not null && !IsGeoUri(geo), "location.geo",
            "must be a geo URI (RFC 5870) with latitude -90..90 and longitude -180..180, such as geo:30.2672,-97.7431");
        var osm = string.IsNullOrWhiteSpace(value.Osm) ? null : value.Osm.Trim().ToUpperInvariant();
        errors.AddIf(osm is not null && !OsmPattern().IsMatch(osm), "location.osm",
            "must be an OpenStreetMap id: N, W or R and the number, optionally #revision (such as R113314)");
        return new PlaceValue(Text(value.Name, "location.name", errors, MaxLabelLength, required: true), geo, osm);
    }

    public static LicenseValue? License(LicenseValue? value, FieldErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        var identifier = Text(value.Identifier, "license.identifier", errors, MaxLabelLength, required: true);
        errors.AddIf(identifier is not null && identifier.Any(char.IsWhiteSpace), "license.identifier",
            "must be an SPDX identifier such as cc-by-4.0, or a short name without spaces for a custom licence");
        return new LicenseValue(identifier?.ToLowerInvariant(), HttpsUrl(value.Url, "license.url", errors));
    }

    public static UpdateFrequencyValue? UpdateFrequency(UpdateFrequencyValue? value, FieldErrors errors)
    {
        if (value is null)
        {
            return null;
        }

        var label = Text(value.Label, "update_frequency.label", errors, MaxLabelLength, required: true);
        var rrule = string.IsNullOrWhiteSpace(value.Rrule) ? null : value.Rrule.Trim().ToUpperInvariant();
        if (rrule is not null && RruleProblem(rrule) is { } problem)
        {
            errors.Add("update_frequency.rrule", problem);
        }

        errors.AddIf(rrule is not null && value.Dtstart is null && rrule.Split(';').Any(p => p.StartsWith("COUNT=", StringComparison.Ordinal)),
            "update_frequency.dtstart", "is required when the rrule has a COUNT");
        return new UpdateFrequencyValue(rrule, label, value.Complete == true ? true : null, value.Dtstart?.ToUniversalTime());
    }

    public static IReadOnlyList<TranscriptLink> Transcripts(IReadOnlyList<TranscriptLink>? values, FieldErrors errors) =>
        Items(values, "transcripts", MaxTranscripts, errors, (value, path) =>
        {
            var url = Required(value.Url, $"{path}.url", errors, "is required: the https URL of the transcript file") is { } u
                ? HttpsUrl(u, $"{path}.url", errors) : null;
            var type = value.Type?.Trim().ToLowerInvariant();
            errors.AddIf(type is null || !TranscriptTypes.Contains(type), $"{path}.type",
                $"must be one of {string.Join(", ", TranscriptTypes)}");
            var language = string.IsNullOrWhiteSpace(value.Language) ? null : LanguageTag.Normalize(value.Language);
            errors.AddIf(!string.IsNullOrWhiteSpace(value.Language) && language is null, $"{path}.language", LanguageTag.Rule);
            var rel = string.IsNullOrWhiteSpace(value.Rel) ? null : value.Rel.Trim().ToLowerInvariant();
            errors.AddIf(rel is not null && rel != "captions", $"{path}.rel", "must be captions (a timed captions file) or left out");
            return new TranscriptLink(url, type, language, rel);
        });

    /// <param name="durationSeconds">The episode's duration when known: soundbites must fall inside it.</param>
    public static IReadOnlyList<Soundbite> Soundbites(IReadOnlyList<Soundbite>? values, double? durationSeconds, FieldErrors errors) =>
        Items(values, "soundbites", MaxSoundbites, errors, (value, path) =>
        {
            errors.AddIf(value.StartTime is null || value.StartTime < 0 || !double.IsFinite(value.StartTime.Value), $"{path}.start_time",
                "is required: seconds from the start of the episode, 0 or more");
            errors.AddIf(value.Duration is null || value.Duration <= 0 || value.Duration > MaxSoundbiteSeconds || !double.IsFinite(value.Duration.Value),
                $"{path}.duration", $"is required: the length in seconds, more than 0 and at most {MaxSoundbiteSeconds} (15 to 120 is recommended)");
            if (value is { StartTime: >= 0, Duration: > 0 } && durationSeconds is { } total && value.StartTime + value.Duration > total + 0.001)
            {
                errors.Add($"{path}.start_time",
                    $"with its duration must end within the episode ({total.ToString("0.###", CultureInfo.InvariantCulture)} seconds)");
            }

            return new Soundbite(value.StartTime is { } s ? Math.Round(s, 3) : null, value.Duration is { } d ? Math.Round(d, 3) : null,
                Text(value.Title, $"{path}.title", errors, MaxLabelLength, required: false));
        });

    /// <summary>
    /// The creator's chapters, each reported under <c>chapters[i].field</c>: a start time of 0 or more seconds, inside the
    /// episode when its duration is known, later than the chapter before (so none starts at the same time as another and
    /// the list reads in order, as apps show it); a title; http(s) links for the page and the image.
    /// </summary>
    public static IReadOnlyList<Chapter> Chapters(IReadOnlyList<Chapter>? values, double? durationSeconds, FieldErrors errors)
    {
        double? previous = null;
        return Items(values, "chapters", MaxChapters, errors, (value, path) =>
        {
            var start = value.StartTime;
            if (start is null || start < 0 || !double.IsFinite(start.Value))
            {
                errors.Add($"{path}.start_time", "is required: seconds from the start of the episode, 0 or more");
                start = null;
            }
            else if (durationSeconds is { } total && start >= total)
            {
                errors.Add($"{path}.start_time",
                    $"must be within the episode, before its end ({total.ToString("0.###", CultureInfo.InvariantCulture)} seconds)");
            }
            else if (previous is { } before && Math.Round(start.Value, 3) == before)
            {
                errors.Add($"{path}.start_time", "is the same as the chapter before it: two chapters cannot start at the same time");
            }
            else if (previous is { } earlier && Math.Round(start.Value, 3) < earlier)
            {
                errors.Add($"{path}.start_time", "must be later than the chapter before it: list chapters in order");
            }

            if (start is { } s)
            {
                previous = Math.Round(s, 3);
            }

            return new Chapter(start is { } t ? Math.Round(t, 3) : null, Text(value.Title, $"{path}.title", errors, MaxLabelLength, required: true),
                HttpUrl(value.Url, $"{path}.url", errors), HttpUrl(value.Img, $"{path}.img", errors));
        });
    }

    /// <summary>An optional http or https URL; null when absent or blank.</summary>
    public static string? HttpUrl(string? url, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        var trimmed = url.Trim();
        if (WebUrl.Problem(trimmed) is { } problem)
        {
            errors.Add(field, problem);
        }

        return trimmed;
    }

    private static PersonCredit Person(PersonCredit value, string path, FieldErrors errors)
    {
        var role = string.IsNullOrWhiteSpace(value.Role) ? null : PersonTaxonomy.Role(value.Role);
        errors.AddIf(!string.IsNullOrWhiteSpace(value.Role) && role is null, $"{path}.role",
            "must be a role of the Podcasting 2.0 person taxonomy, such as host, co-host, guest, producer or audio editor");
        var group = string.IsNullOrWhiteSpace(value.Group) ? null : PersonTaxonomy.Group(value.Group);
        errors.AddIf(!string.IsNullOrWhiteSpace(value.Group) && group is null, $"{path}.group",
            $"must be a group of the Podcasting 2.0 person taxonomy: {string.Join(", ", PersonTaxonomy.RolesByGroup.Keys)}");
        return new PersonCredit(Text(value.Name, $"{path}.name", errors, MaxLabelLength, required: true), role, group,
            HttpsUrl(value.Img, $"{path}.img", errors), HttpsUrl(value.Href, $"{path}.href", errors));
    }

    private static List<T> Items<T>(IReadOnlyList<T>? values, string field, int max, FieldErrors errors, Func<T, string, T> check)
        where T : class
    {
        if (values is null)
        {
            return [];
        }

        if (values.Count > max)
        {
            errors.Add(field, $"must have at most {max} entries");
            return [];
        }

        var result = new List<T>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            var path = $"{field}[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (values[i] is not { } value)
            {
                errors.Add(path, "must be an object");
                continue;
            }

            result.Add(check(value, path));
        }

        return result;
    }

    private static string? Required(string? value, string field, FieldErrors errors, string reason)
    {
        errors.AddIf(string.IsNullOrWhiteSpace(value), field, reason);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary>Trimmed text within <paramref name="max"/> characters, without control characters (line breaks only when multiline).</summary>
    private static string? Text(string? value, string field, FieldErrors errors, int max, bool required, bool multiline = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.AddIf(required, field, "is required");
            return null;
        }

        var trimmed = value.Trim();
        errors.AddIf(trimmed.Length > max, field, $"must be at most {max} characters");
        errors.AddIf(trimmed.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')), field,
            multiline ? "must not contain control characters other than line breaks and tabs" : "must not contain control characters or line breaks");
        return trimmed;
    }

    private static bool IsGeoUri(string geo)
    {
        var match = GeoPattern().Match(geo);
        return match.Success
            && double.TryParse(match.Groups["lat"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var latitude)
            && double.TryParse(match.Groups["lon"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var longitude)
            && latitude is >= -90 and <= 90 && longitude is >= -180 and <= 180;
    }

    /// <summary>Why an RFC 5545 recurrence rule (the RRULE value, without "RRULE:") is not acceptable, or null.</summary>
    internal static string? RruleProblem(string rrule)
    {
        if (rrule.Length > MaxRruleLength)
        {
            return $"must be at most {MaxRruleLength} characters";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in rrule.Split(';'))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? part[..equals] : part;
            var value = equals > 0 ? part[(equals + 1)..] : "";
            if (!RrulePartNames.Contains(name) || value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                return $"must be an RFC 5545 recurrence rule of NAME=VALUE parts separated by ';' ('{part}' is not one), such as FREQ=WEEKLY;BYDAY=MO";
            }

            if (!seen.Add(name))
            {
                return $"names {name} more than once";
            }

            if (name == "FREQ" && !Frequencies.Contains(value))
            {
                return $"FREQ must be one of {string.Join(", ", Frequencies)}";
            }

            if (name is "COUNT" or "INTERVAL" && !(int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0))
            {
                return $"{name} must be a whole number of 1 or more";
            }
        }

        return !seen.Contains("FREQ") ? "must have a FREQ part, such as FREQ=WEEKLY"
            : seen.Contains("COUNT") && seen.Contains("UNTIL") ? "must not have both COUNT and UNTIL"
            : null;
    }

    [GeneratedRegex(@"^geo:(?<lat>-?\d{1,2}(\.\d+)?),(?<lon>-?\d{1,3}(\.\d+)?)(,-?\d+(\.\d+)?)?(;[^\s;]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex GeoPattern();

    [GeneratedRegex(@"^[NWR]\d+(#\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex OsmPattern();
}
