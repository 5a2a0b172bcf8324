using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Airwave.Analytics.Counting.UserAgents;

/// <summary>What a user agent is, for filtering and for the app/device/OS breakdowns.</summary>
public enum UserAgentKind
{
    /// <summary>Matched no list: counted, as "Unknown".</summary>
    Unknown,
    App,
    /// <summary>A player library (AppleCoreMedia, ExoPlayer): counted.</summary>
    Library,
    Browser,
    /// <summary>A bot, crawler or a library mostly used by scripts: dropped.</summary>
    Bot,
    /// <summary>Apple Watch: dropped, its downloads duplicate the phone's.</summary>
    AppleWatch,
}

/// <summary>The classification of one user agent, computed once per distinct user agent and cached.</summary>
internal sealed class UserAgentInfo
{
    public required UserAgentKind Kind { get; init; }

    /// <summary>The matched entry's name (app, library, browser or bot), or "Unknown".</summary>
    public required string Name { get; init; }

    public required string Device { get; init; }

    public required string DeviceCategory { get; init; }

    public required string Os { get; init; }

    /// <summary>SHA-256 of the user agent: its part of the listener identity's HMAC input (fixed size, no raw text).</summary>
    public required byte[] Digest { get; init; }

    /// <summary>A fast 128-bit hash of the user agent, part of the in-memory listener lookup key.</summary>
    public required UInt128 Hash { get; init; }

    /// <summary>Small integer ids of <see cref="Name"/>, <see cref="DeviceCategory"/> and <see cref="Os"/> for counting.</summary>
    public int NameId { get; set; }

    public int DeviceId { get; set; }

    public int OsId { get; set; }
}

/// <summary>
/// Classifies user agents. With OPAWG user-agents-v2 files (the operator's copy of its <c>src/</c> folder), their
/// documented algorithm runs first: newlines removed, then bots, apps, libraries and browsers, each file's entries in
/// order, first match wins; devices for anything that is not a bot; referrers for browsers. Airwave's built-in table
/// (<see cref="BuiltInUserAgents"/>) follows each OPAWG file in the same order, so it only decides what the files do
/// not know. Apple Watch is checked before all of it. Results are cached per distinct user agent.
/// </summary>
internal sealed class UserAgentClassifier
{
    /// <summary>Past this many distinct user agents the cache starts over (results do not depend on it).</summary>
    private const int MaxCached = 200_000;

    private static readonly string[] EntityFiles = ["bots", "apps", "libraries", "browsers"];

    private readonly Regex _appleWatch = new(BuiltInUserAgents.AppleWatch, RegexOptions.CultureInvariant);
    private readonly CompiledEntry[][] _entities;
    private readonly CompiledEntry[] _operatorDevices;
    private readonly CompiledEntry[] _builtInDevices;
    private readonly CompiledEntry[] _operatingSystems;
    private readonly CompiledEntry[] _referrers;
    private readonly Utf8Map<UserAgentInfo> _cache = new();
    private readonly NameIds _names = new();
    private readonly NameIds _devices = new();
    private readonly NameIds _systems = new();

    /// <param name="opawgDirectory">A folder with any of bots.json, apps.json, libraries.json, browsers.json,
    /// devices.json and referrers.json (or their <c>*.runtime.json</c> build variants); null for the built-in table only.</param>
    /// <exception cref="UserAgentPatternsException">An OPAWG file is unreadable or has an invalid pattern.</exception>
    public UserAgentClassifier(string? opawgDirectory = null)
    {
        var operatorFiles = opawgDirectory is null ? new Dictionary<string, CompiledEntry[]>() : LoadOpawg(opawgDirectory);
        var builtIn = new[] { BuiltInUserAgents.Bots, BuiltInUserAgents.Apps, BuiltInUserAgents.Libraries, BuiltInUserAgents.Browsers };
        _entities = new CompiledEntry[EntityFiles.Length][];
        for (var i = 0; i < EntityFiles.Length; i++)
        {
            var kind = i switch { 0 => UserAgentKind.Bot, 1 => UserAgentKind.App, 2 => UserAgentKind.Library, _ => UserAgentKind.Browser };
            _entities[i] = [.. operatorFiles.GetValueOrDefault(EntityFiles[i], []).Select(e => e with { Kind = kind }),
                .. Compile(builtIn[i], kind)];
        }

        _operatorDevices = operatorFiles.GetValueOrDefault("devices", []);
        _builtInDevices = Compile(BuiltInUserAgents.Devices, UserAgentKind.Unknown);
        _operatingSystems = Compile(BuiltInUserAgents.OperatingSystems, UserAgentKind.Unknown);
        _referrers = operatorFiles.GetValueOrDefault("referrers", []);
        OperatorFiles = operatorFiles.Count;
    }

    /// <summary>How many OPAWG files were loaded.</summary>
    public int OperatorFiles { get; }

    /// <summary>App (or library, browser, bot) names by <see cref="UserAgentInfo.NameId"/>.</summary>
    public IReadOnlyList<string> Names => _names.Names;

    public IReadOnlyList<string> DeviceCategories => _devices.Names;

    public IReadOnlyList<string> OperatingSystemNames => _systems.Names;

    /// <summary>The classification of a user agent (UTF-8), from the cache when it was seen before.</summary>
    public UserAgentInfo Classify(ReadOnlySpan<byte> userAgent)
    {
        var hash = FastHash.Hash64(userAgent);
        if (_cache.TryGetValue(userAgent, hash, out var info))
        {
            return info;
        }

        info = ClassifyText(userAgent);
        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        _cache.Add(userAgent, hash, info);
        return info;
    }

