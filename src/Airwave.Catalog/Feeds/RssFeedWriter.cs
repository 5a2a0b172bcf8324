using System.Globalization;
using System.Text;
using System.Xml;

namespace Airwave.Catalog.Feeds;

/// <summary>The show as the feed presents it.</summary>
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
}

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
    FeedAlternate? Alternate);

/// <summary>Another rendition of the audio (podcast:alternateEnclosure), with its SHA-256 for podcast:integrity.</summary>
internal sealed record FeedAlternate(string Url, long Length, string Type, int? BitrateKbps, string Sha256Hex);

/// <summary>
/// Writes RSS 2.0 with the itunes, podcast (Podcasting 2.0), atom and content namespaces. Every user string goes
/// through XmlWriter (escaped) or a CDATA section (HTML show notes, already sanitised when rendered), so any title
/// or note yields well-formed XML.
/// </summary>
internal static class RssFeedWriter
{
    private const string Itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    private const string PodcastNs = "https://podcastindex.org/namespace/1.0";
    private const string Atom = "http://www.w3.org/2005/Atom";
    private const string Content = "http://purl.org/rss/1.0/modules/content/";

    public static byte[] Write(FeedChannel channel, IReadOnlyList<FeedItem> items)
    {
        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, Async = false };
        using (var xml = XmlWriter.Create(stream, settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("rss");
            xml.WriteAttributeString("version", "2.0");
            xml.WriteAttributeString("xmlns", "itunes", null, Itunes);
            xml.WriteAttributeString("xmlns", "podcast", null, PodcastNs);
            xml.WriteAttributeString("xmlns", "atom", null, Atom);
            xml.WriteAttributeString("xmlns", "content", null, Content);
            xml.WriteStartElement("channel");
            WriteChannel(xml, channel);
            foreach (var item in items)
            {
                WriteItem(xml, item);
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return stream.ToArray();
    }

    /// <summary>RFC 822 dates as RSS 2.0 requires ("Mon, 09 Mar 2026 10:00:00 GMT").</summary>
    public static string Rfc822(DateTimeOffset time) => time.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture);

    private static void WriteChannel(XmlWriter xml, FeedChannel channel)
    {
        xml.WriteElementString("title", channel.Title);
        xml.WriteStartElement("description");
        xml.WriteCData(channel.DescriptionHtml);
        xml.WriteEndElement();
        xml.WriteElementString("link", channel.Link);
        xml.WriteElementString("language", channel.Language);
        if (channel.Copyright is not null)
        {
            xml.WriteElementString("copyright", channel.Copyright);
        }

        xml.WriteElementString("generator", "Airwave");
        xml.WriteElementString("lastBuildDate", Rfc822(channel.LastBuildDate));
        xml.WriteStartElement("link", Atom);
        xml.WriteAttributeString("href", channel.FeedUrl);
        xml.WriteAttributeString("rel", "self");
        xml.WriteAttributeString("type", "application/rss+xml");
        xml.WriteEndElement();
        // WebSub discovery: subscribers find the hubs here (with the self link above) and hear from them on changes.
        foreach (var hub in channel.Hubs)
        {
            xml.WriteStartElement("link", Atom);
            xml.WriteAttributeString("href", hub);
            xml.WriteAttributeString("rel", "hub");
            xml.WriteEndElement();
        }

        if (channel.ImageUrl is not null)
        {
            xml.WriteStartElement("itunes", "image", Itunes);
            xml.WriteAttributeString("href", channel.ImageUrl);
            xml.WriteEndElement();
            xml.WriteStartElement("image");
            xml.WriteElementString("url", channel.ImageUrl);
            xml.WriteElementString("title", channel.Title);
            xml.WriteElementString("link", channel.Link);
            xml.WriteEndElement();
        }

        xml.WriteStartElement("itunes", "category", Itunes);
        xml.WriteAttributeString("text", channel.Category);
        if (channel.Subcategory is not null)
        {
            xml.WriteStartElement("itunes", "category", Itunes);
            xml.WriteAttributeString("text", channel.Subcategory);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteElementString("itunes", "explicit", Itunes, channel.Explicit ? "true" : "false");
        xml.WriteElementString("itunes", "author", Itunes, channel.Author);
        xml.WriteElementString("itunes", "type", Itunes, channel.Type);
        xml.WriteStartElement("itunes", "owner", Itunes);
        xml.WriteElementString("itunes", "name", Itunes, channel.OwnerName);
        xml.WriteElementString("itunes", "email", Itunes, channel.OwnerEmail);
        xml.WriteEndElement();
        xml.WriteElementString("podcast", "guid", PodcastNs, PodcastGuid.ForFeedUrl(channel.FeedUrl).ToString());
        xml.WriteStartElement("podcast", "locked", PodcastNs);
        xml.WriteAttributeString("owner", channel.OwnerEmail);
        xml.WriteString("no");
        xml.WriteEndElement();
        xml.WriteElementString("podcast", "medium", PodcastNs, "podcast");
    }

    private static void WriteItem(XmlWriter xml, FeedItem item)
    {
        xml.WriteStartElement("item");
        xml.WriteElementString("title", item.Title);
        xml.WriteStartElement("description");
        xml.WriteCData(item.DescriptionHtml);
        xml.WriteEndElement();
        xml.WriteStartElement("content", "encoded", Content);
        xml.WriteCData(item.DescriptionHtml);
        xml.WriteEndElement();
        xml.WriteStartElement("guid");
        xml.WriteAttributeString("isPermaLink", "false");
        xml.WriteString(item.Guid);
        xml.WriteEndElement();
        xml.WriteElementString("pubDate", Rfc822(item.PubDate));
        xml.WriteStartElement("enclosure");
        xml.WriteAttributeString("url", item.EnclosureUrl);
        xml.WriteAttributeString("length", item.EnclosureLength.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("type", item.EnclosureType);
        xml.WriteEndElement();
        xml.WriteElementString("itunes", "duration", Itunes, item.DurationSeconds.ToString(CultureInfo.InvariantCulture));
        if (item.ImageUrl is not null)
        {
            xml.WriteStartElement("itunes", "image", Itunes);
            xml.WriteAttributeString("href", item.ImageUrl);
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

        if (item.Alternate is { } alternate)
        {
            xml.WriteStartElement("podcast", "alternateEnclosure", PodcastNs);
            xml.WriteAttributeString("type", alternate.Type);
            xml.WriteAttributeString("length", alternate.Length.ToString(CultureInfo.InvariantCulture));
            if (alternate.BitrateKbps is { } kbps)
            {
                xml.WriteAttributeString("bitrate", (kbps * 1000).ToString(CultureInfo.InvariantCulture));
            }

            xml.WriteStartElement("podcast", "source", PodcastNs);
            xml.WriteAttributeString("uri", alternate.Url);
            xml.WriteEndElement();
            xml.WriteStartElement("podcast", "integrity", PodcastNs);
            xml.WriteAttributeString("type", "sri");
            xml.WriteAttributeString("value", "sha256-" + Convert.ToBase64String(Convert.FromHexString(alternate.Sha256Hex)));
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }
}
