using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;

namespace Airwave.Catalog.Podcasts;

/// <summary>
/// A podcast's feed-only fields (Apple's situational tags and the Podcasting 2.0 namespace), as sent on create, as
/// they stand after a patch is merged, and as the API returns them. Lists and objects are replaced as a whole.
/// </summary>
internal sealed record PodcastFeedFields(
    string? NewFeedUrl,
    bool? ItunesBlock,
    bool? ItunesComplete,
    bool? Locked,
    IReadOnlyList<FundingLink>? Funding,
    IReadOnlyList<PersonCredit>? Persons,
    PlaceValue? Location,
    LicenseValue? License,
    IReadOnlyList<TxtRecord>? Txt,
    UpdateFrequencyValue? UpdateFrequency)
{
    public static PodcastFeedFields From(PodcastRow row) => new(
        row.NewFeedUrl,
        row.ItunesBlock,
        row.ItunesComplete,
        row.Locked,
        FeedJson.List<FundingLink>(row.Funding),
        FeedJson.List<PersonCredit>(row.Persons),
        FeedJson.Object<PlaceValue>(row.Location),
        FeedJson.Object<LicenseValue>(row.License),
        FeedJson.List<TxtRecord>(row.Txt),
        FeedJson.Object<UpdateFrequencyValue>(row.UpdateFrequency));

    /// <summary>Checks every field, adding reasons to <paramref name="errors"/>; returns the values canonical, defaults filled in.</summary>
    public PodcastFeedFields Validate(FieldErrors errors) => new(
        FeedFieldRules.HttpsUrl(NewFeedUrl, "new_feed_url", errors),
        ItunesBlock ?? false,
        ItunesComplete ?? false,
        Locked ?? false,
        FeedFieldRules.Funding(Funding, errors),
        FeedFieldRules.Persons(Persons, errors),
        FeedFieldRules.Location(Location, errors),
        FeedFieldRules.License(License, errors),
        FeedFieldRules.Txt(Txt, errors),
        FeedFieldRules.UpdateFrequency(UpdateFrequency, errors));

    /// <summary>The row with these (validated) fields written into its columns.</summary>
    public PodcastRow ApplyTo(PodcastRow row) => row with
    {
        NewFeedUrl = NewFeedUrl,
        ItunesBlock = ItunesBlock ?? false,
        ItunesComplete = ItunesComplete ?? false,
        Locked = Locked ?? false,
        Funding = FeedJson.WriteList(Funding),
        Persons = FeedJson.WriteList(Persons),
        Location = FeedJson.WriteObject(Location),
        License = FeedJson.WriteObject(License),
        Txt = FeedJson.WriteList(Txt),
        UpdateFrequency = FeedJson.WriteObject(UpdateFrequency),
    };
}
