using System.Net;
using System.Text;
using Airwave.Analytics.Counting;
using Airwave.Analytics.Counting.UserAgents;

namespace Airwave.UnitTests.Analytics;

/// <summary>The pure parts the engine is built from: addresses, times, byte ranges, URLs, episodes and user agents.</summary>
public sealed class CountingPartsTests
{
    [Theory]
    [InlineData("203.0.113.5")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("2001:db8::1")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1:2")]
    [InlineData("2001:0db8:0000:0000:0000:ff00:0042:8329")]
    [InlineData("2001:db8:1:2:3:4:5:6")]
    [InlineData("::ffff:192.0.2.128")]
    [InlineData("64:ff9b::192.0.2.33")]
    [InlineData("1::")]
    [InlineData("1:2:3:4:5:6:7::")]
    [InlineData("::2:3:4:5:6:7:8")]
    [InlineData("1:2:3:4:5:6:192.0.2.1")]
    [InlineData("1:2::192.0.2.1")]
    [InlineData("ABCD:ef01::FfFf")]
    public void IpAddresses_ParseLikeTheFramework(string text)
    {
        IpAddresses.TryParse(Encoding.ASCII.GetBytes(text), out var parsed).ShouldBeTrue();

        var expected = IPAddress.Parse(text);
        var bytes = (expected.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? expected.MapToIPv6() : expected).GetAddressBytes();
        parsed.ShouldBe(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.256")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.4 ")]
    [InlineData("2001:db8:::1")]
    [InlineData("2001:db8::1::2")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("12345::")]
    [InlineData("::g")]
    [InlineData(":1")]
    [InlineData("1:")]
    [InlineData("example.com")]
    [InlineData("1:2:3:4:5:6:7")]
    [InlineData("1::2:3:4:5:6:7:8")]
    [InlineData("1:2:3:4:5:6:7:192.0.2.1")]
    [InlineData("::1:2:3:4:5:6:192.0.2.1")]
    public void IpAddresses_RejectInvalidText(string text) =>
        IpAddresses.TryParse(Encoding.ASCII.GetBytes(text.TrimEnd() == text ? text : text + "x"), out _).ShouldBeFalse();

    [Fact]
    public void IpAddresses_ListenerPart_IPv6SlashSixtyFourAndWholeIPv4()
    {
        UInt128 Parse(string s) => IpAddresses.TryParse(Encoding.ASCII.GetBytes(s), out var a) ? a : throw new FormatException(s);

        IpAddresses.ListenerPart(Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).ShouldBe(Parse("2001:db8:1:2::"));
        IpAddresses.ListenerPart(Parse("[2001:db8:1:2::9%eth0]")).ShouldBe(Parse("2001:db8:1:2::"));
        IpAddresses.ListenerPart(Parse("::ffff:203.0.113.5")).ShouldBe(Parse("203.0.113.5"));
        IpAddresses.IsIPv4(Parse("::ffff:203.0.113.5")).ShouldBeTrue();
        IpAddresses.IsIPv4(Parse("2001:db8::")).ShouldBeFalse();
    }

    [Fact]
    public void IpRangeSet_MatchesCidrsOfBothFamilies()
    {
        var set = IpRangeSet.Parse(["10.0.0.0/8", "10.1.0.0/16", "192.0.2.7", "2001:db8::/32", "0.0.0.0/32"]);
        bool Has(string s) => set.Contains(IpAddresses.TryParse(Encoding.ASCII.GetBytes(s), out var a) ? a : throw new FormatException(s));

        set.Count.ShouldBe(4);
        Has("10.200.3.4").ShouldBeTrue();
        Has("11.0.0.0").ShouldBeFalse();
        Has("192.0.2.7").ShouldBeTrue();
        Has("192.0.2.8").ShouldBeFalse();
        Has("2001:db8:ffff::1").ShouldBeTrue();
        Has("2001:db9::").ShouldBeFalse();
        Has("::ffff:10.0.0.1").ShouldBeTrue();
        Should.Throw<FormatException>(() => IpRangeSet.Parse(["10.0.0.0/33"])).Message.ShouldContain("10.0.0.0/33");
        Should.Throw<FormatException>(() => IpRangeSet.Parse(["example.com"])).Message.ShouldContain("example.com");
    }

    [Theory]
    [InlineData("2026-03-09T10:00:00Z", "2026-03-09T10:00:00.0000000Z")]
    [InlineData("2026-03-09T10:00:00.123Z", "2026-03-09T10:00:00.1230000Z")]
    [InlineData("2026-03-09t10:00:00.123456789z", "2026-03-09T10:00:00.1234567Z")]
    [InlineData("2026-03-09 12:30:00+02:30", "2026-03-09T10:00:00.0000000Z")]
    [InlineData("2026-03-09T00:00:00-01:00", "2026-03-09T01:00:00.0000000Z")]
    public void UtcTime_ParsesRfc3339(string text, string expected)
    {
        UtcTime.TryParse(Encoding.ASCII.GetBytes(text), out var ticks).ShouldBeTrue();
        new DateTime(ticks, DateTimeKind.Utc).ToString("O", System.Globalization.CultureInfo.InvariantCulture).ShouldBe(expected);
    }

    [Theory]
    [InlineData("2026-03-09T10:00:00")]
    [InlineData("2026-02-30T10:00:00Z")]
    [InlineData("2026-03-09T24:00:00Z")]
    [InlineData("2026-03-09T10:00:00.Z")]
    [InlineData("2026-03-09T10:00:00+0200")]
    [InlineData("09/03/2026 10:00:00")]
    public void UtcTime_RejectsOtherFormats(string text) => UtcTime.TryParse(Encoding.ASCII.GetBytes(text), out _).ShouldBeFalse();

    /// <summary>The AES one (where the processor has AES) and the one for processors without; <c>FastHash.Hash64</c> picks one.</summary>
    public static TheoryData<string> Hash64Kinds => System.Runtime.Intrinsics.X86.Aes.IsSupported ? ["aes", "portable"] : ["portable"];

    private static ulong Hash64(string kind, ReadOnlySpan<byte> data) =>
        kind == "aes" ? FastHash.Hash64Aes(data) : FastHash.Hash64Portable(data);

    [Theory]
    [MemberData(nameof(Hash64Kinds))]
    public void FastHash_Hash64_EveryByteCounts_AndNothingPastTheSpan(string kind)
    {
        var random = new Random(7);
        for (var length = 0; length <= 100; length++)
        {
            var data = new byte[length + 8];
            random.NextBytes(data);
            var hash = Hash64(kind, data.AsSpan(0, length));

            // Bytes after the span are not read; the same bytes elsewhere hash the same.
            data[length] ^= 0xFF;
            Hash64(kind, data.AsSpan(0, length)).ShouldBe(hash);
            Hash64(kind, data.AsSpan(0, length).ToArray()).ShouldBe(hash);

            // Changing any one byte, or the length alone (a zero byte more), changes the hash.
            for (var i = 0; i < length; i++)
            {
                data[i] ^= 0x01;
                Hash64(kind, data.AsSpan(0, length)).ShouldNotBe(hash, $"length {length}, byte {i}");
                data[i] ^= 0x01;
            }

            data[length] = 0;
            Hash64(kind, data.AsSpan(0, length + 1)).ShouldNotBe(hash, $"length {length} and one zero byte more");
        }
    }

    [Theory]
    [MemberData(nameof(Hash64Kinds))]
    public void FastHash_Hash64_SwappedWordsDiffer(string kind)
    {
        foreach (var (first, swapped) in new[] { ("abcdefghABCDEFGH", "ABCDEFGHabcdefgh"), ("0123456789abcdefFEDCBA9876543210", "FEDCBA98765432100123456789abcdef") })
        {
            Hash64(kind, Encoding.ASCII.GetBytes(first)).ShouldNotBe(Hash64(kind, Encoding.ASCII.GetBytes(swapped)));
        }
    }

    [Theory]
    [MemberData(nameof(Hash64Kinds))]
    public void FastHash_Hash64_SpreadsSimilarKeysOverATablesSlots(string kind)
    {
        // URLs and user agents differ in a digit or two; a table takes its slot from the low bits.
        var slots = new int[1024];
        for (var i = 0; i < 8192; i++)
        {
            slots[Hash64(kind, Encoding.ASCII.GetBytes($"https://media.example.com/shows/{i / 100}/episodes/{i % 100:00}.mp3")) & 1023]++;
        }

        slots.Max().ShouldBeLessThan(24); // 8 on average; a poor mix piles dozens into some slots
    }

    [Fact]
    public void ByteRanges_UnionMatchesCountingEveryByte()
    {
        var random = new Random(7);
        var store = new RangeStore();
        var ranges = new ByteRanges(); // one, cleared after each run, as a (listener, episode) state's is
        for (var run = 0; run < 300; run++)
        {
            var covered = new bool[2_000];
            for (var i = 0; i < random.Next(1, 25); i++)
            {
                var start = random.Next(0, 2_000);
                var end = Math.Min(2_000, start + random.Next(0, 300));
                for (var b = start; b < end; b++)
                {
                    covered[b] = true;
                }

                ranges.Add(start, end, store).ShouldBe(covered.Count(c => c), $"run {run}");
                ranges.Covered(store).ShouldBe(covered.Count(c => c), $"run {run}");
            }

            // Cleared ranges give their intervals back to the store, which hands them out again.
            ranges.Clear(store);
            ranges.Covered(store).ShouldBe(0);
            store.InUse.ShouldBe(0);
        }

        // Inline, one interval: 20 bytes (packed), so that the pair table's slot is one cache line.
        System.Runtime.CompilerServices.Unsafe.SizeOf<ByteRanges>().ShouldBe(20);
    }

    [Theory]
    [InlineData("https://Media.Example.COM/Path/A.mp3?b=1&_x=2&utm_source=s&c=3#frag", "https://media.example.com/Path/A.mp3?b=1&c=3")]
    [InlineData("https://media.example.com/a.mp3?_=1&utm_x=2", "https://media.example.com/a.mp3")]
    [InlineData("/a.mp3?utm_=1&x", "/a.mp3?x")]
    [InlineData("https://h.example/a.mp3?&&x=1&", "https://h.example/a.mp3?x=1")]
    public void Urls_NormalizedForMatching(string url, string expected)
    {
        var buffer = new byte[url.Length];
        var length = EpisodeCatalog.NormalizeUrl(Encoding.UTF8.GetBytes(url), buffer);
        Encoding.UTF8.GetString(buffer, 0, length).ShouldBe(expected);
    }

    /// <summary>
    /// Matching remembers answers per raw URL: asking again, asking for URLs that normalise alike, and asking after far
    /// more distinct URLs than it keeps (so it has started over) all give what the normalised lookup gives.
    /// </summary>
    [Fact]
    public void Urls_MatchedTheSame_FromTheCacheAndAfterItStartsOver()
    {
        var catalog = new EpisodeCatalog([
            new EpisodeFile("a", ["https://media.example.com/a.mp3"], 1000, 0, 600),
            new EpisodeFile("b", ["/b.mp3"], 1000, 0, 600),
        ]);
        var scratch = new byte[256];
        int Match(string url) => catalog.Match(Encoding.UTF8.GetBytes(url), scratch);

        for (var round = 0; round < 3; round++)
        {
            Match("https://Media.Example.com/a.mp3?utm_source=x").ShouldBe(0);
            Match("https://media.example.com/a.mp3").ShouldBe(0);
            Match("https://cdn.example.net/b.mp3?_t=1").ShouldBe(-1);
            Match("/b.mp3?_t=1").ShouldBe(1);
            Match("/c.mp3").ShouldBe(-1);
            for (var i = 0; i < 60_000; i++)
            {
                Match($"https://media.example.com/a.mp3?_t={i}").ShouldBe(0);
                Match($"/b.mp3?n={i}").ShouldBe(-1);
            }
        }
    }

    [Theory]
    [InlineData("""[{"id": "a", "urls": ["https://x.example/a.mp3"], "fileSize": 100, "headerBytes": 0, "durationSeconds": 10, "extra": 1}]""", "extra")]
    [InlineData("""[{"id": "a", "urls": ["https://x.example/a.mp3"], "fileSize": 0, "durationSeconds": 10}]""", "episode 1 ('a'): fileSize")]
    [InlineData("""[{"id": "a", "urls": ["https://x.example/a.mp3"], "fileSize": 100, "headerBytes": 100, "durationSeconds": 10}]""", "headerBytes")]
    [InlineData("""[{"id": "a", "urls": ["https://x.example/a.mp3"], "fileSize": 100}]""", "durationSeconds")]
    [InlineData("""[{"id": "a", "urls": [], "fileSize": 100, "durationSeconds": 1}]""", "urls")]
    [InlineData("""[{"id": "a", "urls": ["ftp://x.example/a"], "fileSize": 100, "durationSeconds": 1}]""", "ftp://")]
    [InlineData("""[{"id": "a", "urls": ["https://x.example/a.mp3"], "fileSize": 100, "durationSeconds": 1}, {"id": "a", "urls": ["https://x.example/b.mp3"], "fileSize": 100, "durationSeconds": 1}]""", "episode 2 ('a'): the id")]
    [InlineData("""[{"id": "a", "urls": ["https://x.example/a.mp3"], "fileSize": 100, "durationSeconds": 1}, {"id": "b", "urls": ["https://X.example/a.mp3?utm_x=1"], "fileSize": 100, "durationSeconds": 1}]""", "also episode 'a'")]
    [InlineData("""[{"id": "a",""", "line 1")]
    [InlineData("""{"id": "a"}""", "")]
    [InlineData("""[null]""", "episode 1 is null")]
    public void EpisodesFile_InvalidContent_NamesWhereAndWhy(string json, string expected)
    {
        var error = Should.Throw<EpisodeFileException>(() => EpisodeCatalog.Load(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        error.Message.ShouldContain(expected);
    }

    [Theory]
    [InlineData("Podcasts/1710.17 CFNetwork/1399 Darwin/22.1.0", UserAgentKind.App, "Apple Podcasts", "mobile", "iOS")]
    [InlineData("Podcasts/1555.2.1 CFNetwork/1240.0.4 Darwin/20.6.0 (x86_64)", UserAgentKind.App, "Apple Podcasts", "computer", "macOS")]
    [InlineData("Spotify/8.8.40 Android/33 (SM-G991B)", UserAgentKind.App, "Spotify", "mobile", "Android")]
    [InlineData("Overcast/3.0 (+http://overcast.fm/; iOS podcast app)", UserAgentKind.App, "Overcast", "mobile", "iOS")]
    [InlineData("Pocket Casts/7.45 (Android 13)", UserAgentKind.App, "Pocket Casts", "mobile", "Android")]
    [InlineData("Castro 2023.5/1234 Like iTunes", UserAgentKind.App, "Castro", "unknown", "Unknown")]
    [InlineData("AntennaPod/3.4.0 okhttp/4.12.0", UserAgentKind.App, "AntennaPod", "mobile", "Android")]
    [InlineData("Podcast Addict/v5 - Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7 Build/TQ3A)", UserAgentKind.App, "Podcast Addict", "mobile", "Android")]
    [InlineData("iHeartRadio/10.5.0 (Android 13; SM-A536U Build/TP1A)", UserAgentKind.App, "iHeartRadio", "mobile", "Android")]
    [InlineData("Podverse/4.14 Android Mobile", UserAgentKind.App, "Podverse", "mobile", "Android")]
    [InlineData("Fountain/1.0.6 ios https://www.fountain.fm", UserAgentKind.App, "Fountain", "mobile", "iOS")]
    [InlineData("Google-Podcast", UserAgentKind.App, "Google Podcasts", "unknown", "Unknown")]
    [InlineData("AlexaMediaPlayer/2.1.4676.0 (Linux;Android 7.1.2) ExoPlayerLib/1.5.9", UserAgentKind.App, "Alexa", "smart_speaker", "Android")]
    [InlineData("AppleCoreMedia/1.0.0.21A329 (iPhone; U; CPU OS 17_0 like Mac OS X; en_us)", UserAgentKind.Library, "AppleCoreMedia", "mobile", "iOS")]
    [InlineData("okhttp/4.9.0", UserAgentKind.Bot, "OkHttp", "unknown", "Unknown")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", UserAgentKind.Browser, "Chrome", "computer", "Windows")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", UserAgentKind.Browser, "Safari", "computer", "macOS")]
    [InlineData("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", UserAgentKind.Bot, "Ahrefs", "unknown", "Unknown")]
    [InlineData("Mozilla/5.0 (Linux; Android 10; Cubot X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36", UserAgentKind.Browser, "Chrome", "mobile", "Android")]
    [InlineData("atc/1.0 watchOS/10.1 model/Watch6,2 hwp/t8301 build/21S71 (6; dt:234)", UserAgentKind.AppleWatch, "Apple Watch", "watch", "watchOS")]
    [InlineData("SomethingNew/1.0", UserAgentKind.Unknown, "Unknown", "unknown", "Unknown")]
    public void UserAgents_BuiltInTable(string userAgent, UserAgentKind kind, string name, string device, string os)
    {
        var info = new UserAgentClassifier().Classify(Encoding.UTF8.GetBytes(userAgent));

        info.Kind.ShouldBe(kind);
        info.Name.ShouldBe(name);
        info.DeviceCategory.ShouldBe(device);
        info.Os.ShouldBe(os);
    }

    [Fact]
    public void UserAgents_OpawgFiles_UsedFirstInTheirOrder()
    {
        var directory = Directory.CreateTempSubdirectory("opawg-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "bots.json"), """{"entries": [{"name": "Test crawler", "pattern": "^TestCrawler/"}]}""");
            File.WriteAllText(Path.Combine(directory, "apps.json"),
                """{"comments": ["x"], "entries": [{"name": "Listen Well", "pattern": "^ListenWell/\\d", "examples": ["ListenWell/2"]}, {"name": "Second", "pattern": "^ListenWell"}]}""");
            File.WriteAllText(Path.Combine(directory, "libraries.runtime.json"), """{"entries": [{"name": "Fetcher lib", "pattern": "^fetcher/", "category": "bot"}]}""");
            File.WriteAllText(Path.Combine(directory, "devices.json"), """{"entries": [{"name": "Test Speaker", "pattern": "Speaker", "category": "smart_speaker"}]}""");
            File.WriteAllText(Path.Combine(directory, "referrers.json"), """{"entries": [{"name": "Web Listener", "pattern": "^https://listen\\.example/", "category": "app"}]}""");
            var classifier = new UserAgentClassifier(directory);
            UserAgentInfo Classify(string ua) => classifier.Classify(Encoding.UTF8.GetBytes(ua));

            classifier.OperatorFiles.ShouldBe(5);
            Classify("ListenWell/2 (Speaker)").ShouldSatisfyAllConditions(
                i => i.Name.ShouldBe("Listen Well"), i => i.Kind.ShouldBe(UserAgentKind.App), i => i.DeviceCategory.ShouldBe("smart_speaker"));
            Classify("ListenWell/x").Name.ShouldBe("Second");
            Classify("TestCrawler/1 AntennaPod/3").Kind.ShouldBe(UserAgentKind.Bot);
            Classify("fetcher/1.0").Kind.ShouldBe(UserAgentKind.Bot);
            // What the files do not know, the built-in table still does.
            Classify("AntennaPod/3.4 okhttp/4.12").Name.ShouldBe("AntennaPod");
            classifier.WebApp(Encoding.UTF8.GetBytes("https://listen.example/show/1")).ShouldBe("Web Listener");
            classifier.WebApp(Encoding.UTF8.GetBytes("https://other.example/")).ShouldBeNull();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("""{"entries": [{"name": "Bad", "pattern": "(unclosed"}]}""", "entry 1 has an invalid pattern")]
    [InlineData("""{"entries": [{"pattern": "x"}]}""", "entry 1 needs a string name and pattern")]
    [InlineData("""[1]""", "expected an object with an \"entries\" array")]
    [InlineData("""{"entries": [""", "apps.json")]
    public void UserAgents_InvalidOpawgFile_NamesTheFileAndEntry(string content, string expected)
    {
        var directory = Directory.CreateTempSubdirectory("opawg-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "apps.json"), content);
            var error = Should.Throw<UserAgentPatternsException>(() => new UserAgentClassifier(directory));
            error.Message.ShouldContain(expected);
            error.Message.ShouldContain("apps.json");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
