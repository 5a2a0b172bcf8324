using System.Globalization;
using System.Text;
using System.Xml;

namespace Airwave.Catalog.Feeds;

/// <summary>The show as the feed presents it.</summary>
/// <param name="LastBuildDate">When the feed's content last changed (also its HTTP Last-Modified).</param>
internal sealed record FeedChannel(
    string Title,
    string DescriptionHtml,
    string Link,
    string Language,
    string? Copyright,
    string Author,
    string OwnerName,
    string OwnerEmail,
    string Category,
    string? Subcategory,
    bool Explicit,
    string Type,
    string? ImageUrl,
    string FeedUrl,
    DateTimeOffset LastBuildDate)
{
    /// <summary>WebSub hubs that hear when the feed changes (Notifications:WebSubHubs).</summary>
    public IReadOnlyList<string> Hubs { get; init; } = [];

    /// <summary>The podcast's assigned podcast:guid; when null, derived from <see cref="FeedUrl"/>.</summary>
    public Guid? PodcastGuid { get; init; }

    public string? NewFeedUrl { get; init; }
    public bool Block { get; init; }
    public bool Complete { get; init; }
    public bool Locked { get; init; }
    public IReadOnlyList<FundingLink> Funding { get; init; } = [];
    public IReadOnlyList<PersonCredit> Persons { get; init; } = [];
    public PlaceValue? Location { get; init; }
    public LicenseValue? License { get; init; }
    public IReadOnlyList<TxtRecord> Txt { get; init; } = [];
    public UpdateFrequencyValue? UpdateFrequency { get; init; }

    /// <summary>The newest episode's publication time (channel pubDate).</summary>
    public DateTimeOffset? PubDate { get; init; }

    /// <summary>RFC 5005 paging links; null for one complete feed.</summary>
    public FeedPaging? Paging { get; init; }

    /// <summary>This document's own URL (a page of a paged feed); null when it is <see cref="FeedUrl"/>.</summary>
    public string? SelfUrl { get; init; }
}

/// <summary>Where the other pages of a paged feed (RFC 5005) are: previous is newer, next is older.</summary>
internal sealed record FeedPaging(string FirstUrl, string? PreviousUrl, string? NextUrl, string LastUrl);

/// <summary>One published episode as the feed presents it.</summary>
internal sealed record FeedItem(
    string Guid,
    string Title,
    string DescriptionHtml,
    DateTimeOffset PubDate,
    string EnclosureUrl,
    long EnclosureLength,
    string EnclosureType,
    long DurationSeconds,
    string? ImageUrl,
    int? Season,
    int? Episode,
    string EpisodeType,
    bool Explicit,
    FeedAlternate? Alternate)
{
    public IReadOnlyList<TranscriptLink> Transcripts { get; init; } = [];

    /// <summary>The episode's own chapters file, or the one Airwave serves from the chapters embedded in its media.</summary>
    public string? ChaptersUrl { get; init; }

    public IReadOnlyList<Soundbite> Soundbites { get; init; } = [];
    public IReadOnlyList<PersonCredit> Persons { get; init; } = [];
}

/// <summary>Another rendition of the audio (podcast:alternateEnclosure), with its SHA-256 for podcast:integrity.</summary>
internal sealed record FeedAlternate(string Url, long Length, string Type, int? BitrateKbps, string Sha256Hex);

/// <summary>A written feed, and where its lastBuildDate sits (the bytes that differ between two builds of the same content).</summary>
internal readonly record struct FeedDocument(byte[] Body, int StampStart, int StampEnd);

/// <summary>
/// Writes RSS 2.0 with the itunes, podcast (Podcasting 2.0), atom, content and RFC 5005 (fh) namespaces straight
/// into a buffer. Every user string goes through XmlWriter (escaped) or a CDATA section (HTML show notes, already
/// sanitised when rendered), after characters XML cannot carry are removed, so any input yields well-formed XML.
/// </summary>
internal static class RssFeedWriter
{
    public const string Itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    public const string PodcastNs = "https://podcastindex.org/namespace/1.0";
    public const string Atom = "http://www.w3.org/2005/Atom";
    public const string Content = "http://purl.org/rss/1.0/modules/content/";
    public const string FeedHistory = "http://purl.org/syndication/history/1.0";