    /// <summary>A web app named by the OPAWG referrers file for a browser request's Referer, or null.</summary>
    public string? WebApp(ReadOnlySpan<byte> referer)
    {
        if (_referrers.Length == 0 || referer.IsEmpty)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(referer).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        return First(_referrers, text)?.Name;
    }

    public int NameId(string name) => _names.Id(name);

    private UserAgentInfo ClassifyText(ReadOnlySpan<byte> userAgent)
    {
        var text = Encoding.UTF8.GetString(userAgent).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
        var kind = UserAgentKind.Unknown;
        var name = "Unknown";
        if (_appleWatch.IsMatch(text))
        {
            kind = UserAgentKind.AppleWatch;
            name = "Apple Watch";
        }
        else
        {
            foreach (var entries in _entities)
            {
                if (First(entries, text) is { } entry)
                {
                    kind = entry.Kind == UserAgentKind.Library && entry.Category == "bot" ? UserAgentKind.Bot : entry.Kind;
                    name = entry.Name;
                    break;
                }
            }
        }

        var device = kind == UserAgentKind.Bot ? null : First(_operatorDevices, text) ?? First(_builtInDevices, text);
        var os = kind == UserAgentKind.Bot ? null : First(_operatingSystems, text);
        var info = new UserAgentInfo
        {
            Kind = kind,
            Name = name,
            Device = device?.Name ?? "Unknown",
            DeviceCategory = device?.Category ?? "unknown",
            Os = os?.Name ?? "Unknown",
            Digest = SHA256.HashData(userAgent),
            Hash = FastHash.Hash128(userAgent, 0x5541),
        };
        info.NameId = _names.Id(info.Name);
        info.DeviceId = _devices.Id(info.DeviceCategory);
        info.OsId = _systems.Id(info.Os);
        return info;
    }

    private static CompiledEntry? First(CompiledEntry[] entries, string text)
    {
        foreach (var entry in entries)
        {
            if (entry.Regex.IsMatch(text))
            {
                return entry;
            }
        }

        return null;
    }

    private static CompiledEntry[] Compile(PatternEntry[] entries, UserAgentKind kind) =>
        [.. entries.Select(e => new CompiledEntry(e.Name, new Regex(e.Pattern, RegexOptions.CultureInvariant), e.Category, kind))];

    private static Dictionary<string, CompiledEntry[]> LoadOpawg(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new UserAgentPatternsException($"the OPAWG user-agents folder {directory} does not exist.");
        }

        var files = new Dictionary<string, CompiledEntry[]>(StringComparer.Ordinal);
        foreach (var type in EntityFiles.Append("devices").Append("referrers"))
        {
            var path = new[] { $"{type}.json", $"{type}.runtime.json" }.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists);
            if (path is not null)
            {
                files[type] = LoadPatternFile(path);
            }
        }

        if (files.Count == 0)
        {
            throw new UserAgentPatternsException($"{directory} has none of the OPAWG files (bots.json, apps.json, libraries.json, browsers.json, devices.json, referrers.json).");
        }

        return files;
    }

    /// <summary>
    /// Reads one OPAWG patterns file: <c>{"entries": [{"name", "pattern", "category"?}, ...]}</c>; other properties
    /// (examples, urls, comments, svg) are not needed. Patterns are JavaScript-compatible regular expressions, read with
    /// .NET's ECMAScript option so <c>\d</c> and <c>\w</c> mean what they mean there.
    /// </summary>
    private static CompiledEntry[] LoadPatternFile(string path)
    {
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonDocument.Parse(stream);
        }
        catch (Exception error) when (error is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new UserAgentPatternsException($"{path}: {error.Message}", error);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("entries", out var entries) || entries.ValueKind != JsonValueKind.Array)
            {
                throw new UserAgentPatternsException($"{path}: expected an object with an \"entries\" array.");
            }

            var result = new List<CompiledEntry>();
            var index = 0;
            foreach (var entry in entries.EnumerateArray())
            {
                index++;
                if (entry.ValueKind != JsonValueKind.Object
                    || !entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                    || !entry.TryGetProperty("pattern", out var pattern) || pattern.ValueKind != JsonValueKind.String)
                {
                    throw new UserAgentPatternsException($"{path}: entry {index} needs a string name and pattern.");
                }

                var category = entry.TryGetProperty("category", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                result.Add(new CompiledEntry(name.GetString()!, CompileOpawg(path, index, pattern.GetString()!), category, UserAgentKind.Unknown));
            }

            return [.. result];
        }
    }

    private static Regex CompileOpawg(string path, int index, string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.ECMAScript);
        }
        catch (ArgumentException)
        {
            // A few constructs (e.g. Unicode escapes in classes) are .NET-only valid outside ECMAScript mode.
        }

        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException error)
        {
            throw new UserAgentPatternsException($"{path}: entry {index} has an invalid pattern: {error.Message}", error);
        }
    }

    /// <summary>Small integer ids for names, so downloads are counted in arrays.</summary>
    private sealed class NameIds
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly List<string> _names = [];

        public IReadOnlyList<string> Names => _names;

        public int Id(string name)
        {
            if (!_ids.TryGetValue(name, out var id))
            {
                id = _names.Count;
                _ids.Add(name, id);
                _names.Add(name);
            }

            return id;
        }
    }

    private sealed record CompiledEntry(string Name, Regex Regex, string? Category, UserAgentKind Kind);
}

/// <summary>The operator's OPAWG user-agent files cannot be used; the message names the file and entry.</summary>
public sealed class UserAgentPatternsException(string message, Exception? inner = null) : Exception(message, inner);
