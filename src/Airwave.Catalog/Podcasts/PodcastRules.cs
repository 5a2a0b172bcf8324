using Airwave.Catalog.Text;
using Airwave.Core.Text;

namespace Airwave.Catalog.Podcasts;

/// <summary>A podcast's editable fields, as sent on create or as they stand after a patch is merged.</summary>
internal sealed record PodcastValues(
    string? Title,
    string? Description,
    string? Author,
    string? OwnerName,
    string? OwnerEmail,
    string? Language,
    string? Category,
    string? Subcategory,
    bool? Explicit,
    string? Type,
    string? WebsiteUrl,
    string? Copyright,
    bool? NormalizeLoudness,
    double? LoudnessTargetLufs);

/// <summary>The one set of rules a podcast's fields obey, for create and update alike.</summary>
internal static class PodcastRules
{
    public const int MaxTextLength = 255;
    public const double MinTargetLufs = -30;
    public const double MaxTargetLufs = -10;
    public static readonly string[] Types = ["episodic", "serial"];

    /// <summary>Checks every field, adding reasons to <paramref name="errors"/>; returns the values trimmed and canonical.</summary>
    public static PodcastValues Validate(PodcastValues values, FieldErrors errors)
    {
        RequiredText(values.Title, "title", errors);
        RequiredText(values.Author, "author", errors);
        RequiredText(values.OwnerName, "owner_name", errors);
        OptionalText(values.Copyright, "copyright", errors);
        if (string.IsNullOrWhiteSpace(values.Description))
        {
            errors.Add("description", "is required (Markdown allowed)");
        }
        else if (ShowNotes.Problem(values.Description, ShowNotes.MaxPodcastDescriptionBytes) is { } description)
        {
            errors.Add("description", description);
        }

        if (EmailAddress.Problem(values.OwnerEmail) is { } email)
        {
            errors.Add("owner_email", email);
        }

        var language = LanguageTag.Normalize(values.Language);
        errors.AddIf(language is null, "language", string.IsNullOrWhiteSpace(values.Language) ? $"is required: {LanguageTag.Rule}" : LanguageTag.Rule);
        var (category, subcategory) = AppleCategories.Validate(values.Category, values.Subcategory, errors);
        errors.AddIf(values.Type is not null && !Types.Contains(values.Type), "type", "must be episodic or serial");
        if (WebUrl.Problem(values.WebsiteUrl) is { } url)
        {
            errors.Add("website_url", url);
        }

        errors.AddIf(values.LoudnessTargetLufs is < MinTargetLufs or > MaxTargetLufs, "loudness_target_lufs",
            $"must be between {MinTargetLufs} and {MaxTargetLufs} LUFS (podcasts commonly use -16 for stereo), or null for the default");

        return new PodcastValues(
            values.Title?.Trim(),
            values.Description?.Trim(),
            values.Author?.Trim(),
            values.OwnerName?.Trim(),
            values.OwnerEmail?.Trim(),
            language,
            category,
            subcategory,
            values.Explicit ?? false,
            values.Type ?? "episodic",
            string.IsNullOrWhiteSpace(values.WebsiteUrl) ? null : values.WebsiteUrl.Trim(),
            string.IsNullOrWhiteSpace(values.Copyright) ? null : values.Copyright.Trim(),
            values.NormalizeLoudness ?? true,
            values.LoudnessTargetLufs);
    }

    internal static void RequiredText(string? value, string field, FieldErrors errors, int max = MaxTextLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "is required");
        }
        else
        {
            OptionalText(value, field, errors, max);
        }
    }

    internal static void OptionalText(string? value, string field, FieldErrors errors, int max = MaxTextLength) =>
        errors.AddIf(value?.Trim().Length > max, field, $"must be at most {max} characters");
}
