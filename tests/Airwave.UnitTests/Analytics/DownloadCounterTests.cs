using Airwave.Analytics.Counting;
using static Airwave.UnitTests.Analytics.CountingFixture;

namespace Airwave.UnitTests.Analytics;

/// <summary>The counting rules of docs/analytics-methodology.md, one by one, and the examples the analytics issue lists.</summary>
public sealed class DownloadCounterTests
{
    [Fact]
    public void Threshold_OneHourAt128Kbps_IsHeaderPlusOneMinute()
    {
        HourLong.ThresholdBytes.ShouldBe(100_000 + 960_000);
        new EpisodeFile("short", [Url], 1_000_000, 10_000, 60).ThresholdBytes.ShouldBe(1_000_000);
        new EpisodeFile("odd", [Url], 1_000_001, 1, 120).ThresholdBytes.ShouldBe(1 + 500_000);
    }

    [Theory]
    [InlineData(CountingWindow.Calendar)]
    [InlineData(CountingWindow.FirstTouch)]
    [InlineData(CountingWindow.LastTouch)]
    public void FullGet_SameAgainTwoHoursLater_CountsOnce(CountingWindow window)
    {
        var result = Count([Get("2026-03-09T10:00:00Z"), Get("2026-03-09T12:00:00Z")], Settings(window));

        result.Downloads.ShouldBe(1);
        result.Listeners.ShouldBe(1);
        result.Episodes.Single().ShouldBe(new EpisodeCount("ep1", 1, 1));
        result.ShouldDropNothing();
    }

    [Fact]
    public void HeadOnly_CountsNothing()
    {
        var result = Count([Get("2026-03-09T10:00:00Z", method: "HEAD", bytes: 0)]);

        result.Downloads.ShouldBe(0);
        result.ShouldOnlyDrop(DropReason.Method, 1);
    }

    [Fact]
    public void ProbeThenWholeFile_CountsOnce()
    {
        var result = Count([Range("2026-03-09T10:00:00Z", 0, 1), Get("2026-03-09T10:00:01Z", range: "bytes=0-")]);

        result.Downloads.ShouldBe(1);
        result.ShouldOnlyDrop(DropReason.Probe, 1);
    }

    [Fact]
    public void Single512KiBRange_OfOneHourFile_CountsNothing()
    {
        var result = Count([Range("2026-03-09T10:00:00Z", 0, 524_287)]);

        result.Downloads.ShouldBe(0);
        result.ShouldOnlyDrop(DropReason.BelowThreshold, 1);
    }

    [Fact]
    public void TwoRangesTogetherOverThreshold_CountOnce()
    {
        var result = Count([Range("2026-03-09T10:00:00Z", 0, 599_999), Range("2026-03-09T10:01:00Z", 600_000, 1_199_999)]);

        result.Downloads.ShouldBe(1);
        result.ShouldDropNothing();
    }

    [Fact]
    public void SameMillionBytesThreeTimes_CountsNothing()
    {
        var result = Count([
            Range("2026-03-09T10:00:00Z", 0, 999_999), Range("2026-03-09T10:05:00Z", 0, 999_999), Range("2026-03-09T10:10:00Z", 0, 999_999),
        ]);

        result.Downloads.ShouldBe(0);
        result.ShouldOnlyDrop(DropReason.BelowThreshold, 3);
    }

    [Fact]
    public void PlayPauseResume_OverlappingRanges_CountOnceWhenTheUnionReachesTheThreshold()
    {
        var result = Count([
            Range("2026-03-09T10:00:00Z", 0, 499_999),
            Range("2026-03-09T10:20:00Z", 400_000, 899_999), // resumed with an overlap: 900,000 bytes so far
            Range("2026-03-09T18:00:00Z", 850_000, 1_100_000), // evening: 1,100,001 bytes, over 1,060,000
            Range("2026-03-09T18:30:00Z", 1_100_001, 3_000_000),
        ]);

        result.Downloads.ShouldBe(1);
        result.ShouldDropNothing();
    }

