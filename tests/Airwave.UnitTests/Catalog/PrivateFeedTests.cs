using System.Text;
using System.Xml.Linq;
using Airwave.Catalog.Data;
using Airwave.Catalog.Feeds;
using Airwave.Media.Contracts;

namespace Airwave.UnitTests.Catalog;

public sealed class PrivateFeedTests
{
    private static readonly XNamespace Itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    private static readonly XNamespace Podcast = "https://podcastindex.org/namespace/1.0";
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly DateTimeOffset Built = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Token_Create_PrefixedUrlSafeWellFormedAndDistinct()
    {
        var a = PrivateFeedTokens.Create();
        var b = PrivateFeedTokens.Create();
        a.ShouldNotBe(b);
        a.ShouldStartWith("aw_pf_");
        a.Length.ShouldBe(PrivateFeedTokens.Length);
        Uri.EscapeDataString(a).ShouldBe(a);
        PrivateFeedTokens.IsWellFormed(a).ShouldBeTrue();
        PrivateFeedTokens.DisplayPrefix(a).ShouldBe(a[..12]);
        PrivateFeedTokens.Hash(a).Length.ShouldBe(64);
        PrivateFeedTokens.Hash(a).ShouldNotContain(a[6..]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("aw_pf_short")]
    [InlineData("aw_pat_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 42 after an API token's prefix: right length, wrong kind
    [InlineData("aw_pf_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")] // 43, one not base64url
    [InlineData("aw_pf_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 44
    [InlineData("aw_pf_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/A")] // 43, a slash
    public void Token_NotShapedLikeOurs_IsRefused(string? token) =>
        PrivateFeedTokens.IsWellFormed(token).ShouldBeFalse();

    [Fact]
    public void Token_RightShape_IsAccepted() =>
        PrivateFeedTokens.IsWellFormed("aw_pf_" + new string('A', 41) + "-_").ShouldBeTrue();

    [Fact]
    public void Private_AllEpisodes_BlockedLockedNoHubTokenInEveryAudioUrl()
    {
        var podcast = Show() with { ItunesBlock = false, Locked = false, NewFeedUrl = "https://elsewhere.example.com/feed" };
        var token = PrivateFeedTokens.Create();
        var (rows, renditions) = Episodes(podcast);

        var document = FeedBuilder.Private(podcast, rows, renditions, token, "https://example.com", markdown => markdown);

        var channel = XDocument.Parse(Encoding.UTF8.GetString(document.Body)).Root!.Element("channel")!;
        channel.Elements("item").Select(i => i.Element("title")!.Value).ShouldBe(["Premium", "Public"]);
        channel.Element(Itunes + "block")!.Value.ShouldBe("Yes", StringCompareShould.IgnoreCase);
        channel.Element(Podcast + "locked")!.Value.ShouldBe("yes");
        channel.Element(Itunes + "new-feed-url").ShouldBeNull();
        var links = channel.Elements(Atom + "link").ToList();
        links.ShouldNotContain(l => l.Attribute("rel")!.Value == "hub");
        links.Single(l => l.Attribute("rel")!.Value == "self").Attribute("href")!.Value
            .ShouldBe($"https://example.com/rss/{podcast.Id}/private/{token}");
        foreach (var item in channel.Elements("item"))
        {
            item.Element("enclosure")!.Attribute("url")!.Value.ShouldEndWith($"/audio?token={token}");
            item.Element(Podcast + "alternateEnclosure")!.Element(Podcast + "source")!.Attribute("uri")!.Value.ShouldEndWith($"/audio/aac?token={token}");
        }

        // The same content gives the same bytes (the ETag is their hash).
        FeedBuilder.Private(podcast, rows, renditions, token, "https://example.com", markdown => markdown).Body.ShouldBe(document.Body);
    }

    private static PodcastRow Show() => new()
    {
        Id = Guid.NewGuid(),
        OwnerId = Guid.NewGuid(),
        Title = "Show",
        Description = "About things.",
        Author = "A",
        OwnerName = "O",
        OwnerEmail = "o@example.com",
        Language = "en",
        Category = "Technology",
        Explicit = false,
        PodcastType = "episodic",
        PublishedAt = Built,
        CreatedAt = Built,
        UpdatedAt = Built,
    };

    private static (IReadOnlyList<EpisodeRow> Rows, IReadOnlyDictionary<Guid, IReadOnlyList<MediaRendition>> Renditions) Episodes(PodcastRow podcast)
    {
        var rows = new List<EpisodeRow>();
        var renditions = new Dictionary<Guid, IReadOnlyList<MediaRendition>>();
        foreach (var (title, premium, day) in new[] { ("Premium", true, 2), ("Public", false, 1) })
        {
            var asset = Guid.NewGuid();
            rows.Add(new EpisodeRow
            {
                Id = Guid.NewGuid(), PodcastId = podcast.Id, Guid = title, Title = title, Description = "", EpisodeType = "full", Explicit = false,
                PublishedAt = Built.AddDays(day), DurationMs = 60_000, ProcessedStatus = "ready", LiveAssetId = asset, MediaAssetId = asset,
                CreatedAt = Built, UpdatedAt = Built, Premium = premium,
            });
            renditions[asset] =
            [
                new MediaRendition("mp3", $"media/{title}.mp3", "audio/mpeg", 1000, new string('a', 64), 128, 10),
                new MediaRendition("aac", $"media/{title}.m4a", "audio/mp4", 800, new string('b', 64), 96, 10),
            ];
        }

        return (rows, renditions);
    }
}
