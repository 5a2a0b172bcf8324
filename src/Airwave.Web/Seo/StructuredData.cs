using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using Airwave.Catalog.Contracts;

namespace Airwave.Web.Seo;

/// <summary>
/// schema.org JSON-LD for podcast pages (PodcastSeries) and episode pages (PodcastEpisode). The JSON is written with
/// the default encoder, which escapes &lt;, &gt;, &amp; and quotes as \u sequences, so creator text such as
/// <c>&lt;/script&gt;</c> cannot end the script element it sits in.
/// </summary>
internal static class StructuredData
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static string Series(PublicPodcast podcast, string pageUrl, string feedUrl, string? imageUrl)
    {
        var series = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "PodcastSeries",
            ["name"] = podcast.Title,
            ["description"] = podcast.DescriptionText,
            ["url"] = pageUrl,
            ["webFeed"] = feedUrl,
            ["inLanguage"] = podcast.Language,
            ["genre"] = podcast.Subcategory is null ? podcast.Category : $"{podcast.Category} › {podcast.Subcategory}",
            ["author"] = new JsonObject { ["@type"] = "Person", ["name"] = podcast.Author },
            ["datePublished"] = Texts.IsoDate(podcast.PublishedAt),
        };
        if (imageUrl is not null)
        {
            series["image"] = imageUrl;
        }

        return series.ToJsonString(Options);
    }

    public static string Episode(PublicEpisode episode, PublicPodcast podcast, string pageUrl, string podcastUrl, string? audioUrl,
        string? imageUrl)
    {
        var data = new JsonObject
        {
            ["@context"] = "https://schema.org",
            ["@type"] = "PodcastEpisode",
            ["name"] = episode.Title,
            ["description"] = episode.ShowNotesText,
            ["url"] = pageUrl,
            ["datePublished"] = episode.PublishedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["inLanguage"] = podcast.Language,
            ["partOfSeries"] = new JsonObject { ["@type"] = "PodcastSeries", ["name"] = podcast.Title, ["url"] = podcastUrl },
        };
        if (episode.EpisodeNumber is { } number)
        {
            data["episodeNumber"] = number;
        }

        if (episode.DurationMs is { } duration)
        {
            data["timeRequired"] = IsoDuration(duration);
        }

        if (audioUrl is not null)
        {
            var media = new JsonObject { ["@type"] = "AudioObject", ["contentUrl"] = audioUrl, ["encodingFormat"] = "audio/mpeg" };
            if (episode.DurationMs is { } length)
            {
                media["duration"] = IsoDuration(length);
            }

            data["associatedMedia"] = media;
        }

        if (imageUrl is not null)
        {
            data["image"] = imageUrl;
        }

        return data.ToJsonString(Options);
    }

    /// <summary>ISO 8601 duration (PT1H2M3S), whole seconds.</summary>
    public static string IsoDuration(long milliseconds) => XmlConvert.ToString(TimeSpan.FromSeconds(Math.Round(milliseconds / 1000.0)));
}
