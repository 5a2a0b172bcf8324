using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Airwave.Analytics.Counting;

/// <summary>One episode as the counting engine knows it: where it is served from and how big its file is.</summary>
/// <param name="Id">The episode's id, as it appears in the output.</param>
/// <param name="Urls">Every URL the audio file is served at (enclosure, media origin, CDN), matched after normalising.</param>
/// <param name="FileSize">Size of the audio file in bytes.</param>
/// <param name="HeaderBytes">Bytes before the audio starts (the ID3 tag with its cover art and chapters).</param>
/// <param name="DurationSeconds">Length of the audio.</param>
public sealed record EpisodeFile(string Id, IReadOnlyList<string> Urls, long FileSize, long HeaderBytes, double DurationSeconds)
{
    /// <summary>
    /// Bytes one listener must have received (the union of the ranges served) for a download to count: the header plus
    /// one minute of audio, from the audio's average byte rate; the whole file when the episode is a minute or shorter.
    /// </summary>
    public long ThresholdBytes => DurationSeconds <= 60
        ? FileSize
        : Math.Min(FileSize, HeaderBytes + (long)Math.Ceiling((FileSize - HeaderBytes) * 60.0 / DurationSeconds));
}

/// <summary>
/// How EPISODES.json is read: camelCase, unknown members, trailing commas and comments refused. Generated at build
/// time, so reading the file builds no serializer metadata by reflection when the command starts.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowTrailingCommas = false, ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(List<EpisodeFile?>))]
internal sealed partial class EpisodeFileJson : JsonSerializerContext;

/// <summary>
/// The episodes being counted and the lookup from a request URL to an episode. URLs match exactly after
/// <see cref="NormalizeUrl"/>: tracking parameters (names starting with <c>_</c> or <c>utm_</c>) and the fragment are
/// removed, and the scheme and host are compared case-insensitively.
/// </summary>
internal sealed class EpisodeCatalog
{
    private readonly Utf8Map<int> _byUrl = new();
    private readonly Utf8Map<int> _byPath = new();
    private readonly Utf8Map<int> _byRawUrl = new();

    /// <summary>Distinct raw request URLs remembered by <see cref="Match"/> before it starts over.</summary>
    private const int MaxCachedUrls = 50_000;

    public EpisodeCatalog(IReadOnlyList<EpisodeFile> episodes)
    {
        Episodes = episodes;
        Thresholds = [.. episodes.Select(e => e.ThresholdBytes)];
        Sizes = [.. episodes.Select(e => e.FileSize)];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new byte[256];
        for (var index = 0; index < episodes.Count; index++)
        {
            var episode = episodes[index];
            Validate(episode, index, ids);
            foreach (var url in episode.Urls)
            {
                var bytes = Encoding.UTF8.GetBytes(url);
                if (buffer.Length < bytes.Length)
                {
                    buffer = new byte[bytes.Length];
                }

                var normalized = buffer.AsSpan(0, NormalizeUrl(bytes, buffer));
                var hash = FastHash.Hash64(normalized);
                if (_byUrl.TryGetValue(normalized, hash, out var other))
                {
                    if (other != index)
                    {
                        throw new EpisodeFileException($"episode {index + 1} ('{episode.Id}'): the URL {url} is also episode '{episodes[other].Id}''s.");
                    }

                    continue;
                }

                _byUrl.Add(normalized, hash, index);
                // Logs that record only the path (/media/x.mp3) match the one episode served at that path, if only one is.
                var path = PathPart(normalized);
                var pathHash = FastHash.Hash64(path);
                if (_byPath.TryGetValue(path, pathHash, out var samePath))
                {
                    if (samePath != index)
                    {
                        _byPath.Add(path, pathHash, -1);
                    }
                }
                else
                {
                    _byPath.Add(path, pathHash, index);
                }
            }
        }
    }

    public IReadOnlyList<EpisodeFile> Episodes { get; }

    public long[] Thresholds { get; }

    public long[] Sizes { get; }

    public int Count => Episodes.Count;

    /// <summary>Reads EPISODES.json (an array of <see cref="EpisodeFile"/> in camelCase).</summary>
    /// <exception cref="EpisodeFileException">The file is not valid; the message says where and why.</exception>
    public static EpisodeCatalog Load(Stream json)
    {
        List<EpisodeFile?>? episodes;
        try
        {
            episodes = JsonSerializer.Deserialize(json, EpisodeFileJson.Default.ListEpisodeFile);
        }
        catch (JsonException error)
        {
            var where = error.LineNumber is { } line ? $"line {line + 1}: " : "";
            var path = error.Path is { Length: > 1 } p ? $" (at {p})" : "";
            throw new EpisodeFileException($"{where}{FirstSentence(error.Message)}{path}", error);
        }

        if (episodes is null)
        {
            throw new EpisodeFileException("expected an array of episodes, found null.");
        }

        for (var i = 0; i < episodes.Count; i++)
        {
            if (episodes[i] is null)
            {
                throw new EpisodeFileException($"episode {i + 1} is null.");
            }
        }

        return new EpisodeCatalog(episodes!);
    }

