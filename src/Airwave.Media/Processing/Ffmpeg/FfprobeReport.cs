using System.Globalization;
using System.Text.Json;

namespace Airwave.Media.Processing.Ffmpeg;

/// <summary>
/// What ffprobe says about a file, reduced to what the pipeline decides on. Read from the output of
/// <c>ffprobe -v error -print_format json -show_format -show_streams -show_chapters FILE</c>.
/// </summary>
/// <remarks>
/// ffprobe leaves out what it does not know (no duration when reading Ogg from a pipe, no channel layout for mono
/// WAV, no stream bit rate for FLAC), prints "N/A" for the same fields under <c>-show_optional_fields always</c>,
/// and writes some numbers as JSON numbers and others as strings. So every field is optional and read leniently:
/// only text that is not a JSON object is an error. When ffprobe fails it exits 1 and still prints <c>{}</c>;
/// that parses to an empty report, so check the exit code (and take the reason from stderr) before this.
/// </remarks>
/// <param name="Duration">format.duration, or the audio stream's when the container has none.</param>
/// <param name="FormatNames">format.format_name split on commas: "mov,mp4,m4a,3gp,3g2,mj2" for any MP4.</param>
/// <param name="BitRate">Overall bits per second (format.bit_rate).</param>
/// <param name="SizeBytes">format.size; absent when ffprobe read a pipe.</param>
/// <param name="ProbeScore">How sure the demuxer is (0–100); MP3 without a strong signature scores 51.</param>
/// <param name="Streams">Every stream in file order, cover images included.</param>
/// <param name="Chapters">Chapter marks in file order; empty when there are none.</param>
/// <param name="Tags">The container's tags, completed by the first audio stream's (Ogg keeps them there).</param>
internal sealed record FfprobeReport(
    TimeSpan? Duration,
    IReadOnlyList<string> FormatNames,
    long? BitRate,
    long? SizeBytes,
    int? ProbeScore,
    IReadOnlyList<FfprobeStream> Streams,
    IReadOnlyList<FfprobeChapter> Chapters,
    ProbeTags Tags)
{
    /// <summary>The first audio stream, or null when there is none (an image, a text file, a failed probe).</summary>
    public FfprobeStream? AudioStream => Streams.FirstOrDefault(s => s.IsAudio);

    /// <summary>An embedded picture (ID3 APIC, MP4 covr, FLAC PICTURE): a video stream marked attached_pic.</summary>
    public bool HasCoverArt => Streams.Any(s => s.IsCoverArt);

    /// <summary>Reads ffprobe's JSON; absent, "N/A" and unreadable values become null rather than errors.</summary>
    /// <exception cref="FormatException">The text is not JSON, or its root is not an object.</exception>
    public static FfprobeReport Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"ffprobe output is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"ffprobe output must be a JSON object, not {root.ValueKind}.");
            }

            var streams = Items(root, "streams").Select(ReadStream).ToList();
            var chapters = Items(root, "chapters").Select(ReadChapter).OfType<FfprobeChapter>().ToList();
            var format = Property(root, "format", JsonValueKind.Object);
            var audio = streams.FirstOrDefault(s => s.IsAudio);
            var formatName = format is { } f ? Text(f, "format_name") : null;

            return new FfprobeReport(
                Duration: (format is { } d ? Seconds(d, "duration") : null) ?? audio?.Duration,
                FormatNames: formatName?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
                BitRate: format is { } b ? Long(b, "bit_rate") : null,
                SizeBytes: format is { } s ? Long(s, "size") : null,
                ProbeScore: format is { } p ? Int(p, "probe_score") : null,
                Streams: streams,
                Chapters: chapters,
                Tags: ProbeTags.Merge(format is { } t ? ReadTags(t) : ProbeTags.Empty, audio?.Tags ?? ProbeTags.Empty));
        }
    }

    private static FfprobeStream ReadStream(JsonElement stream, int position)
    {
        var disposition = Property(stream, "disposition", JsonValueKind.Object);
        return new FfprobeStream(
            Index: Int(stream, "index") ?? position,
            CodecType: Text(stream, "codec_type"),
            CodecName: Text(stream, "codec_name"),
            SampleRate: Int(stream, "sample_rate"),
            Channels: Int(stream, "channels"),
            ChannelLayout: Text(stream, "channel_layout"),
            BitRate: Long(stream, "bit_rate"),
            Duration: Seconds(stream, "duration"),
            Width: Int(stream, "width"),
            Height: Int(stream, "height"),
            IsAttachedPicture: disposition is { } d && Long(d, "attached_pic") is > 0,
            Tags: ReadTags(stream));
    }

    /// <summary>Null when the chapter cannot be placed (no start or end in seconds or in time_base units).</summary>
    private static FfprobeChapter? ReadChapter(JsonElement chapter, int position)
    {
        var timeBase = TimeBase(Text(chapter, "time_base"));
        var start = Seconds(chapter, "start_time") ?? Scaled(Long(chapter, "start"), timeBase);
        var end = Seconds(chapter, "end_time") ?? Scaled(Long(chapter, "end"), timeBase);
        if (start is not { } s || end is not { } e)
        {
            return null;
        }

        return new FfprobeChapter(s, e, ReadTags(chapter).Title);
    }

    private static ProbeTags ReadTags(JsonElement owner)
    {
        if (Property(owner, "tags", JsonValueKind.Object) is not { } tags)
        {
            return ProbeTags.Empty;
        }

        return ProbeTags.From(tags.EnumerateObject()
            .Where(p => p.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            .Select(p => KeyValuePair.Create(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())));
    }

    private static IEnumerable<JsonElement> Items(JsonElement root, string name) =>
        Property(root, name, JsonValueKind.Array) is { } array
            ? array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    private static JsonElement? Property(JsonElement owner, string name, JsonValueKind kind) =>
        owner.TryGetProperty(name, out var value) && value.ValueKind == kind ? value : null;

    /// <summary>A string or number as text; null when absent, empty or "N/A".</summary>
    private static string? Text(JsonElement owner, string name)
    {
        if (!owner.TryGetProperty(name, out var value))
        {
            return null;
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(text) || text == "N/A" ? null : text;
    }

    private static long? Long(JsonElement owner, string name) =>
        long.TryParse(Text(owner, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static int? Int(JsonElement owner, string name) =>
        int.TryParse(Text(owner, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Decimal seconds ("3.030204") to the exact tick; null when absent, negative or out of range.</summary>
    private static TimeSpan? Seconds(JsonElement owner, string name) =>
        decimal.TryParse(Text(owner, name), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? FromSeconds(seconds)
            : null;

    private static TimeSpan? Scaled(long? units, (long Numerator, long Denominator)? timeBase) =>
        units is { } u && timeBase is { } tb ? FromSeconds((decimal)u * tb.Numerator / tb.Denominator) : null;

    private static TimeSpan? FromSeconds(decimal seconds)
    {
        if (seconds < 0 || seconds > (decimal)TimeSpan.MaxValue.TotalSeconds - 1)
        {
            return null;
        }

        return TimeSpan.FromTicks((long)decimal.Round(seconds * TimeSpan.TicksPerSecond));
    }

    /// <summary>"1/1000" as a fraction; null unless both parts are positive integers.</summary>
    private static (long Numerator, long Denominator)? TimeBase(string? text)
    {
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        return slash > 0
            && long.TryParse(text.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var numerator)
            && long.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var denominator)
            && numerator > 0 && denominator > 0
                ? (numerator, denominator)
                : null;
    }
}

/// <summary>One stream of a probed file. Numbers ffprobe did not report are null.</summary>
/// <param name="Index">The stream's index in the file (ffprobe's "index").</param>
/// <param name="CodecType">"audio", "video", "data", "subtitle" or "attachment".</param>
/// <param name="CodecName">ffmpeg's codec name: "mp3", "aac", "opus", "flac", "pcm_s16le", "png", "mjpeg"…</param>
/// <param name="SampleRate">Audio samples per second.</param>
/// <param name="Channels">Audio channel count.</param>
/// <param name="ChannelLayout">"mono", "stereo", "5.1(side)"…; ffprobe omits it for some mono WAV files.</param>
/// <param name="BitRate">Bits per second; ffprobe omits it for FLAC and Opus streams (the format has one).</param>
/// <param name="Duration">The stream's own duration; absent for images and for Ogg read from a pipe.</param>
/// <param name="Width">Pixels, for video and images.</param>
/// <param name="Height">Pixels, for video and images.</param>
/// <param name="IsAttachedPicture">disposition.attached_pic: the stream is a cover image, not video.</param>
/// <param name="Tags">The stream's own tags; a cover's title and comment ("Cover (front)") live here.</param>
internal sealed record FfprobeStream(
    int Index,
    string? CodecType,
    string? CodecName,
    int? SampleRate,
    int? Channels,
    string? ChannelLayout,
    long? BitRate,
    TimeSpan? Duration,
    int? Width,
    int? Height,
    bool IsAttachedPicture,
    ProbeTags Tags)
{
    public bool IsAudio => CodecType == "audio";

    public bool IsCoverArt => CodecType == "video" && IsAttachedPicture;
}

/// <summary>A chapter mark (ID3 CHAP, MP4 chapter track, Matroska chapters).</summary>
/// <param name="Start">From start_time, or start × time_base when only that is given.</param>
/// <param name="End">From end_time, or end × time_base.</param>
/// <param name="Title">The title tag; null when blank. MP3 chapters written without a title come back as "chN".</param>
internal sealed record FfprobeChapter(TimeSpan Start, TimeSpan End, string? Title);
