namespace Airwave.Analytics.Counting.UserAgents;

/// <summary>
/// Airwave's own user-agent table: the podcast apps, bots, HTTP libraries, browsers and devices seen most in podcast
/// logs. Operators can put the OPAWG user-agents-v2 files in front of it (<see cref="UserAgentClassifier"/>); this table
/// then only decides what those files do not know. Patterns are .NET regular expressions, matched in the order written.
/// </summary>
internal static class BuiltInUserAgents
{
    /// <summary>Apple Watch downloads duplicate the paired phone's (IAB v2.2+), so they are filtered before anything else.</summary>
    public const string AppleWatch = @"watchOS/|^atc/|model/Watch\d|\bApple ?Watch\b";

    /// <summary>Crawlers, monitors and services that fetch audio without a listener.</summary>
    public static readonly PatternEntry[] Bots =
    [
        new("Googlebot", @"Googlebot|Google-InspectionTool|AdsBot-Google|Mediapartners-Google"),
        new("Bingbot", @"bingbot|BingPreview|msnbot"),
        new("Applebot", @"Applebot"),
        new("Yandex", @"YandexBot|YandexMedia"),
        new("Baidu", @"Baiduspider"),
        new("Facebook", @"facebookexternalhit|meta-externalagent|Facebot"),
        new("Twitter/X", @"Twitterbot"),
        new("Slack", @"Slackbot|Slack-ImgProxy"),
        new("Discord", @"Discordbot"),
        new("Telegram", @"TelegramBot"),
        new("Ahrefs", @"AhrefsBot"),
        new("Semrush", @"SemrushBot"),
        new("Internet Archive", @"archive\.org_bot|ia_archiver"),
        new("Apple Podcasts checks", @"iTMS|itunesstored"),
        new("Headless browser", @"HeadlessChrome|PhantomJS|Puppeteer|Playwright"),
        new("AI crawler", @"GPTBot|ChatGPT-User|OAI-SearchBot|ClaudeBot|Claude-User|PerplexityBot|CCBot|Bytespider|Amazonbot"),
        new("Feed services", @"Feedly|Feedbin|Inoreader|NewsBlur|Podnews|Podchaser|ListenNotes|Podcast ?Index|PodcastIndex"),
        new("Monitoring", @"UptimeRobot|Pingdom|StatusCake|Site24x7|Better ?Uptime|Datadog"),
        // Generic markers that no listener's app carries: a bot's version token, a crawler URL in a compatible tag.
        new("Other bot", @"[Bb]ot/\d|[Cc]rawler|[Ss]pider\b|\(compatible;[^)]*\+https?://"),
    ];

    /// <summary>Podcast apps and other players people listen with.</summary>
    public static readonly PatternEntry[] Apps =
    [
        new("Apple Podcasts", @"^(Podcasts|Balados|Podcaster|Podcast|Podcasti|Podcastit|Podkaster|Podcasty)/\d|^AirPodcasts/"),
        new("Spotify", @"^Spotify/|Spotify/\d|^spotify"),
        new("Overcast", @"^Overcast/"),
        new("Pocket Casts", @"^Pocket ?Casts|PocketCasts/"),
        new("Castro", @"^Castro[ /]"),
        new("AntennaPod", @"^AntennaPod/|de\.danoeh\.antennapod"),
        new("Podcast Addict", @"^Podcast ?Addict|PodcastAddict/"),
        new("Castbox", @"^CastBox|castbox\.fm"),
        new("Google Podcasts", @"^Google-?Podcast|com\.google\.android\.apps\.podcasts"),
        new("iHeartRadio", @"iHeartRadio|^iHeart"),
        new("Podverse", @"^Podverse/"),
        new("Fountain", @"^Fountain/"),
        new("Podcast Guru", @"^PodcastGuru"),
        new("Player FM", @"Player ?FM"),
        new("Stitcher", @"^Stitcher|StitcherRadio"),
        new("Amazon Music", @"^AmazonMusic|^Amazon Music"),
        new("Audible", @"^Audible|com\.audible"),
        new("Deezer", @"^Deezer/"),
        new("Podbean", @"^Podbean/"),
        new("Podimo", @"^Podimo/"),
        new("TuneIn", @"^TuneIn|TuneIn Radio"),
        new("Pandora", @"^Pandora/"),
        new("Downcast", @"^Downcast/"),
        new("Goodpods", @"^Goodpods/"),
        new("Snipd", @"^Snipd/"),
        new("Castamatic", @"^Castamatic/"),
        new("gPodder", @"^gPodder/"),
        new("Podkicker", @"^Podkicker"),
        new("BeyondPod", @"^BeyondPod"),
        new("Podcast Republic", @"^Podcast ?Republic"),
        new("Anytime", @"^Anytime/"),
        new("CurioCaster", @"^CurioCaster"),
        new("Alexa", @"^AlexaMediaPlayer/|^AlexaService/|^Echo/"),
        new("Sonos", @"^Sonos/|\bSonos\b"),
        new("VLC", @"^VLC/|\bVLC/\d"),
        new("Winamp", @"Winamp"),
        new("Windows Media Player", @"Windows-Media-Player|^NSPlayer/|WMPlayer"),
    ];