    /// <summary>
    /// The episode a request URL is for, or -1. A log repeats the same few URLs (an episode's, with the same tracking
    /// parameters from the same links) millions of times, so the answer is kept per raw URL and a URL seen before
    /// costs one hash and one comparison instead of normalising it again. The answer depends only on the URL, so the
    /// cache cannot change a result; past <see cref="MaxCachedUrls"/> distinct URLs (a log whose URLs carry unique
    /// tokens) it starts over, which keeps its memory fixed. Not thread-safe: a catalogue serves one counting at a
    /// time, like the user-agent cache.
    /// </summary>
    public int Match(ReadOnlySpan<byte> url, Span<byte> scratch)
    {
        var hash = FastHash.Hash64(url);
        if (_byRawUrl.TryGetValue(url, hash, out var cached))
        {
            return cached;
        }

        var episode = MatchNormalized(url, scratch);
        if (_byRawUrl.Count >= MaxCachedUrls)
        {
            _byRawUrl.Clear();
        }

        _byRawUrl.Add(url, hash, episode);
        return episode;
    }

    private int MatchNormalized(ReadOnlySpan<byte> url, Span<byte> scratch)
    {
        var normalized = scratch[..NormalizeUrl(url, scratch)];
        if (normalized.Length > 0 && normalized[0] == '/')
        {
            return _byPath.TryGetValue(normalized, FastHash.Hash64(normalized), out var byPath) ? byPath : -1;
        }

        return _byUrl.TryGetValue(normalized, FastHash.Hash64(normalized), out var index) ? index : -1;
    }

    /// <summary>
    /// Writes the URL's matching form to <paramref name="destination"/> (at least as long as the URL) and returns its
    /// length: no fragment, no query parameter whose name starts with <c>_</c> or <c>utm_</c> (any case), the rest of
    /// the query in its order, and a lower-case scheme and host.
    /// </summary>
    public static int NormalizeUrl(ReadOnlySpan<byte> url, Span<byte> destination)
    {
        var fragment = url.IndexOf((byte)'#');
        if (fragment >= 0)
        {
            url = url[..fragment];
        }

        var question = url.IndexOf((byte)'?');
        var resource = question < 0 ? url : url[..question];
        resource.CopyTo(destination);
        var scheme = resource.IndexOf("://"u8);
        if (scheme > 0)
        {
            var hostEnd = resource[(scheme + 3)..].IndexOf((byte)'/');
            var end = hostEnd < 0 ? resource.Length : scheme + 3 + hostEnd;
            for (var i = 0; i < end; i++)
            {
                if ((uint)(destination[i] - 'A') <= 'Z' - 'A')
                {
                    destination[i] |= 0x20;
                }
            }
        }

        var length = resource.Length;
        if (question < 0)
        {
            return length;
        }

        var query = url[(question + 1)..];
        var first = true;
        while (!query.IsEmpty)
        {
            var amp = query.IndexOf((byte)'&');
            var parameter = amp < 0 ? query : query[..amp];
            query = amp < 0 ? default : query[(amp + 1)..];
            if (parameter.IsEmpty || parameter[0] == '_' || parameter.Length >= 4 && Ascii.EqualsIgnoreCase(parameter[..4], "utm_"u8))
            {
                continue;
            }

            destination[length++] = first ? (byte)'?' : (byte)'&';
            first = false;
            parameter.CopyTo(destination[length..]);
            length += parameter.Length;
        }

        return length;
    }

    private static ReadOnlySpan<byte> PathPart(ReadOnlySpan<byte> normalized)
    {
        var scheme = normalized.IndexOf("://"u8);
        if (scheme < 0)
        {
            return normalized;
        }

        var slash = normalized[(scheme + 3)..].IndexOf((byte)'/');
        return slash < 0 ? "/"u8 : normalized[(scheme + 3 + slash)..];
    }

    private static void Validate(EpisodeFile episode, int index, HashSet<string> ids)
    {
        var name = $"episode {index + 1}" + (string.IsNullOrEmpty(episode.Id) ? "" : $" ('{episode.Id}')");
        if (string.IsNullOrWhiteSpace(episode.Id))
        {
            throw new EpisodeFileException($"{name}: id is required.");
        }

        if (!ids.Add(episode.Id))
        {
            throw new EpisodeFileException($"{name}: the id is used by an earlier episode.");
        }

        if (episode.Urls is null || episode.Urls.Count == 0 || episode.Urls.Any(string.IsNullOrWhiteSpace))
        {
            throw new EpisodeFileException($"{name}: urls must list at least one URL, none empty.");
        }

        foreach (var url in episode.Urls)
        {
            if (!url.StartsWith('/') && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                throw new EpisodeFileException($"{name}: '{url}' is not an http(s) URL or a path.");
            }
        }

        if (episode.FileSize <= 0)
        {
            throw new EpisodeFileException($"{name}: fileSize must be a positive number of bytes.");
        }

        if (episode.HeaderBytes < 0 || episode.HeaderBytes >= episode.FileSize)
        {
            throw new EpisodeFileException($"{name}: headerBytes must be at least 0 and less than fileSize.");
        }

        if (!(episode.DurationSeconds > 0) || !double.IsFinite(episode.DurationSeconds))
        {
            throw new EpisodeFileException($"{name}: durationSeconds must be a positive number.");
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}

/// <summary>EPISODES.json is not usable; the message names the episode or line and the reason.</summary>
public sealed class EpisodeFileException(string message, Exception? inner = null) : Exception(message, inner);