    // Every string is made XML-safe here (XmlSafe) before it is written, so the writer need not check characters again.
    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = true, Async = false, CheckCharacters = false };

    public static byte[] Write(FeedChannel channel, IReadOnlyList<FeedItem> items) => WriteDocument(channel, items).Body;

    public static FeedDocument WriteDocument(FeedChannel channel, IReadOnlyList<FeedItem> items) => WriteDocument(channel, ItemFragments(items));

    /// <summary>
    /// The feed document from its channel and its items already written as fragments (<see cref="ItemFragments"/>):
    /// the items' bytes are copied in as they are, so a rebuild re-writes only the items that changed.
    /// </summary>
    public static FeedDocument WriteDocument(FeedChannel channel, IReadOnlyList<byte[]> itemFragments)
    {
        var size = 4096;
        foreach (var fragment in itemFragments)
        {
            size += fragment.Length;
        }

        using var stream = new MemoryStream(size);
        int stampStart, stampEnd;
        using (var xml = XmlWriter.Create(stream, Settings))
        {
            StartChannel(xml);
            (stampStart, stampEnd) = WriteChannel(xml, stream, channel);
            xml.Flush();
            foreach (var fragment in itemFragments)
            {
                stream.Write(fragment);
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return new FeedDocument(stream.ToArray(), stampStart, stampEnd);
    }

    /// <summary>
    /// Each item written as the exact bytes it takes inside a feed document (same namespace prefixes, same
    /// indentation), so it can be kept and copied into later builds.
    /// </summary>
    public static byte[][] ItemFragments(IReadOnlyList<FeedItem> items)
    {
        if (items.Count == 0)
        {
            return [];
        }

        using var stream = new MemoryStream(items.Count * 3072);
        var bounds = new (int Start, int End)[items.Count];
        using (var xml = XmlWriter.Create(stream, Settings))
        {
            StartChannel(xml);
            // A first child closes channel's start tag, so each item below begins with its own line break and indent.
            xml.WriteElementString("generator", "Airwave");
            for (var i = 0; i < items.Count; i++)
            {
                xml.Flush();
                var start = (int)stream.Position;
                WriteItem(xml, items[i]);
                xml.Flush();
                bounds[i] = (start, (int)stream.Position);
            }
        }

        var buffer = stream.GetBuffer();
        var fragments = new byte[items.Count][];
        for (var i = 0; i < items.Count; i++)
        {
            fragments[i] = buffer.AsSpan(bounds[i].Start, bounds[i].End - bounds[i].Start).ToArray();
        }

        return fragments;
    }

    private static void StartChannel(XmlWriter xml)
    {
        xml.WriteStartDocument();
        xml.WriteStartElement("rss");
        xml.WriteAttributeString("version", "2.0");
        xml.WriteAttributeString("xmlns", "itunes", null, Itunes);
        xml.WriteAttributeString("xmlns", "podcast", null, PodcastNs);
        xml.WriteAttributeString("xmlns", "atom", null, Atom);
        xml.WriteAttributeString("xmlns", "content", null, Content);
        xml.WriteAttributeString("xmlns", "fh", null, FeedHistory);
        xml.WriteStartElement("channel");
    }

    /// <summary>RFC 822 dates as RSS 2.0 requires ("Mon, 09 Mar 2026 10:00:00 GMT").</summary>
    public static string Rfc822(DateTimeOffset time) => time.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="text"/> without the characters XML 1.0 cannot carry (most control characters, unpaired
    /// surrogates, U+FFFE/U+FFFF). Returns the same string when there are none, which is the usual case.
    /// </summary>
    public static string XmlSafe(string text)
    {
        var bad = FirstInvalid(text);
        if (bad < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        builder.Append(text, 0, bad);
        for (var i = bad; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (XmlConvert.IsXmlChar(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static int FirstInvalid(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (!XmlConvert.IsXmlChar(c))
            {
                return i;
            }
        }

        return -1;
    }

    private static (int Start, int End) WriteChannel(XmlWriter xml, MemoryStream stream, FeedChannel channel)
    {
        Element(xml, "title", channel.Title);
        Element(xml, "link", channel.Link);
        CData(xml, "description", null, channel.DescriptionHtml);
        Element(xml, "language", channel.Language);
        if (channel.Copyright is not null)
        {
            Element(xml, "copyright", channel.Copyright);
        }

        xml.WriteElementString("generator", "Airwave");
        xml.Flush();
        var stampStart = (int)stream.Position;
        xml.WriteElementString("lastBuildDate", Rfc822(channel.LastBuildDate));
        xml.Flush();
        var stampEnd = (int)stream.Position;
        if (channel.PubDate is { } pubDate)
        {
            xml.WriteElementString("pubDate", Rfc822(pubDate));
        }

        AtomLink(xml, "self", channel.SelfUrl ?? channel.FeedUrl);

        // WebSub discovery: subscribers find the hubs here (with the self link above) and hear from them on changes.
        foreach (var hub in channel.Hubs)
        {
            AtomLink(xml, "hub", hub);
        }

        if (channel.Paging is { } paging)
        {
            AtomLink(xml, "first", paging.FirstUrl);
            if (paging.PreviousUrl is not null)
            {
                // RFC 5005 names it "previous"; "prev" is the registered synonym some readers look for.
                AtomLink(xml, "previous", paging.PreviousUrl);
                AtomLink(xml, "prev", paging.PreviousUrl);
            }

            if (paging.NextUrl is not null)
            {
                AtomLink(xml, "next", paging.NextUrl);
            }

            AtomLink(xml, "last", paging.LastUrl);
        }
        else
        {
            // RFC 5005 section 2: this one document holds every entry.
            xml.WriteStartElement("fh", "complete", FeedHistory);
            xml.WriteEndElement();
        }

        if (channel.ImageUrl is not null)
        {
            xml.WriteStartElement("image");
            Element(xml, "url", channel.ImageUrl);
            Element(xml, "title", channel.Title);
            Element(xml, "link", channel.Link);
            xml.WriteEndElement();
            xml.WriteStartElement("itunes", "image", Itunes);
            Attribute(xml, "href", channel.ImageUrl);
            xml.WriteEndElement();
        }

        xml.WriteStartElement("itunes", "category", Itunes);
        Attribute(xml, "text", channel.Category);
        if (channel.Subcategory is not null)
        {
            xml.WriteStartElement("itunes", "category", Itunes);
            Attribute(xml, "text", channel.Subcategory);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteElementString("itunes", "explicit", Itunes, channel.Explicit ? "true" : "false");
        Element(xml, "itunes", "author", Itunes, channel.Author);
        xml.WriteElementString("itunes", "type", Itunes, channel.Type);
        xml.WriteStartElement("itunes", "owner", Itunes);
        Element(xml, "itunes", "name", Itunes, channel.OwnerName);
        Element(xml, "itunes", "email", Itunes, channel.OwnerEmail);
        xml.WriteEndElement();
        if (channel.NewFeedUrl is not null)
        {
            Element(xml, "itunes", "new-feed-url", Itunes, channel.NewFeedUrl);
        }

        // Apple reads only "Yes"; any other value (or none) means not blocked, not complete.
        if (channel.Block)
        {
            xml.WriteElementString("itunes", "block", Itunes, "Yes");
        }

        if (channel.Complete)
        {
            xml.WriteElementString("itunes", "complete", Itunes, "Yes");
        }

        xml.WriteElementString("podcast", "guid", PodcastNs, (channel.PodcastGuid ?? PodcastGuid.ForFeedUrl(channel.FeedUrl)).ToString());
        xml.WriteStartElement("podcast", "locked", PodcastNs);
        Attribute(xml, "owner", channel.OwnerEmail);
        xml.WriteString(channel.Locked ? "yes" : "no");
        xml.WriteEndElement();
        foreach (var funding in channel.Funding)
        {
            xml.WriteStartElement("podcast", "funding", PodcastNs);
            Attribute(xml, "url", funding.Url);
            Text(xml, funding.Label);
            xml.WriteEndElement();
        }

        WritePersons(xml, channel.Persons);
        WriteLocation(xml, channel.Location);
        if (channel.License is { } license)
        {
            xml.WriteStartElement("podcast", "license", PodcastNs);
            Attribute(xml, "url", license.Url);
            Text(xml, license.Identifier);
            xml.WriteEndElement();
        }

        xml.WriteElementString("podcast", "medium", PodcastNs, "podcast");
        foreach (var txt in channel.Txt)
        {
            xml.WriteStartElement("podcast", "txt", PodcastNs);
            Attribute(xml, "purpose", txt.Purpose);
            Text(xml, txt.Value);
            xml.WriteEndElement();
        }

        if (channel.UpdateFrequency is { } frequency)
        {
            xml.WriteStartElement("podcast", "updateFrequency", PodcastNs);
            if (frequency.Complete == true)
            {
                xml.WriteAttributeString("complete", "true");
            }

            if (frequency.Dtstart is { } start)
            {
                xml.WriteAttributeString("dtstart", start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            }

            Attribute(xml, "rrule", frequency.Rrule);
            Text(xml, frequency.Label);
            xml.WriteEndElement();
        }

        return (stampStart, stampEnd);
    }

    private static void WriteItem(XmlWriter xml, FeedItem item)
    {
        xml.WriteStartElement("item");
        Element(xml, "title", item.Title);
        CData(xml, "description", null, item.DescriptionHtml);
        CData(xml, "encoded", Content, item.DescriptionHtml);
        xml.WriteStartElement("guid");
        xml.WriteAttributeString("isPermaLink", "false");
        Text(xml, item.Guid);
        xml.WriteEndElement();
        xml.WriteElementString("pubDate", Rfc822(item.PubDate));
        xml.WriteStartElement("enclosure");
        Attribute(xml, "url", item.EnclosureUrl);
        xml.WriteAttributeString("length", item.EnclosureLength.ToString(CultureInfo.InvariantCulture));
        Attribute(xml, "type", item.EnclosureType);
        xml.WriteEndElement();
        xml.WriteElementString("itunes", "duration", Itunes, item.DurationSeconds.ToString(CultureInfo.InvariantCulture));
        if (item.ImageUrl is not null)
        {
            xml.WriteStartElement("itunes", "image", Itunes);
            Attribute(xml, "href", item.ImageUrl);
            xml.WriteEndElement();
        }

        xml.WriteElementString("itunes", "episodeType", Itunes, item.EpisodeType);
        xml.WriteElementString("itunes", "explicit", Itunes, item.Explicit ? "true" : "false");
        if (item.Season is { } season)
        {
            xml.WriteElementString("itunes", "season", Itunes, season.ToString(CultureInfo.InvariantCulture));
            xml.WriteElementString("podcast", "season", PodcastNs, season.ToString(CultureInfo.InvariantCulture));
        }

        if (item.Episode is { } episode)
        {
            xml.WriteElementString("itunes", "episode", Itunes, episode.ToString(CultureInfo.InvariantCulture));
            xml.WriteElementString("podcast", "episode", PodcastNs, episode.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var transcript in item.Transcripts)
        {
            xml.WriteStartElement("podcast", "transcript", PodcastNs);
            Attribute(xml, "url", transcript.Url);
            Attribute(xml, "type", transcript.Type);
            Attribute(xml, "language", transcript.Language);
            Attribute(xml, "rel", transcript.Rel);
            xml.WriteEndElement();
        }

        if (item.ChaptersUrl is not null)
        {
            xml.WriteStartElement("podcast", "chapters", PodcastNs);
            Attribute(xml, "url", item.ChaptersUrl);
            xml.WriteAttributeString("type", "application/json+chapters");
            xml.WriteEndElement();
        }

        foreach (var soundbite in item.Soundbites)
        {
            // A soundbite past the end (the audio was replaced by a shorter one) would point at nothing.
            if (item.DurationSeconds > 0 && soundbite.StartTime + soundbite.Duration > item.DurationSeconds + 1)
            {
                continue;
            }

            xml.WriteStartElement("podcast", "soundbite", PodcastNs);
            xml.WriteAttributeString("startTime", Seconds(soundbite.StartTime ?? 0));
            xml.WriteAttributeString("duration", Seconds(soundbite.Duration ?? 0));
            Text(xml, soundbite.Title);
            xml.WriteEndElement();
        }

        WritePersons(xml, item.Persons);
        if (item.Alternate is { } alternate)
        {
            xml.WriteStartElement("podcast", "alternateEnclosure", PodcastNs);
            Attribute(xml, "type", alternate.Type);
            xml.WriteAttributeString("length", alternate.Length.ToString(CultureInfo.InvariantCulture));
            if (alternate.BitrateKbps is { } kbps)
            {
                xml.WriteAttributeString("bitrate", (kbps * 1000).ToString(CultureInfo.InvariantCulture));
            }

            xml.WriteStartElement("podcast", "source", PodcastNs);
            Attribute(xml, "uri", alternate.Url);
            xml.WriteEndElement();
            xml.WriteStartElement("podcast", "integrity", PodcastNs);
            xml.WriteAttributeString("type", "sri");
            xml.WriteAttributeString("value", "sha256-" + Convert.ToBase64String(Convert.FromHexString(alternate.Sha256Hex)));
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void WritePersons(XmlWriter xml, IReadOnlyList<PersonCredit> persons)
    {
        foreach (var person in persons)
        {
            xml.WriteStartElement("podcast", "person", PodcastNs);
            Attribute(xml, "role", person.Role);
            Attribute(xml, "group", person.Group);
            Attribute(xml, "img", person.Img);
            Attribute(xml, "href", person.Href);
            Text(xml, person.Name);
            xml.WriteEndElement();
        }
    }

    private static void WriteLocation(XmlWriter xml, PlaceValue? location)
    {
        if (location is null)
        {
            return;
        }

        xml.WriteStartElement("podcast", "location", PodcastNs);
        Attribute(xml, "geo", location.Geo);
        Attribute(xml, "osm", location.Osm);
        Text(xml, location.Name);
        xml.WriteEndElement();
    }

    private static void AtomLink(XmlWriter xml, string rel, string href)
    {
        xml.WriteStartElement("atom", "link", Atom);
        Attribute(xml, "href", href);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("type", "application/rss+xml");
        xml.WriteEndElement();
    }

    private static string Seconds(double seconds) => seconds.ToString("0.0##", CultureInfo.InvariantCulture);

    private static void Element(XmlWriter xml, string name, string value) => xml.WriteElementString(name, XmlSafe(value));

    private static void Element(XmlWriter xml, string prefix, string name, string ns, string value) =>
        xml.WriteElementString(prefix, name, ns, XmlSafe(value));

    private static void CData(XmlWriter xml, string name, string? ns, string html)
    {
        if (ns is null)
        {
            xml.WriteStartElement(name);
        }
        else
        {
            xml.WriteStartElement("content", name, ns);
        }

        // XmlWriter splits a "]]>" inside the text across two CDATA sections.
        xml.WriteCData(XmlSafe(html));
        xml.WriteEndElement();
    }

    private static void Attribute(XmlWriter xml, string name, string? value)
    {
        if (value is not null)
        {
            xml.WriteAttributeString(name, XmlSafe(value));
        }
    }

    private static void Text(XmlWriter xml, string? value)
    {
        if (value is not null)
        {
            xml.WriteString(XmlSafe(value));
        }
    }
}
