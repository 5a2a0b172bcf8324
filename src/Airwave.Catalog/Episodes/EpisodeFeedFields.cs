using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;

namespace Airwave.Catalog.Episodes;

/// <summary>
/// An episode's Podcasting 2.0 fields, as sent on create, as they stand after a patch is merged, and as the API
/// returns them. Lists are replaced as a whole.
/// </summary>
internal sealed record EpisodeFeedFields(
    IReadOnlyList<TranscriptLink>? Transcripts,
    string? ChaptersUrl,
    IReadOnlyList<Soundbite>? Soundbites,
    IReadOnlyList<PersonCredit>? Persons,
    IReadOnlyList<Chapter>? Chapters = null)
{
    public static EpisodeFeedFields From(EpisodeRow row) => new(
        FeedJson.List<TranscriptLink>(row.Transcripts),
        row.ChaptersUrl,
        FeedJson.List<Soundbite>(row.Soundbites),
        FeedJson.List<PersonCredit>(row.Persons),
        FeedJson.List<Chapter>(row.Chapters));

    /// <param name="durationMs">The episode's duration when its media is processed: soundbites must fall inside it.</param>
    /// <param name="chaptersSent">
    /// Whether the request sent the chapters: only then must they start within the duration, so stored chapters that a
    /// later, shorter upload outran do not block unrelated changes (the creator fixes them when editing them).
    /// </param>
    public EpisodeFeedFields Validate(long? durationMs, FieldErrors errors, bool chaptersSent = true) => new(
        FeedFieldRules.Transcripts(Transcripts, errors),
        FeedFieldRules.HttpsUrl(ChaptersUrl, "chapters_url", errors),
        FeedFieldRules.Soundbites(Soundbites, durationMs / 1000.0, errors),
        FeedFieldRules.Persons(Persons, errors),
        FeedFieldRules.Chapters(Chapters, chaptersSent ? durationMs / 1000.0 : null, errors));

    public EpisodeRow ApplyTo(EpisodeRow row) => row with
    {
        Transcripts = FeedJson.WriteList(Transcripts),
        ChaptersUrl = ChaptersUrl,
        Soundbites = FeedJson.WriteList(Soundbites),
        Persons = FeedJson.WriteList(Persons),
        Chapters = FeedJson.WriteList(Chapters),
    };
}
