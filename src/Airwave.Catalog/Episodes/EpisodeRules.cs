using Airwave.Catalog.Podcasts;
using Airwave.Catalog.Text;

namespace Airwave.Catalog.Episodes;

/// <summary>An episode's editable fields, as sent on create or as they stand after a patch is merged.</summary>
internal sealed record EpisodeValues(
    string? Title,
    string? Description,
    int? SeasonNumber,
    int? EpisodeNumber,
    string? EpisodeType,
    bool? Explicit);

/// <summary>Episode states and the rules its fields obey.</summary>
internal static class EpisodeRules
{
    public const int MaxGuidLength = 255;
    public static readonly string[] Types = ["full", "trailer", "bonus"];

    public static EpisodeValues Validate(EpisodeValues values, FieldErrors errors)
    {
        PodcastRules.RequiredText(values.Title, "title", errors);
        if (values.Description is not null && ShowNotes.Problem(values.Description, ShowNotes.MaxEpisodeDescriptionBytes) is { } description)
        {
            errors.Add("description", description);
        }

        errors.AddIf(values.SeasonNumber is < 1, "season_number", "must be a whole number of 1 or more");
        errors.AddIf(values.EpisodeNumber is < 1, "episode_number", "must be a whole number of 1 or more");
        errors.AddIf(values.EpisodeType is not null && !Types.Contains(values.EpisodeType), "episode_type", "must be full, trailer or bonus");
        return values with
        {
            Title = values.Title?.Trim(),
            Description = values.Description?.Trim() ?? "",
            EpisodeType = values.EpisodeType ?? "full",
        };
    }

    /// <summary>A guid from an import must be stable text a feed can carry.</summary>
    public static string? GuidProblem(string guid) =>
        string.IsNullOrWhiteSpace(guid) ? "must not be empty"
        : guid.Trim().Length > MaxGuidLength ? $"must be at most {MaxGuidLength} characters"
        : guid.Any(char.IsControl) ? "must not contain control characters"
        : null;

    /// <summary>draft (no publication time), scheduled (a future one) or published.</summary>
    public static string Status(DateTimeOffset? publishedAt, DateTimeOffset now) =>
        publishedAt is null ? "draft" : publishedAt > now ? "scheduled" : "published";
}

/// <summary>processed_status values: the media pipeline moves an episode through them.</summary>
internal static class ProcessedStatus
{
    public const string AwaitingUpload = "awaiting_upload";
    public const string Uploading = "uploading";
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
}