    /// <summary>
    /// HTTP and media libraries. A library that people's players are built on (AppleCoreMedia, ExoPlayer) counts as an
    /// unnamed player; one mostly used by scripts and servers is a bot (category "bot", as in the OPAWG files).
    /// Apps are matched first, so an app naming its library (<c>AntennaPod/3.4 okhttp/4.12</c>) is the app.
    /// </summary>
    public static readonly PatternEntry[] Libraries =
    [
        new("AppleCoreMedia", @"^AppleCoreMedia/"),
        new("ExoPlayer", @"ExoPlayerLib/|AndroidXMedia3/"),
        new("Android stagefright", @"stagefright/"),
        new("Android DownloadManager", @"^AndroidDownloadManager"),
        new("Dalvik", @"^Dalvik[/ ]"),
        new("iOS app (CFNetwork)", @"CFNetwork/"),
        new("GStreamer", @"GStreamer"),
        new("curl", @"^curl/|^libcurl|\bcurl/\d|^PycURL", "bot"),
        new("Wget", @"^Wget/|^wget", "bot"),
        new("Python", @"^python-requests/|^Python-urllib/|^python-urllib3/|^python-httpx/|aiohttp/|^Python/\d|^Scrapy/", "bot"),
        new("Go", @"^Go-http-client/|^go-resty/|github\.com/gocolly", "bot"),
        new("Java", @"^Java/\d|^Apache-HttpClient/|^AHC/|^Jakarta", "bot"),
        new("OkHttp", @"^okhttp/|\bokhttp/", "bot"),
        new("Node.js", @"^axios/|^node-fetch|^undici|^got[ /(]|^Bun/|^Deno/", "bot"),
        new("Ruby", @"^Ruby|^Faraday|^http\.rb/|^rest-client/|^Down/", "bot"),
        new("PHP", @"^GuzzleHttp|^Symfony HttpClient|^PHP/|^WordPress/", "bot"),
        new("Perl", @"^libwww-perl|^LWP::|^HTTP-Tiny", "bot"),
        new(".NET", @"^Microsoft\.NET|^RestSharp|^System\.Net\.Http", "bot"),
        new("Rust", @"^reqwest/|^hyper/", "bot"),
        new("Dart", @"^Dart/", "bot"),
        new("ffmpeg", @"^Lavf/", "bot"),
        new("aria2", @"^aria2/", "bot"),
    ];

    /// <summary>Web browsers (a browser request is an in-page player or someone opening the file).</summary>
    public static readonly PatternEntry[] Browsers =
    [
        new("Edge", @"Edg(e|A|iOS)?/\d"),
        new("Opera", @"OPR/\d|Opera"),
        new("Samsung Internet", @"SamsungBrowser/"),
        new("Firefox", @"Firefox/\d|FxiOS/"),
        new("Chrome", @"Chrome/\d|CriOS/|Chromium/"),
        new("Safari", @"Version/[\d.]+ .*Safari/|Version/[\d.]+ Mobile/"),
        new("Other browser", @"^Mozilla/\d"),
    ];

    /// <summary>Devices, with the OPAWG device categories (mobile, computer, watch, smart_speaker, smart_tv).</summary>
    public static readonly PatternEntry[] Devices =
    [
        new("Apple Watch", AppleWatch, "watch"),
        new("Apple HomePod", @"HomePod|^AirPodcasts/", "smart_speaker"),
        new("Apple TV", @"Apple ?TV|AppleTV|tvOS", "smart_tv"),
        new("Apple iPad", @"iPad", "mobile"),
        new("Apple iPhone", @"iPhone|iPod|\b(iOS|ios)\b|CFNetwork/.*Darwin/[\d.]+$", "mobile"),
        new("Apple computer", @"Macintosh|Mac OS X|macOS|\(x86_64\)|MacBook|Darwin/.*\(arm64\)", "computer"),
        new("Amazon Echo", @"^AlexaMediaPlayer/|^Echo/|Amazon;Echo", "smart_speaker"),
        new("Sonos", @"Sonos", "smart_speaker"),
        new("Google smart speaker", @"CrKey.*SmartSpeaker|GoogleChirp", "smart_speaker"),
        new("Smart TV", @"SmartTV|SMART-TV|Tizen|Web0S|webOS|Roku|CrKey|AFT[A-Z]+ Build|BRAVIA|HbbTV", "smart_tv"),
        new("Android tablet", @"Android.*Tablet|Tablet.*Android|SM-T\d", "mobile"),
        new("Android phone", @"Android|ExoPlayerLib|stagefright|Dalvik|^AntennaPod/|^Podcast ?Addict|^CastBox", "mobile"),
        new("Windows computer", @"Windows|Win64|WOW64|Win32|NSPlayer|WMPlayer", "computer"),
        new("ChromeOS computer", @"CrOS", "computer"),
        new("Linux computer", @"Linux|X11|gPodder|VLC/", "computer"),
    ];

    /// <summary>Operating systems; OPAWG has no OS file, so this is always Airwave's own.</summary>
    public static readonly PatternEntry[] OperatingSystems =
    [
        new("watchOS", AppleWatch),
        new("tvOS", @"tvOS|Apple ?TV|AppleTV"),
        new("iPadOS", @"iPad"),
        new("iOS", @"iPhone|iPod|\b(iOS|ios)\b|CPU OS \d|CFNetwork/.*Darwin/[\d.]+$|^AirPodcasts/|HomePod"),
        new("macOS", @"Macintosh|Mac OS X|macOS|Darwin/"),
        new("Android", @"Android|ExoPlayerLib|stagefright|Dalvik|^AntennaPod/"),
        new("Windows", @"Windows|Win64|WOW64|Win32|NSPlayer|WMPlayer"),
        new("ChromeOS", @"CrOS"),
        new("Linux", @"Linux|X11|Tizen|Web0S|webOS"),
    ];
}

/// <summary>One named pattern; <paramref name="Category"/> as in the OPAWG files ("bot" for libraries, device categories).</summary>
internal sealed record PatternEntry(string Name, string Pattern, string? Category = null);
