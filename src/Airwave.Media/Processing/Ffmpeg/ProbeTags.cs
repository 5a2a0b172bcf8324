namespace Airwave.Media.Processing.Ffmpeg;

/// <summary>
/// The metadata tags of a file, as ffprobe reports them. Keys are compared without regard to case because the
/// container decides the case: ID3 and MP4 come out lower case (<c>title</c>), FLAC and Ogg Vorbis comments keep
/// what the file says (<c>TITLE</c>). ffmpeg already maps most container-specific names to its own (ID3 TRCK and
/// Vorbis TRACKNUMBER both become <c>track</c>); the few aliases below cover files it does not map.
/// </summary>
internal sealed class ProbeTags
{
    public static readonly ProbeTags Empty = new(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

    private readonly Dictionary<string, string> _all;

    private ProbeTags(Dictionary<string, string> all) => _all = all;

    /// <summary>Every tag as written, keyed case-insensitively; the first of two keys differing only in case wins.</summary>
    public IReadOnlyDictionary<string, string> All => _all;

    public string? Title => Get("title");

    public string? Artist => Get("artist");

    public string? Album => Get("album");

    public string? AlbumArtist => Get("album_artist", "albumartist", "album artist");

    /// <summary>As written: a year, a full date or anything else the tagger put there.</summary>
    public string? Date => Get("date", "year");

    public string? Genre => Get("genre");

    public string? Comment => Get("comment");

    /// <summary>As written, often "7/12" (track 7 of 12).</summary>
    public string? Track => Get("track", "tracknumber");

    /// <summary>The leading number of <see cref="Track"/>, or null when it does not start with one.</summary>
    public int? TrackNumber
    {
        get
        {
            var track = Track;
            if (track is null)
            {
                return null;
            }

            var digits = 0;
            while (digits < track.Length && char.IsAsciiDigit(track[digits]))
            {
                digits++;
            }

            return int.TryParse(track.AsSpan(0, digits), out var number) ? number : null;
        }
    }

    /// <summary>The first non-blank value among <paramref name="keys"/>, trimmed.</summary>
    public string? Get(params ReadOnlySpan<string> keys)
    {
        foreach (var key in keys)
        {
            if (_all.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value))
            {
                return value.Trim();
            }
        }

        return null;
    }

    /// <summary>
    /// Tags of <paramref name="primary"/>, completed by those of <paramref name="fallback"/> it lacks. Used to read
    /// the container's tags first and the audio stream's second: Ogg (Opus, Vorbis) stores its tags on the stream.
    /// </summary>
    public static ProbeTags Merge(ProbeTags primary, ProbeTags fallback)
    {
        var all = new Dictionary<string, string>(primary._all, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in fallback._all)
        {
            if (!all.TryGetValue(key, out var existing) || string.IsNullOrWhiteSpace(existing))
            {
                all[key] = value;
            }
        }

        return new ProbeTags(all);
    }

    public static ProbeTags From(IEnumerable<KeyValuePair<string, string>> tags)
    {
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in tags)
        {
            all.TryAdd(key, value);
        }

        return new ProbeTags(all);
    }
}