    [Fact]
    public void Googlebot_CountsNothing()
    {
        var result = Count([Get("2026-03-09T10:00:00Z", ua: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")]);

        result.Downloads.ShouldBe(0);
        result.ShouldOnlyDrop(DropReason.Bot, 1);
    }

    [Fact]
    public void TwoIPv6AddressesInOneSlash64_OneListener()
    {
        var result = Count([Get("2026-03-09T10:00:00Z", ip: "2001:db8:1:2:a::1"), Get("2026-03-09T11:00:00Z", ip: "2001:db8:1:2:ffff:ee:dd:cc")]);

        result.Downloads.ShouldBe(1);
        result.Listeners.ShouldBe(1);
    }

    [Fact]
    public void TwoIPv6AddressesInDifferentSlash64s_TwoListeners()
    {
        var result = Count([Get("2026-03-09T10:00:00Z", ip: "2001:db8:1:2::1"), Get("2026-03-09T11:00:00Z", ip: "2001:db8:1:3::1")]);

        result.Downloads.ShouldBe(2);
        result.Listeners.ShouldBe(2);
    }

    [Fact]
    public void IPv4MappedIPv6_IsTheIPv4Listener()
    {
        var result = Count([Get("2026-03-09T10:00:00Z", ip: "::ffff:203.0.113.5"), Get("2026-03-09T11:00:00Z", ip: "203.0.113.5")]);

        result.Downloads.ShouldBe(1);
        result.Listeners.ShouldBe(1);
    }

    [Fact]
    public void IPv4_NeighboursAreDifferentListeners()
    {
        var result = Count([Get("2026-03-09T10:00:00Z", ip: "203.0.113.5"), Get("2026-03-09T11:00:00Z", ip: "203.0.113.6")]);

        result.Downloads.ShouldBe(2);
    }

    [Fact]
    public void SameAddressDifferentApps_AreDifferentListeners()
    {
        var result = Count([Get("2026-03-09T10:00:00Z"), Get("2026-03-09T11:00:00Z", ua: "Overcast/3.0 (+http://overcast.fm/; iOS podcast app)")]);

        result.Downloads.ShouldBe(2);
        result.Listeners.ShouldBe(2);
    }

    [Theory]
    [InlineData("https://media.example.com/ep1.mp3?utm_source=feed&_=123", true)]
    [InlineData("https://MEDIA.Example.com/ep1.mp3?_from=web#t=10", true)]
    [InlineData("https://media.example.com/ep1.mp3?UTM_Medium=x", true)]
    [InlineData("https://media.example.com/ep1.mp3?token=abc", false)]
    [InlineData("https://media.example.com/EP1.mp3", false)]
    [InlineData("https://media.example.com/ep1.mp3?utm_source=x&token=abc", false)]
    public void QueryParameters_UnderscoreAndUtmRemovedBeforeMatching(string url, bool matches)
    {
        var result = Count([Get("2026-03-09T10:00:00Z", url: url)]);

        result.Downloads.ShouldBe(matches ? 1 : 0);
        result.Dropped(DropReason.UnknownEpisode).ShouldBe(matches ? 0 : 1);
    }

    [Fact]
    public void EpisodeUrlWithItsOwnQuery_MatchesWithTrackingParametersAround()
    {
        var episode = new EpisodeFile("ep", ["https://cdn.example.net/a.mp3?v=2"], 1_000_000, 0, 30);

        var result = Count([Get("2026-03-09T10:00:00Z", url: "https://cdn.example.net/a.mp3?_t=9&v=2&utm_campaign=x", fileSize: 1_000_000)], null,
            episode);

        result.Downloads.ShouldBe(1);
    }

    [Fact]
    public void PathOnlyRequest_MatchesTheEpisodeAtThatPath()
    {
        var result = Count([Get("2026-03-09T10:00:00Z", url: "/ep1.mp3?utm_source=x")]);

        result.Downloads.ShouldBe(1);
    }

    [Theory]
    [InlineData(CountingWindow.Calendar, 2)]
    [InlineData(CountingWindow.FirstTouch, 1)]
    [InlineData(CountingWindow.LastTouch, 1)]
    public void FullGetBeforeAndAfterMidnight_DependsOnTheWindow(CountingWindow window, int downloads)
    {
        var result = Count([Get("2026-03-09T23:00:00Z"), Get("2026-03-10T01:00:00Z")], Settings(window));

        result.Downloads.ShouldBe(downloads);
    }

    [Theory]
    [InlineData(CountingWindow.Calendar, 3)]
    [InlineData(CountingWindow.FirstTouch, 2)]
    [InlineData(CountingWindow.LastTouch, 1)]
    public void RequestsEvery20Hours_OnlyLastTouchKeepsExtendingTheWindow(CountingWindow window, int downloads)
    {
        // 10:00 counts; 06:00 next day is within 24 h of it; 02:00 the day after is 40 h after the first request but
        // only 20 h after the previous one.
        var result = Count([Get("2026-03-09T10:00:00Z"), Get("2026-03-10T06:00:00Z"), Get("2026-03-11T02:00:00Z")], Settings(window));

        result.Downloads.ShouldBe(downloads);
    }

    [Theory]
    [InlineData(CountingWindow.Calendar)]
    [InlineData(CountingWindow.FirstTouch)]
    [InlineData(CountingWindow.LastTouch)]
    public void PendingBytes_CarryAcrossMidnight(CountingWindow window)
    {
        var result = Count([Range("2026-03-09T23:50:00Z", 0, 599_999), Range("2026-03-10T00:10:00Z", 600_000, 1_199_999)], Settings(window));

        result.Downloads.ShouldBe(1);
        result.ShouldDropNothing();
    }

    [Fact]
    public void PendingBytes_ExpireAfter24Hours()
    {
        var result = Count([Range("2026-03-09T10:00:00Z", 0, 599_999), Range("2026-03-10T10:30:00Z", 600_000, 1_199_999)]);

        result.Downloads.ShouldBe(0);
        result.ShouldOnlyDrop(DropReason.BelowThreshold, 2);
    }

    [Fact]
    public void AbortedTransfer_CountsOnlyWhatWasServed()
    {
        // The client asked for the whole file (bytes=0-) but hung up after 500,000 bytes.
        var aborted = Count([Get("2026-03-09T10:00:00Z", bytes: 500_000, range: "bytes=0-")]);
        aborted.Downloads.ShouldBe(0);

        var resumed = Count([
            Get("2026-03-09T10:00:00Z", bytes: 500_000, range: "bytes=0-"),
            Get("2026-03-09T10:10:00Z", start: 500_000, bytes: 600_000, range: "bytes=500000-"),
        ]);
        resumed.Downloads.ShouldBe(1);
    }

    [Theory]
    [InlineData(304)]
    [InlineData(404)]
    [InlineData(416)]
    [InlineData(500)]
    public void NonSuccessStatus_CountsNothing(int status)
    {
        var result = Count([Get("2026-03-09T10:00:00Z", status: status)]);

        result.Downloads.ShouldBe(0);
        result.ShouldOnlyDrop(DropReason.Status, 1);
    }

    [Fact]
    public void TwoByteResponse_CountsNothing()
    {
        var result = Count([Get("2026-03-09T10:00:00Z", start: 100, bytes: 2, range: "bytes=100-101")]);

        result.ShouldOnlyDrop(DropReason.TooFewBytes, 1);
    }

    [Fact]
    public void ShortEpisode_NeedsTheWholeFile()
    {
        var trailer = new EpisodeFile("trailer", [Url], 900_000, 50_000, 45);

        Count([Get("2026-03-09T10:00:00Z", bytes: 899_999, range: "bytes=0-", fileSize: 900_000)], null, trailer).Downloads.ShouldBe(0);
        Count([Get("2026-03-09T10:00:00Z", fileSize: 900_000)], null, trailer).Downloads.ShouldBe(1);
    }

    [Fact]
    public void EmptyUserAgent_CountsNothing()
    {
        var result = Count([Get("2026-03-09T10:00:00Z", ua: null), Get("2026-03-09T10:00:00Z", ua: "  ")]);

        result.ShouldOnlyDrop(DropReason.EmptyUserAgent, 2);
    }

    [Theory]
    [InlineData("AntennaPod/3.4 okhttp/4.12", true, "AntennaPod")]
    [InlineData("okhttp/4.12.0", false, "OkHttp")]
    [InlineData("curl/8.5.0", false, "curl")]
    [InlineData("python-requests/2.31.0", false, "Python")]
    [InlineData("Podcasts/1710.17 CFNetwork/1399 Darwin/22.1.0", true, "Apple Podcasts")]
    [InlineData("AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)", true, "AppleCoreMedia")]
    [InlineData("Spotify/8.8.40 Android/33 (SM-G991B)", true, "Spotify")]
    [InlineData("CastBox/9.10.3 (Linux;Android 12) ExoPlayerLib/2.10.4", true, "Castbox")]
    public void UserAgents_AppsBeforeLibraries(string userAgent, bool counts, string name)
    {
        var result = Count([Get("2026-03-09T10:00:00Z", ua: userAgent)]);

        result.Downloads.ShouldBe(counts ? 1 : 0);
        if (counts)
        {
            result.Apps[name].ShouldBe(1);
        }
        else
        {
            result.ShouldOnlyDrop(DropReason.Bot, 1);
        }
    }

    [Fact]
    public void AppleWatch_CountsNothing()
    {
        var result = Count([Get("2026-03-09T10:00:00Z", ua: "atc/1.0 watchOS/10.1 model/Watch6,2 hwp/t8301 build/21S71 (6; dt:234)")]);

        result.ShouldOnlyDrop(DropReason.AppleWatch, 1);
    }

    [Fact]
    public void ExcludedIpRanges_CountNothing()
    {
        var settings = Settings() with { ExcludedIps = IpRangeSet.Parse(["198.51.100.0/24", "2001:db8:ff::/48"]) };

        var result = Count([
            Get("2026-03-09T10:00:00Z", ip: "198.51.100.77"), Get("2026-03-09T10:00:00Z", ip: "2001:db8:ff:1::9"),
            Get("2026-03-09T10:00:00Z", ip: "::ffff:198.51.100.1"), Get("2026-03-09T10:00:00Z", ip: "198.51.101.1"),
        ], settings);

        result.Downloads.ShouldBe(1);
        result.ShouldOnlyDrop(DropReason.ExcludedIp, 3);
    }

    [Fact]
    public void PreloadingWebPlayer_BrowserRequestsFromItCountNothing()
    {
        const string browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36";
        var settings = Settings() with { PreloadingPlayerReferers = ["https://player.example.org/"] };

        var result = Count([
            Get("2026-03-09T10:00:00Z", ua: browser, referer: "https://player.example.org/embed/42"),
            Get("2026-03-09T10:00:00Z", ua: browser, ip: "203.0.113.7", referer: "https://blog.example.com/post"),
            Get("2026-03-09T10:00:00Z", ip: "203.0.113.8", referer: "https://player.example.org/embed/42"),
        ], settings);

        result.Downloads.ShouldBe(2);
        result.ShouldOnlyDrop(DropReason.PreloadingPlayer, 1);
    }

    private static EpisodeFile[] ManyEpisodes(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new EpisodeFile($"e{i}", [$"https://media.example.com/{i}.mp3"], 2_000_000, 0, 600))];

    private static IEnumerable<DownloadRequest> OneOfEach(int count, string ip = "203.0.113.5") =>
        Enumerable.Range(0, count).Select(i => Get($"2026-03-09T10:{i % 60:D2}:00Z", url: $"https://media.example.com/{i}.mp3", ip: ip, fileSize: 2_000_000));

    [Fact]
    public void ExcessiveVolume_MoreThan20EpisodesADay_DropsTheListenersDay()
    {
        var episodes = ManyEpisodes(25);

        var twenty = Count(OneOfEach(20), null, episodes);
        twenty.Downloads.ShouldBe(20);
        twenty.Listeners.ShouldBe(1);

        var result = Count([.. OneOfEach(21), .. OneOfEach(1, "203.0.113.99")], null, episodes);
        result.Downloads.ShouldBe(1);
        result.ShouldOnlyDrop(DropReason.ExcessiveVolume, 21);
    }

    [Fact]
    public void ExcessiveVolume_SafeListedAddress_IsNotDropped()
    {
        var settings = Settings() with { SafeIps = IpRangeSet.Parse(["203.0.113.0/24"]) };

        var result = Count(OneOfEach(25), settings, ManyEpisodes(25));

        result.Downloads.ShouldBe(25);
    }

    [Fact]
    public void ExcessiveVolume_LimitIsConfigurable()
    {
        var result = Count(OneOfEach(6), Settings() with { MaxEpisodesPerListenerPerDay = 5 }, ManyEpisodes(6));

        result.Downloads.ShouldBe(0);
        result.ShouldOnlyDrop(DropReason.ExcessiveVolume, 6);
    }

    [Fact]
    public void ExcessiveVolume_ListenerAcrossMidnight_EachDayJudgedOnItsOwn()
    {
        // Three episodes late on the 9th (over the limit of two), then one after midnight while the 9th is still open.
        string[] times = ["2026-03-09T23:50:00Z", "2026-03-09T23:51:00Z", "2026-03-09T23:52:00Z", "2026-03-10T00:10:00Z"];
        var requests = times.Select((time, i) => Get(time, url: $"https://media.example.com/{i}.mp3", fileSize: 2_000_000));

        var result = Count(requests, Settings() with { MaxEpisodesPerListenerPerDay = 2 }, ManyEpisodes(4));

        result.Downloads.ShouldBe(1);
        result.ShouldOnlyDrop(DropReason.ExcessiveVolume, 3);
    }

    [Fact]
    public void ExcessiveVolume_LateRequestsForTheDayBefore_JoinThatDayNotTheNext()
    {
        // Two episodes on the 10th, then three late requests dated the 9th (within the allowed lateness).
        string[] times = ["2026-03-10T00:10:00Z", "2026-03-10T00:11:00Z", "2026-03-09T23:57:00Z", "2026-03-09T23:58:00Z", "2026-03-09T23:59:00Z"];
        var requests = times.Select((time, i) => Get(time, url: $"https://media.example.com/{i}.mp3", fileSize: 2_000_000));

        var result = Count(requests, Settings() with { MaxEpisodesPerListenerPerDay = 2 }, ManyEpisodes(5));

        result.Downloads.ShouldBe(2);
        result.ShouldOnlyDrop(DropReason.ExcessiveVolume, 3);
    }

    [Fact]
    public void Listeners_DistinctPerEpisodeAndInTotal()
    {
        var episodes = ManyEpisodes(2);
        var result = Count([
            Get("2026-03-09T10:00:00Z", url: "https://media.example.com/0.mp3", fileSize: 2_000_000),
            Get("2026-03-09T10:00:00Z", url: "https://media.example.com/1.mp3", fileSize: 2_000_000),
            Get("2026-03-09T10:00:00Z", url: "https://media.example.com/1.mp3", ip: "203.0.113.6", fileSize: 2_000_000),
        ], null, episodes);

        result.Downloads.ShouldBe(3);
        result.Listeners.ShouldBe(2);
        result.Episodes.ShouldBe([new EpisodeCount("e0", 1, 1), new EpisodeCount("e1", 2, 2)]);
    }

    [Theory]
    [InlineData(KeyRotation.Day, 2)]
    [InlineData(KeyRotation.Month, 1)]
    public void Listeners_AreDistinctWithinAKeyPeriod(KeyRotation rotation, int listeners)
    {
        var result = Count([Get("2026-03-09T10:00:00Z"), Get("2026-03-10T10:00:00Z")], Settings(rotation: rotation));

        result.Downloads.ShouldBe(2);
        result.Listeners.ShouldBe(listeners);
        result.Episodes.Single().Listeners.ShouldBe(listeners);
    }

    private static List<DownloadRequest> ReplayLog() =>
    [
        Range("2026-03-09T10:00:00Z", 0, 1), Range("2026-03-09T10:00:01Z", 0, 599_999), Get("2026-03-09T10:00:02Z", ua: "curl/8.0"),
        Range("2026-03-09T10:05:00Z", 600_000, 1_199_999), Get("2026-03-09T10:20:00Z", method: "HEAD", bytes: 0),
        Range("2026-03-09T10:30:00Z", 0, 999, ip: "203.0.113.9"), Get("2026-03-10T09:00:00Z", ip: "203.0.113.10"),
    ];

    [Fact]
    public void ReplayedRequestIds_WithinTheLateness_ChangeNothing()
    {
        var requests = ReplayLog();
        var once = Count(requests);

        // Every line sent twice, some three times, as a log shipper retrying batches would.
        var replayed = Count(requests.SelectMany((r, i) => i % 2 == 0 ? new[] { r, r, r } : [r, r]));

        replayed.ShouldBeEquivalentTo(once);
        once.Downloads.ShouldBe(2);
    }

    [Fact]
    public void ReplayedLog_AfterItself_ChangesNoDownloadOrListener()
    {
        var requests = ReplayLog();
        var once = Count(requests);

        var twice = Count([.. requests, .. requests]);

        twice.Downloads.ShouldBe(once.Downloads);
        twice.Listeners.ShouldBe(once.Listeners);
        twice.Episodes.ShouldBe(once.Episodes);
        // Lines older than the lateness cannot be told from new ones without keeping every id: they are reported.
        twice.Dropped(DropReason.Late).ShouldBe(requests.Count - 1);
    }

    [Fact]
    public void LateLine_OlderThanTheAllowedLateness_IsDropped()
    {
        var result = Count([Get("2026-03-09T12:00:00Z", ip: "203.0.113.1"), Get("2026-03-09T11:30:00Z", ip: "203.0.113.2"),
            Get("2026-03-09T10:00:00Z", ip: "203.0.113.3")]);

        result.Downloads.ShouldBe(2);
        result.ShouldOnlyDrop(DropReason.Late, 1);
    }

    [Fact]
    public void Results_DoNotDependOnTheSecret()
    {
        var requests = Enumerable.Range(0, 200).Select(i => Get($"2026-03-09T{i % 24:D2}:00:00Z", ip: $"203.0.113.{i % 50}",
            bytes: i % 3 == 0 ? 600_000 : null, range: i % 3 == 0 ? "bytes=0-" : null)).OrderBy(r => r.Time).ToList();

        Count(requests, Settings(secret: "first-secret-0123456789")).ShouldBeEquivalentTo(Count(requests, Settings(secret: "another-secret-987654321")));
    }

    [Fact]
    public void State_IsForgottenOnceWindowsClose()
    {
        using var counter = new DownloadCounter(new EpisodeCatalog([HourLong]), Settings());
        for (var day = 1; day <= 10; day++)
        {
            for (var listener = 0; listener < 100; listener++)
            {
                counter.Add(Get($"2026-03-{day:D2}T10:00:00Z", ip: $"198.51.{day}.{listener}"));
            }
        }

        counter.Add(Get("2026-03-10T23:30:00Z", ip: "192.0.2.1"));

        // Day 10's listeners stay until its midnight plus the lateness has passed; earlier days are gone.
        counter.ActivePairs.ShouldBe(101);
        counter.ActiveListeners.ShouldBe(101);
        counter.Finish().Downloads.ShouldBe(1001);
    }

    [Fact]
    public void CountedDownloads_CarryAnHmacIdentityThatRotatesDaily()
    {
        var downloads = new List<CountedDownload>();
        using var counter = new DownloadCounter(new EpisodeCatalog([HourLong]), Settings(), onDownload: downloads.Add);
        counter.Add(Get("2026-03-09T10:00:00Z"));
        counter.Add(Get("2026-03-10T10:00:00Z"));
        counter.Finish();

        downloads.Count.ShouldBe(2);
        downloads[0].Day.ShouldBe(new DateOnly(2026, 3, 9));
        downloads[0].App.ShouldBe("AntennaPod");
        downloads[0].Listener.ShouldNotBe(downloads[1].Listener);

        var keys = new ListenerKeys(System.Text.Encoding.UTF8.GetBytes("unit-test-secret-0123456789"), KeyRotation.Day);
        var address = IpAddresses.ListenerPart(Parse("203.0.113.5"));
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(App));
        downloads[0].Listener.ShouldBe(keys.Identity(keys.PeriodOf((int)(At("2026-03-09T00:00:00Z").UtcTicks / TimeSpan.TicksPerDay)), address, digest));
    }

    [Fact]
    public void CountedDownloads_EachDayKeepsTheIdentityOfItsOwnKeyPeriod_AcrossMidnightAndForLateRequests()
    {
        // One listener: the 10th opens, a late request opens the 9th, the 11th opens while the 10th is still open, and a
        // late download joins the 10th; all within the allowed lateness.
        string[] times = ["2026-03-10T00:05:00Z", "2026-03-09T23:58:00Z", "2026-03-10T23:50:00Z", "2026-03-11T00:05:00Z", "2026-03-10T23:59:00Z", "2026-03-11T00:06:00Z"];
        var downloads = new List<CountedDownload>();
        using var counter = new DownloadCounter(new EpisodeCatalog(ManyEpisodes(6)), Settings(), onDownload: downloads.Add);
        for (var i = 0; i < times.Length; i++)
        {
            counter.Add(Get(times[i], url: $"https://media.example.com/{i}.mp3", fileSize: 2_000_000));
        }

        counter.Finish();

        var keys = new ListenerKeys(System.Text.Encoding.UTF8.GetBytes("unit-test-secret-0123456789"), KeyRotation.Day);
        var address = IpAddresses.ListenerPart(Parse("203.0.113.5"));
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(App));
        UInt128 IdentityOn(DateOnly day) => keys.Identity(keys.PeriodOf(day.DayNumber), address, digest);
        downloads.Select(d => (d.EpisodeId, d.Day)).Order().ShouldBe([
            ("e0", new DateOnly(2026, 3, 10)), ("e1", new DateOnly(2026, 3, 9)), ("e2", new DateOnly(2026, 3, 10)),
            ("e3", new DateOnly(2026, 3, 11)), ("e4", new DateOnly(2026, 3, 10)), ("e5", new DateOnly(2026, 3, 11)),
        ]);
        downloads.Select(d => d.Listener).ShouldBe(downloads.Select(d => IdentityOn(d.Day)));
    }

    private static UInt128 Parse(string ip)
    {
        IpAddresses.TryParse(System.Text.Encoding.ASCII.GetBytes(ip), out var address).ShouldBeTrue();
        return address;
    }
}
