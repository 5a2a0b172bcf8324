namespace Airwave.Catalog.Import;

/// <summary>
/// What an existing show's RSS feed says, read by <see cref="ImportFeedReader"/>: the channel, its items in feed
/// order, and what was skipped and why. Text is as the feed has it (HTML descriptions are converted to Markdown
/// later, when the show is created); URLs are absolute http(s) or left out.
/// </summary>
internal sealed record ImportedFeed(ImportedChannel Channel, IReadOnlyList<ImportedItem> Items, IReadOnlyList<string> Warnings);

internal sealed record ImportedChannel
{
    public required string Title { get; init; }
    public string DescriptionHtml { get; init; } = "";
    public string? Link { get; init; }
    public string? Language { get; init; }
    public string? Copyright { get; init; }
    public string? Author { get; init; }
    public string? OwnerName { get; init; }
    public string? OwnerEmail { get; init; }
    public string? ImageUrl { get; init; }

    /// <summary>The first itunes:category and its first subcategory, as spelled in the feed.</summary>
    public string? Category { get; init; }

    public string? Subcategory { get; init; }
    public bool Explicit { get; init; }

    /// <summary>"episodic" or "serial".</summary>
    public string PodcastType { get; init; } = "episodic";

    public string? NewFeedUrl { get; init; }
    public bool Block { get; init; }
    public bool Complete { get; init; }
    public Guid? PodcastGuid { get; init; }

    /// <summary>podcast:locked is "yes": the owner does not want the show moved without proving it is theirs.</summary>
    public bool Locked { get; init; }

    /// <summary>The owner attribute of podcast:locked (an email address), when given.</summary>
    public string? LockedOwner { get; init; }

    public string? Medium { get; init; }
    public IReadOnlyList<ImportedFunding> Funding { get; init; } = [];
    public IReadOnlyList<ImportedPerson> Persons { get; init; } = [];
    public ImportedLocation? Location { get; init; }
    public ImportedLicense? License { get; init; }
    public IReadOnlyList<ImportedTxt> Txt { get; init; } = [];
    public ImportedUpdateFrequency? UpdateFrequency { get; init; }
}

internal sealed record ImportedItem
{
    /// <summary>The item's guid, or its enclosure URL when the feed gives none (what podcast apps fall back to).</summary>
    public required string Guid { get; init; }

    public required string Title { get; init; }
    public string DescriptionHtml { get; init; } = "";
    public DateTimeOffset? PublishedAt { get; init; }
    public required ImportedEnclosure Enclosure { get; init; }
    public long? DurationSeconds { get; init; }
    public string? ImageUrl { get; init; }
    public int? Season { get; init; }
    public int? Episode { get; init; }

    /// <summary>"full", "trailer" or "bonus".</summary>
    public string EpisodeType { get; init; } = "full";

    public bool? Explicit { get; init; }
    public IReadOnlyList<ImportedTranscript> Transcripts { get; init; } = [];
    public string? ChaptersUrl { get; init; }
    public IReadOnlyList<ImportedSoundbite> Soundbites { get; init; } = [];
    public IReadOnlyList<ImportedPerson> Persons { get; init; } = [];
}

internal sealed record ImportedEnclosure(string Url, long? Length, string? Type);

internal sealed record ImportedFunding(string Url, string? Label);

internal sealed record ImportedPerson(string Name, string? Role, string? Group, string? Img, string? Href);

internal sealed record ImportedLocation(string Name, string? Geo, string? Osm);

internal sealed record ImportedLicense(string Identifier, string? Url);

internal sealed record ImportedTxt(string? Purpose, string Value);

internal sealed record ImportedUpdateFrequency(string Label, string? Rrule, bool Complete);

internal sealed record ImportedTranscript(string Url, string Type, string? Language, string? Rel);

internal sealed record ImportedSoundbite(double StartTime, double Duration, string? Title);
