using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Airwave.Bench.Analytics;

/// <summary>
/// A podcast host's week of traffic: 40 shows with 10 episodes each, a pool of listeners with fixed addresses and apps,
/// and the request patterns real logs have: whole-file downloads, progressive streaming in byte ranges after a
/// <c>bytes=0-1</c> probe, aborted transfers, pauses resumed hours later (sometimes after midnight), listeners on
/// IPv6 privacy addresses, web players, HEAD and 304 requests, unknown URLs, bots and HTTP libraries, Apple Watch,
/// a few listeners downloading whole back catalogues, and replayed lines.
/// </summary>
internal sealed class World
{
    private const long Day = TimeSpan.TicksPerDay;
    private const long Second = TimeSpan.TicksPerSecond;
    private const int Shows = 40;
    private const int EpisodesPerShow = 10;
    private const int Listeners = 600_000;
    private static readonly long Start = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private readonly Random64 _random;
    private long _requestCounter;
    private readonly Episode[] _episodes;
    private readonly Agent[] _agents;
    private readonly double[] _agentWeights;
    private readonly byte[][] _unknownUrls;

    public World(ulong seed)
    {
        _random = new Random64(seed);
        _episodes = new Episode[Shows * EpisodesPerShow];
        for (var show = 0; show < Shows; show++)
        {
            for (var number = 0; number < EpisodesPerShow; number++)
            {
                // Mostly 20-90 minutes; the first episode of some shows is a trailer under a minute.
                var duration = number == 0 && show % 5 == 0 ? 30 + _random.Next(30) : 1200 + _random.Next(4200);
                var kbps = (show % 3) switch { 0 => 64, 1 => 96, _ => 128 };
                var header = 20_000 + _random.Next(480_000);
                var size = header + (long)duration * kbps * 1000 / 8;
                var id = $"show{show:D2}-ep{number:D2}";
                _episodes[show * EpisodesPerShow + number] = new Episode(id,
                    [$"https://media.example.com/shows/{show:D2}/episodes/{number:D2}.mp3", $"https://cdn.example.net/s{show:D2}/e{number:D2}.mp3"],
                    size, header, duration);
            }
        }

        (_agents, _agentWeights) = Agents();
        _unknownUrls = [.. Enumerable.Range(0, 50).Select(i => Encoding.UTF8.GetBytes($"https://media.example.com/shows/{i % Shows:D2}/cover.jpg"))];
    }

    public object EpisodeList() => _episodes.Select(e => new
    {
        id = e.Id,
        urls = e.Urls,
        fileSize = e.Size,
        headerBytes = e.Header,
        durationSeconds = e.Duration,
    }).ToList();

    public string WriteLog(string path, long target)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var buffer = new byte[1 << 16];
        long written = 0;
        var carry = new List<Line>();
        for (var day = 0; written < target; day++)
        {
            var dayStart = Start + day * Day;
            var lines = carry;
            carry = [];
            // About 800,000 lines a day: one week of traffic for five million lines.
            var sessions = 230_000;
            for (var s = 0; s < sessions; s++)
            {
                Session(dayStart, lines);
            }

            lines.Sort((a, b) => a.Time.CompareTo(b.Time));
            var dayEnd = dayStart + Day;
            foreach (var line in lines)
            {
                if (line.Time >= dayEnd)
                {
                    carry.Add(line);
                    continue;
                }

                if (written == target)
                {
                    break;
                }

                var length = Format(line, buffer);
                file.Write(buffer, 0, length);
                written++;
            }
        }

