using System.Text.Json;
using System.Text.Json.Serialization;

namespace Airwave.Catalog.Feeds;

/// <summary>A podcast:funding link: where listeners can support the show, and the words to show with it.</summary>
internal sealed record FundingLink(string? Url, string? Label);

/// <summary>
/// A podcast:person credit. <c>Role</c> and <c>Group</c> come from the Podcasting 2.0 person taxonomy, lower-case;
/// left out, apps read them as host and cast.
/// </summary>
internal sealed record PersonCredit(string? Name, string? Role, string? Group, string? Img, string? Href);

/// <summary>podcast:location: what place the show is about, with optional geo URI (RFC 5870) and OpenStreetMap id.</summary>
internal sealed record PlaceValue(string? Name, string? Geo, string? Osm);

/// <summary>podcast:license: an SPDX identifier (lower-case) or a custom name, with the licence text's URL.</summary>
internal sealed record LicenseValue(string? Identifier, string? Url);

/// <summary>A podcast:txt record, such as a directory's ownership verification code.</summary>
internal sealed record TxtRecord(string? Purpose, string? Value);

/// <summary>podcast:updateFrequency: the release schedule as an RFC 5545 recurrence rule and as words.</summary>
internal sealed record UpdateFrequencyValue(string? Rrule, string? Label, bool? Complete, DateTimeOffset? Dtstart);

/// <summary>A podcast:transcript link (captions when <c>Rel</c> is "captions").</summary>
internal sealed record TranscriptLink(string? Url, string? Type, string? Language, string? Rel);

/// <summary>A podcast:soundbite: a highlight of the episode, in seconds from the start of the enclosure.</summary>
internal sealed record Soundbite(double? StartTime, double? Duration, string? Title);

/// <summary>
/// A chapter the creator wrote (Podcasting 2.0 JSON chapters): where it starts in seconds from the start of the audio,
/// its title, and optionally a web page about it and an image shown while it plays.
/// </summary>
internal sealed record Chapter(double? StartTime, string? Title, string? Url, string? Img);

/// <summary>
/// How the lists and small objects above are stored in their JSON text columns (the API's shape: snake_case,
/// nulls left out). One place, so the columns and the API never disagree.
/// </summary>
internal static class FeedJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Null (the column is NULL) for nothing or an empty list.</summary>
    public static string? WriteList<T>(IReadOnlyList<T>? values) => values is null || values.Count == 0 ? null : JsonSerializer.Serialize(values, Options);

    public static string? WriteObject<T>(T? value)
        where T : class => value is null ? null : JsonSerializer.Serialize(value, Options);

    public static IReadOnlyList<T> List<T>(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<T>>(json, Options) ?? [];

    public static T? Object<T>(string? json)
        where T : class => string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<T>(json, Options);
}
