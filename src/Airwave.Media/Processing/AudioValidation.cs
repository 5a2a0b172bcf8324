using Airwave.Media.Processing.Ffmpeg;

namespace Airwave.Media.Processing;

/// <summary>
/// Decides from what ffprobe saw inside a file (never its name or declared type) whether it is audio Airwave can
/// process, and if not, says why in words a creator understands.
/// </summary>
internal static class AudioValidation
{
    /// <summary>Audio codecs podcast sources come in; everything here decodes with Debian's ffmpeg.</summary>
    public static readonly IReadOnlySet<string> SupportedCodecs = new HashSet<string>(StringComparer.Ordinal)
    {
        "mp3", "mp2", "aac", "alac", "flac", "opus", "vorbis", "wavpack", "ac3", "eac3",
    };

    public const string Formats = "MP3, AAC/M4A, WAV, AIFF, FLAC, ALAC, Ogg Vorbis or Opus";

    /// <summary>Null when the file is acceptable audio; otherwise the reason it is not.</summary>
    public static string? Problem(FfprobeReport report, TimeSpan maxDuration)
    {
        var audio = report.AudioStream;
        if (audio is null)
        {
            var what = report.Streams.Any(s => s.CodecType == "video") ? "an image or video" : "something other than audio";
            return $"The file contains no audio: it looks like {what} ({string.Join(", ", report.FormatNames)}). Upload {Formats}.";
        }

        var codec = audio.CodecName ?? "unknown";
        if (!SupportedCodecs.Contains(codec) && !codec.StartsWith("pcm_", StringComparison.Ordinal))
        {
            return $"The audio is encoded as '{codec}', which Airwave does not accept. Upload {Formats}.";
        }

        var duration = report.Duration;
        if (duration is null || duration <= TimeSpan.Zero)
        {
            return "The audio has no measurable length; the file may be damaged or cut short.";
        }

        if (duration > maxDuration)
        {
            return $"The audio is {Format(duration.Value)} long; the limit is {Format(maxDuration)}.";
        }

        return audio.Channels is null or < 1 ? "The audio stream has no channels." : null;
    }

    /// <summary>
    /// A file whose header promises more audio than it holds was cut short (or lies): decoding stops early. ffprobe
    /// takes the length from the header (an MP3's Xing frame, a WAV's data size), decoding finds the real one.
    /// A little slack covers encoder padding and rounding.
    /// </summary>
    public static string? TruncationProblem(TimeSpan declared, TimeSpan decoded)
    {
        var slack = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, declared.Ticks / 50));
        return declared - decoded > slack
            ? $"The audio stops at {Format(decoded)} although the file says it lasts {Format(declared)}; it is truncated or damaged."
            : null;
    }

    /// <summary>The reason for a file ffprobe could not open at all.</summary>
    public static string Unreadable(long sizeBytes, string toolMessage) =>
        sizeBytes == 0
            ? "The file is empty (0 bytes)."
            : $"The file is not audio Airwave can read ({LastLine(toolMessage)}). Upload {Formats}.";

    /// <summary>The reason for audio that started decoding but failed part-way.</summary>
    public static string Undecodable(string toolMessage) =>
        $"The audio could not be decoded to the end ({LastLine(toolMessage)}); the file may be truncated or damaged.";

    private static string Format(TimeSpan duration) => $"{(int)duration.TotalHours}:{duration:mm\\:ss}";

    private static string LastLine(string message)
    {
        var line = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no details";
        // ffprobe prefixes errors with the input path, which means nothing to the creator.
        var colon = line.LastIndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && line.StartsWith('/') ? line[(colon + 2)..] : line;
    }
}