        return $"wrote {written} lines to {path}";
    }

    /// <summary>One listening session: a listener, an episode and the requests their app makes for it.</summary>
    private void Session(long dayStart, List<Line> lines)
    {
        var listener = _random.Next(Listeners);
        var listenerRandom = new Random64((ulong)listener * 0x9E3779B97F4A7C15UL + 1);
        var agent = _agents[Pick(_agentWeights, listenerRandom.NextDouble())];
        var ua = agent.Variants[listenerRandom.Next(agent.Variants.Length)];
        var ip = Address(listener, listenerRandom);
        // Diurnal traffic: more in the morning commute and the evening.
        var time = dayStart + (long)(Diurnal(_random.NextDouble()) * Day);
        var episode = PickEpisode();
        var url = _episodes[episode].Urls[_random.Next(10) == 0 ? 1 : 0];
        var urlBytes = _random.Next(20) == 0 ? Encoding.UTF8.GetBytes(url + "?utm_source=newsletter&_from=web") : Utf8(url);
        var e = _episodes[episode];
        var heavy = listener % 1000 == 7;

        void Add(string method, int status, long start, long bytes, byte[]? range, byte[]? referer = null, byte[]? overrideUrl = null, byte[]? overrideIp = null)
        {
            var line = new Line(time, ++_requestCounter, method, status, overrideUrl ?? urlBytes, overrideIp ?? ip, ua, referer, range, start, bytes);
            lines.Add(line);
            if (_random.Next(300) == 0)
            {
                lines.Add(line); // a replayed line (same request id)
            }
        }

        if (heavy)
        {
            // A back-catalogue downloader: every episode of several shows, whole files, one after another.
            var first = _random.Next(Shows - 3) * EpisodesPerShow;
            for (var i = 0; i < 3 * EpisodesPerShow; i++)
            {
                var other = _episodes[first + i];
                time += 5 * Second;
                Add("GET", 200, 0, other.Size, null, overrideUrl: Utf8(other.Urls[0]));
            }

            return;
        }

        switch (_random.Next(100))
        {
            case 0:
                Add("HEAD", 200, 0, 0, null);
                return;
            case 1:
                Add("GET", 304, 0, 0, null);
                return;
            case 2:
                Add("GET", 404, 0, 0, null, overrideUrl: _unknownUrls[_random.Next(_unknownUrls.Length)]);
                return;
            case 3:
                Add("GET", 200, 0, 80_000, null, overrideUrl: _unknownUrls[_random.Next(_unknownUrls.Length)]);
                return;
        }

        switch (agent.Style)
        {
            case Style.WholeFile:
                if (_random.Next(10) == 0)
                {
                    // Aborted after a while, then resumed with a range for the rest.
                    var cut = (long)(e.Size * _random.NextDouble());
                    Add("GET", 200, 0, cut, null);
                    time += (10 + _random.Next(600)) * Second;
                    Add("GET", 206, cut, e.Size - cut, Range(cut, e.Size - 1));
                }
                else
                {
                    Add("GET", 200, 0, e.Size, null);
                }

                break;
            case Style.Bot:
                Add(_random.Next(4) == 0 ? "HEAD" : "GET", 200, 0, _random.Next(4) == 0 ? 0 : e.Size, null);
                break;
            case Style.Browser:
                var preloading = _random.Next(5) == 0;
                var referer = preloading ? PreloadReferer : Utf8($"https://www.show{episode / EpisodesPerShow:D2}.example.org/episodes/{episode % EpisodesPerShow}");
                Add("GET", 206, 0, preloading ? 65_536 + _random.Next(500_000) : Math.Min(e.Size, 2_000_000 + _random.Next(8_000_000)), Utf8("bytes=0-"), referer);
                break;
            default:
                Stream(e, ref time, Add);
                break;
        }
    }

    private static readonly byte[] PreloadReferer = Encoding.UTF8.GetBytes("https://preload.example.org/embed/player");

    private delegate void AddLine(string method, int status, long start, long bytes, byte[]? range, byte[]? referer = null,
        byte[]? overrideUrl = null, byte[]? overrideIp = null);

    /// <summary>Progressive playback: a probe, then ranges as the player buffers, with pauses, seeks and abandons.</summary>
    private void Stream(Episode e, ref long time, AddLine add)
    {
        if (_random.Next(2) == 0)
        {
            add("GET", 206, 0, 2, Utf8("bytes=0-1"));
            time += Second;
        }

        var position = 0L;
        var requests = 1 + _random.Next(8);
        var abandonEarly = _random.Next(6) == 0;
        for (var r = 0; r < requests && position < e.Size; r++)
        {
            var chunk = abandonEarly ? 100_000 + _random.Next(300_000) : 500_000 + _random.Next(3_500_000);
            var length = Math.Min(chunk, e.Size - position);
            var aborted = _random.Next(8) == 0;
            var served = aborted ? length / (2 + _random.Next(4)) : length;
            add("GET", 206, position, served, Range(position, position + length - 1));
            // Re-requesting the same bytes (a seek back) or moving on; sometimes a pause of hours.
            if (_random.Next(6) != 0)
            {
                position += served;
            }

            time += _random.Next(20) == 0 ? (2 + _random.Next(10)) * TimeSpan.TicksPerHour : (5 + _random.Next(120)) * Second;
            if (abandonEarly && r >= 1)
            {
                break;
            }
        }
    }

    private byte[] Address(int listener, Random64 random)
    {
        var kind = random.Next(100);
        if (kind < 70)
        {
            return Utf8($"{11 + random.Next(200)}.{random.Next(256)}.{random.Next(256)}.{1 + random.Next(254)}");
        }

        if (kind < 75)
        {
            return Utf8($"::ffff:{11 + random.Next(200)}.{random.Next(256)}.{random.Next(256)}.{1 + random.Next(254)}");
        }

        var prefix = $"2a0{random.Next(10)}:{random.Next(65536):x}:{random.Next(65536):x}:{listener & 0xffff:x}";
        // Privacy extensions: a new interface id for this session, same /64.
        return Utf8($"{prefix}:{_random.Next(65536):x}:{_random.Next(65536):x}:{_random.Next(65536):x}:{_random.Next(65536):x}");
    }

    private int PickEpisode()
    {
        // Newer episodes (higher numbers) and some shows are far more popular.
        var show = (int)(Shows * Math.Pow(_random.NextDouble(), 2));
        var number = EpisodesPerShow - 1 - (int)(EpisodesPerShow * Math.Pow(_random.NextDouble(), 3));
        return show * EpisodesPerShow + Math.Clamp(number, 0, EpisodesPerShow - 1);
    }

    private static double Diurnal(double u) => (u + 0.15 * Math.Sin(2 * Math.PI * u)) % 1.0;

    private static int Pick(double[] cumulative, double u)
    {
        var index = Array.BinarySearch(cumulative, u);
        return Math.Min(index < 0 ? ~index : index, cumulative.Length - 1);
    }

    private static byte[] Range(long first, long last) => Utf8($"bytes={first}-{last}");

    private static readonly Dictionary<string, byte[]> Interned = [];

    private static byte[] Utf8(string text)
    {
        if (text.Length > 80)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        if (!Interned.TryGetValue(text, out var bytes))
        {
            bytes = Encoding.UTF8.GetBytes(text);
            if (Interned.Count < 100_000)
            {
                Interned[text] = bytes;
            }
        }

        return bytes;
    }

    private static int Format(in Line line, byte[] buffer)
    {
        var w = new Writer(buffer);
        w.Raw("{\"requestId\": \"");
        w.Hex((ulong)line.RequestId * 0x9E3779B97F4A7C15UL);
        w.Hex((ulong)line.RequestId);
        w.Raw("\", \"time\": \"");
        w.Time(line.Time);
        w.Raw("\", \"method\": \"");
        w.Raw(line.Method);
        w.Raw("\", \"status\": ");
        w.Number(line.Status);
        w.Raw(", \"url\": \"");
        w.Bytes(line.Url);
        w.Raw("\", \"ip\": \"");
        w.Bytes(line.Ip);
        w.Raw("\", \"userAgent\": ");
        w.StringOrNull(line.UserAgent);
        w.Raw(", \"referer\": ");
        w.StringOrNull(line.Referer);
        w.Raw(", \"range\": ");
        w.StringOrNull(line.Range);
        w.Raw(", \"servedStart\": ");
        w.Number(line.ServedStart);
        w.Raw(", \"bytesServed\": ");
        w.Number(line.BytesServed);
        w.Raw(", \"playbackSessionId\": null}\n");
        return w.Length;
    }

    private static (Agent[] Agents, double[] Cumulative) Agents()
    {
        static string[] V(string template, params string[][] values)
        {
            IEnumerable<string> results = [template];
            for (var i = 0; i < values.Length; i++)
            {
                var slot = "{" + i.ToString(CultureInfo.InvariantCulture) + "}";
                var options = values[i];
                results = results.SelectMany(r => options.Select(o => r.Replace(slot, o, StringComparison.Ordinal)));
            }

            return [.. results];
        }

        string[] darwin = ["CFNetwork/1335.0.3 Darwin/21.6.0", "CFNetwork/1399 Darwin/22.1.0", "CFNetwork/1402.0.8 Darwin/22.2.0", "CFNetwork/1410.0.3 Darwin/22.6.0", "CFNetwork/1485 Darwin/23.1.0", "CFNetwork/1494.0.7 Darwin/23.4.0"];
        string[] ios = ["16_5", "16_6", "17_0", "17_1", "17_2", "17_4", "18_0", "18_1"];
        string[] android = ["11", "12", "13", "14"];
        string[] phones = ["SM-G991B", "SM-A536B", "Pixel 7", "Pixel 8 Pro", "M2101K6G", "CPH2219", "moto g(60)", "SM-S911B"];
        var list = new (double Weight, Style Style, string[] Variants)[]
        {
            (30, Style.WholeFile, V("Podcasts/{0} {1}", ["1660.5", "1710.17", "4022.300.6", "4022.510.4", "4025.200.1"], darwin)),
            (8, Style.Stream, V("AppleCoreMedia/1.0.0.{0} (iPhone; U; CPU OS {1} like Mac OS X; en_us)", ["20F66", "21A329", "21C62", "22A3354"], ios)),
            (12, Style.Stream, V("Spotify/8.{0} iOS/{1} (iPhone{2})", ["8.40", "8.66", "9.10"], ["16.5", "17.1", "17.4"], ["13,2", "14,5", "15,2"])),
            (8, Style.Stream, V("Spotify/8.{0} Android/{1} ({2})", ["8.40.515", "8.9.10"], ["31", "33", "34"], phones)),
            (5, Style.Stream, V("Overcast/3.0 (+http://overcast.fm/; iOS podcast app) {0}", ["", "watchOS-free"])),
            (5, Style.Stream, V("Pocket Casts/{0} (Android {1})", ["7.45", "7.52", "7.60"], android)),
            (1, Style.WholeFile, V("Castro {0}/{1} Like iTunes", ["2023.5", "2024.1"], ["1234", "1301"])),
            (3, Style.Stream, V("AntennaPod/{0} okhttp/{1}", ["3.2.0", "3.3.2", "3.4.0"], ["4.11.0", "4.12.0"])),
            (4, Style.WholeFile, V("Podcast Addict/v5 - Dalvik/2.1.0 (Linux; U; Android {0}; {1} Build/TQ3A)", android, phones)),
            (2, Style.Stream, V("CastBox/{0} (Linux;Android {1}) ExoPlayerLib/2.10.4", ["9.10.3-230607", "9.12.1-231102"], android)),
            (6, Style.Browser, V("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Safari/537.36", ["119", "120", "121", "122", "123", "124"])),
            (2, Style.Browser, V("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{0} Safari/605.1.15", ["16.6", "17.1", "17.4"])),
            (2, Style.Stream, V("iHeartRadio/{0} (Android {1}; {2})", ["10.5.0", "10.9.1"], android, phones)),
            (1, Style.Stream, V("Fountain/{0} ios https://www.fountain.fm", ["1.0.6", "1.1.2"])),
            (0.5, Style.Stream, V("Podverse/{0} Android Mobile", ["4.14.0", "4.15.2"])),
            (2, Style.Stream, V("AlexaMediaPlayer/2.1.{0}.0 (Linux;Android 7.1.2) ExoPlayerLib/1.5.9", ["4676", "4989"])),
            (1, Style.WholeFile, ["Player FM"]),
            (1, Style.Stream, V("Deezer/7.0.{0} (Android; {1}; Mobile; fr) samsung {2}", ["12.3", "14.1"], android, phones)),
            (2, Style.WholeFile, V("{0}/{1} {2}", ["ShowApp", "NewsCast", "MyPods"], ["1.0", "2.3"], darwin)),
            (1, Style.Stream, V("atc/1.0 watchOS/{0} model/Watch6,2 hwp/t8301 build/20T562 (6; dt:234)", ["9.5", "10.1"])),
            (1, Style.Bot, ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"]),
            (1, Style.Bot, V("curl/{0}", ["7.88.1", "8.1.2", "8.5.0"])),
            (1, Style.Bot, V("python-requests/{0}", ["2.28.2", "2.31.0"])),
            (0.5, Style.Bot, ["Go-http-client/1.1", "Go-http-client/2.0"]),
            (0.5, Style.Bot, ["Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"]),
            (0.5, Style.Bot, ["Feedly/1.0 (+http://www.feedly.com/fetcher.html; 3 subscribers)"]),
            (0.5, Style.Bot, ["okhttp/4.9.0", "okhttp/3.12.1"]),
            (0.3, Style.WholeFile, [""]),
        };
        var total = list.Sum(a => a.Weight);
        var cumulative = new double[list.Length];
        var sum = 0.0;
        for (var i = 0; i < list.Length; i++)
        {
            sum += list[i].Weight / total;
            cumulative[i] = sum;
        }

        return ([.. list.Select(a => new Agent(a.Style, [.. a.Variants.Select(v => v.Length == 0 ? null : Utf8Json(v))]))], cumulative);
    }

    private static byte[] Utf8Json(string text) => JsonEncodedText.Encode(text).EncodedUtf8Bytes.ToArray();

    private enum Style
    {
        WholeFile,
        Stream,
        Browser,
        Bot,
    }

    private sealed record Agent(Style Style, byte[]?[] Variants);

    private sealed record Episode(string Id, string[] Urls, long Size, long Header, int Duration);

    private readonly record struct Line(long Time, long RequestId, string Method, int Status, byte[] Url, byte[] Ip, byte[]? UserAgent,
        byte[]? Referer, byte[]? Range, long ServedStart, long BytesServed);

    /// <summary>Appends ASCII/UTF-8 to a byte buffer.</summary>
    private ref struct Writer(byte[] buffer)
    {
        public int Length;

        public void Raw(string text) => Length += Encoding.UTF8.GetBytes(text, buffer.AsSpan(Length));

        public void Bytes(byte[] bytes)
        {
            bytes.CopyTo(buffer.AsSpan(Length));
            Length += bytes.Length;
        }

        public void StringOrNull(byte[]? bytes)
        {
            if (bytes is null)
            {
                Raw("null");
                return;
            }

            buffer[Length++] = (byte)'"';
            Bytes(bytes);
            buffer[Length++] = (byte)'"';
        }

        public void Number(long value)
        {
            Utf8Formatter.TryFormat(value, buffer.AsSpan(Length), out var written);
            Length += written;
        }

        public void Hex(ulong value)
        {
            value.TryFormat(buffer.AsSpan(Length), out var written, "x16", CultureInfo.InvariantCulture);
            Length += written;
        }

        public void Time(long ticks)
        {
            new DateTime(ticks, DateTimeKind.Utc).TryFormat(buffer.AsSpan(Length), out var written, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            Length += written;
        }
    }
}

/// <summary>SplitMix64: tiny, fast and the same everywhere (System.Random's seeded sequence is not a contract).</summary>
internal sealed class Random64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public int Next(int maxExclusive) => (int)(NextUInt64() % (ulong)maxExclusive);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
