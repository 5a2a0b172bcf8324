using System.Xml;
using System.Xml.Linq;

namespace Airwave.Catalog.Import;

/// <summary>
/// Reads an existing show's RSS 2.0 feed with the itunes, content and Podcasting 2.0 namespaces into an
/// <see cref="ImportedFeed"/>. Lenient where real feeds vary (namespace spellings, dates, durations, flags), strict
/// where the show would break: no channel or no title is an error; an item without an audio enclosure is skipped with a
/// warning. DTDs are ignored and nothing external is resolved, so a hostile feed cannot read files or expand entities.
/// </summary>
internal static class ImportFeedReader
{
    private static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";

    /// <summary>Apple's namespace; some feeds spell it with capitals, which XML treats as another namespace.</summary>
    private static readonly string[] ItunesNamespaces = ["http://www.itunes.com/dtds/podcast-1.0.dtd"];

    /// <summary>The Podcasting 2.0 namespace and the address it had before it moved.</summary>
    private static readonly string[] PodcastNamespaces =
        ["https://podcastindex.org/namespace/1.0", "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"];

    /// <summary>The feed, or the reason it cannot be imported (meant for the creator).</summary>
    public static (ImportedFeed? Feed, string? Problem) Read(Stream xml)
    {
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(xml, new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Ignore,
                XmlResolver = null,
                MaxCharactersFromEntities = 0,
                IgnoreComments = true,
            });
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            return (null, $"The feed is not well-formed XML (line {e.LineNumber}, position {e.LinePosition}): {e.Message}");
        }

        var channel = document.Root is { Name.LocalName: "rss" } rss ? rss.Element("channel") : null;
        if (channel is null)
        {
            return (null, "The document is not an RSS 2.0 feed (no <rss><channel>).");
        }

        var title = Text(channel.Element("title")) ?? Text(Itunes(channel, "title"));
        if (string.IsNullOrWhiteSpace(title))
        {
            return (null, "The feed's channel has no title.");
        }

        var warnings = new List<string>();
        var items = new List<ImportedItem>();
        var guids = new HashSet<string>(StringComparer.Ordinal);
        var position = 0;
        foreach (var element in channel.Elements("item"))
        {
            position++;
            var item = ReadItem(element, position, warnings);
            if (item is null)
            {
                continue;
            }

            if (!guids.Add(item.Guid))
            {
                warnings.Add($"Item {position} (\"{item.Title}\") repeats the guid \"{item.Guid}\" of an earlier item; only the first is imported.");
                continue;
            }

            items.Add(item);
        }

        return (new ImportedFeed(ReadChannel(channel, title), items, warnings), null);
    }

    private static ImportedChannel ReadChannel(XElement channel, string title)
    {
        var owner = Itunes(channel, "owner");
        var category = Itunes(channel, "category");
        var locked = Podcast(channel, "locked");
        var podcastGuid = Text(Podcast(channel, "guid"));
        return new ImportedChannel
        {
            Title = title,
            DescriptionHtml = Text(channel.Element("description")) ?? Text(Itunes(channel, "summary")) ?? "",
            Link = FeedValues.HttpUrl(Text(channel.Element("link"))),
            Language = Text(channel.Element("language")),
            Copyright = Text(channel.Element("copyright")),
            Author = Text(Itunes(channel, "author")),
            OwnerName = Text(owner is null ? null : Itunes(owner, "name")),
            OwnerEmail = Text(owner is null ? null : Itunes(owner, "email")) ?? Text(channel.Element("managingEditor")),
            ImageUrl = FeedValues.HttpUrl(Attribute(Itunes(channel, "image"), "href") ?? Text(channel.Element("image")?.Element("url"))),
            Category = Attribute(category, "text"),
            Subcategory = Attribute(category is null ? null : Itunes(category, "category"), "text"),
            Explicit = FeedValues.ParseFlag(Text(Itunes(channel, "explicit"))) ?? false,
            PodcastType = string.Equals(Text(Itunes(channel, "type")), "serial", StringComparison.OrdinalIgnoreCase) ? "serial" : "episodic",
            NewFeedUrl = FeedValues.HttpUrl(Text(Itunes(channel, "new-feed-url"))),
            Block = FeedValues.ParseFlag(Text(Itunes(channel, "block"))) ?? false,
            Complete = FeedValues.ParseFlag(Text(Itunes(channel, "complete"))) ?? false,
            PodcastGuid = Guid.TryParse(podcastGuid, out var guid) ? guid : null,
            Locked = FeedValues.ParseFlag(Text(locked)) ?? false,
            LockedOwner = Attribute(locked, "owner"),
            Medium = Text(Podcast(channel, "medium")),
            Funding = [.. Podcasts(channel, "funding")
                .Select(f => FeedValues.HttpUrl(Attribute(f, "url")) is { } url ? new ImportedFunding(url, Text(f)) : null)
                .OfType<ImportedFunding>()],
            Persons = ReadPersons(channel),
            Location = Podcast(channel, "location") is { } location && Text(location) is { } place
                ? new ImportedLocation(place, Attribute(location, "geo"), Attribute(location, "osm"))
                : null,
            License = Podcast(channel, "license") is { } license && Text(license) is { } identifier
                ? new ImportedLicense(identifier, FeedValues.HttpUrl(Attribute(license, "url")))
                : null,
            Txt = [.. Podcasts(channel, "txt").Select(t => Text(t) is { } value ? new ImportedTxt(Attribute(t, "purpose"), value) : null).OfType<ImportedTxt>()],
            UpdateFrequency = Podcast(channel, "updateFrequency") is { } frequency && Text(frequency) is { } label
                ? new ImportedUpdateFrequency(label, Attribute(frequency, "rrule"), FeedValues.ParseFlag(Attribute(frequency, "complete")) ?? false)
                : null,
        };
    }

    private static ImportedItem? ReadItem(XElement item, int position, List<string> warnings)
    {
        var title = Text(item.Element("title")) ?? Text(Itunes(item, "title"));
        var enclosure = item.Element("enclosure");
        var url = FeedValues.HttpUrl(Attribute(enclosure, "url"));
        var name = title is null ? $"Item {position}" : $"Item {position} (\"{title}\")";
        if (url is null)
        {
            warnings.Add($"{name} has no enclosure with an http(s) URL; skipped.");
            return null;
        }

        var type = Attribute(enclosure, "type");
        if (type is not null && !type.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) && !type.StartsWith("video/", StringComparison.OrdinalIgnoreCase))
        {
            warnings.Add($"{name} encloses \"{type}\", not audio; skipped.");
            return null;
        }

        var guid = Text(item.Element("guid")) ?? url;
        var published = Text(item.Element("pubDate"));
        var publishedAt = FeedValues.ParseDate(published);
        if (published is not null && publishedAt is null)
        {
            warnings.Add($"{name} has a pubDate that cannot be read (\"{published}\"); it is imported as a draft.");
        }

        var episodeType = Text(Itunes(item, "episodeType"))?.ToLowerInvariant();
        return new ImportedItem
        {
            Guid = guid,
            Title = title ?? $"Episode {position}",
            DescriptionHtml = Text(item.Element(Content + "encoded")) ?? Text(item.Element("description")) ?? Text(Itunes(item, "summary")) ?? "",
            PublishedAt = publishedAt,
            Enclosure = new ImportedEnclosure(url, long.TryParse(Attribute(enclosure, "length"), out var length) && length > 0 ? length : null, type),
            DurationSeconds = FeedValues.ParseDuration(Text(Itunes(item, "duration"))),
            ImageUrl = FeedValues.HttpUrl(Attribute(Itunes(item, "image"), "href")),
            Season = FeedValues.ParseNumber(Text(Itunes(item, "season"))) ?? FeedValues.ParseNumber(Text(Podcast(item, "season"))),
            Episode = FeedValues.ParseNumber(Text(Itunes(item, "episode"))) ?? FeedValues.ParseNumber(Text(Podcast(item, "episode"))),
            EpisodeType = episodeType is "trailer" or "bonus" ? episodeType : "full",
            Explicit = FeedValues.ParseFlag(Text(Itunes(item, "explicit"))),
            Transcripts = [.. Podcasts(item, "transcript")
                .Select(t => FeedValues.HttpUrl(Attribute(t, "url")) is { } transcriptUrl && Attribute(t, "type") is { } transcriptType
                    ? new ImportedTranscript(transcriptUrl, transcriptType, Attribute(t, "language"), Attribute(t, "rel"))
                    : null)
                .OfType<ImportedTranscript>()],
            ChaptersUrl = FeedValues.HttpUrl(Attribute(Podcast(item, "chapters"), "url")),
            Soundbites = [.. Podcasts(item, "soundbite")
                .Select(s => FeedValues.ParseSeconds(Attribute(s, "startTime")) is { } start && FeedValues.ParseSeconds(Attribute(s, "duration")) is { } duration
                    ? new ImportedSoundbite(start, duration, Text(s))
                    : null)
                .OfType<ImportedSoundbite>()],
            Persons = ReadPersons(item),
        };
    }

    private static List<ImportedPerson> ReadPersons(XElement parent) =>
        [.. Podcasts(parent, "person")
            .Select(p => Text(p) is { } name
                ? new ImportedPerson(name, Attribute(p, "role")?.ToLowerInvariant(), Attribute(p, "group")?.ToLowerInvariant(),
                    FeedValues.HttpUrl(Attribute(p, "img")), FeedValues.HttpUrl(Attribute(p, "href")))
                : null)
            .OfType<ImportedPerson>()];

    private static XElement? Itunes(XElement parent, string name) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == name && IsIn(e.Name.NamespaceName, ItunesNamespaces));

    private static XElement? Podcast(XElement parent, string name) => Podcasts(parent, name).FirstOrDefault();

    private static IEnumerable<XElement> Podcasts(XElement parent, string name) =>
        parent.Elements().Where(e => e.Name.LocalName == name && IsIn(e.Name.NamespaceName, PodcastNamespaces));

    private static bool IsIn(string ns, string[] namespaces) =>
        namespaces.Any(n => string.Equals(n, ns.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));

    /// <summary>Trimmed text content, or null when there is none.</summary>
    private static string? Text(XElement? element) => element?.Value.Trim() is { Length: > 0 } text ? text : null;

    private static string? Attribute(XElement? element, string name) =>
        element?.Attribute(name)?.Value.Trim() is { Length: > 0 } value ? value : null;
}
