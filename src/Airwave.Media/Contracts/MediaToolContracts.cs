namespace Airwave.Media.Contracts;

/// <summary>An external program as <see cref="MediaTools"/> started it.</summary>
/// <param name="Program">"ffprobe" or "ffmpeg".</param>
/// <param name="Arguments">Each argument as the program received it (no shell was involved).</param>
public sealed record MediaToolCommand(string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>The command as one line a POSIX shell runs unchanged: every argument that needs it single-quoted.</summary>
    public string ToShellLine() => string.Join(' ', new[] { Program }.Concat(Arguments).Select(Quote));

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,+@%".Contains(c, StringComparison.Ordinal))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

/// <summary>How <see cref="MediaTools.ProbeAsync"/> looks at a file.</summary>
public sealed record MediaProbeSettings
{
    /// <summary>Limits and targets; the defaults when null. Use the server's settings to get the server's verdict.</summary>
    public MediaOptions? Options { get; init; }

    /// <summary>
    /// Also decode the whole file, as processing's loudness pass does: finds truncated or damaged audio, which
    /// ffprobe alone cannot see, and measures the loudness. Takes as long as that pass.
    /// </summary>
    public bool Decode { get; init; }

    /// <summary>Told every external command just before it starts.</summary>
    public Action<MediaToolCommand>? CommandStarting { get; init; }
}

/// <summary>How <see cref="MediaTools.ProcessAsync"/> runs the podcast profile.</summary>
public sealed record MediaProcessSettings
{
    /// <summary>Limits, loudness targets and whether to normalise; the defaults when null.</summary>
    public MediaOptions? Options { get; init; }

    /// <summary>Tags to write into the outputs; the source's own tags fill what is null.</summary>
    public MediaDetails? Tags { get; init; }

    /// <summary>Told the current step ("probing", "measuring loudness", "encoding", "finishing") and the percent done.</summary>
    /// <remarks>Called from the threads that read ffmpeg's output; keep it quick.</remarks>
    public Action<string, int>? Progress { get; init; }

    /// <summary>Told every external command just before it starts.</summary>
    public Action<MediaToolCommand>? CommandStarting { get; init; }
}

/// <summary>What validation sees in a file, and its verdict.</summary>
/// <param name="Path">The file, as given.</param>
/// <param name="Accepted">True when processing would go ahead.</param>
/// <param name="Rejection">Why not, exactly as processing reports it to the creator; null when accepted.</param>
/// <param name="Formats">The demuxer's names for the container ("mov", "mp4", "m4a"…); empty when unreadable.</param>
/// <param name="DurationSeconds">The length ffprobe reads from the file (a header can lie; see <paramref name="Decoded"/>).</param>
/// <param name="BitRate">Overall bits per second.</param>
/// <param name="ProbeScore">How sure ffprobe is of the container (0–100).</param>
/// <param name="Audio">The first audio stream, the one processing uses; null when there is none.</param>
/// <param name="Tags">The container's tags, completed by the audio stream's.</param>
/// <param name="CoverArt">An embedded picture is present.</param>
/// <param name="Decoded">What decoding the whole file found, when asked for and the file got that far.</param>
public sealed record MediaProbeReport(
    string Path,
    long SizeBytes,
    bool Accepted,
    string? Rejection,
    IReadOnlyList<string> Formats,
    double? DurationSeconds,
    long? BitRate,
    int? ProbeScore,
    MediaProbeAudio? Audio,
    IReadOnlyDictionary<string, string> Tags,
    bool CoverArt,
    IReadOnlyList<MediaProbeChapter> Chapters,
    MediaProbeDecoding? Decoded);

/// <summary>The audio stream processing uses.</summary>
/// <param name="BitRate">Bits per second; ffprobe has none for some codecs (FLAC, Opus).</param>
public sealed record MediaProbeAudio(int StreamIndex, string? Codec, int? SampleRate, int? Channels, string? ChannelLayout, long? BitRate);

/// <summary>A chapter mark found in the source; processing copies chapters into the MP3 and AAC outputs.</summary>
public sealed record MediaProbeChapter(double StartSeconds, double EndSeconds, string? Title);

/// <summary>The loudness of the source, measured by decoding all of it (EBU R128).</summary>
/// <param name="IntegratedLufs">Negative infinity for digital silence.</param>
/// <param name="TargetLufs">What processing would normalise to.</param>
public sealed record MediaProbeDecoding(double IntegratedLufs, double TruePeakDbtp, double RangeLu, double TargetLufs);

/// <summary>Everything a run of the podcast profile made and measured.</summary>
/// <param name="DurationMs">The source's length.</param>
/// <param name="Outputs">audio.mp3, audio.m4a and waveform.json, in that order.</param>
/// <param name="Steps">How long each step took, in order.</param>
/// <param name="ElapsedMs">The whole run, from probe to the last checksum.</param>
/// <param name="Commands">Every external command that ran, in order.</param>
public sealed record MediaProcessReport(
    MediaProbeReport Source,
    long DurationMs,
    LoudnessReport Loudness,
    IReadOnlyList<MediaOutputFile> Outputs,
    IReadOnlyList<MediaStepTiming> Steps,
    long ElapsedMs,
    IReadOnlyList<MediaToolCommand> Commands);

/// <summary>One file processing wrote.</summary>
/// <param name="Name">"mp3", "aac" or "waveform".</param>
/// <param name="FileName">The file's name in the output folder.</param>
/// <param name="Id3HeaderBytes">For the MP3: the length of the ID3v2 tag before the first audio frame.</param>
/// <param name="DurationMs">For audio: the length ffprobe reads from the written file.</param>
public sealed record MediaOutputFile(string Name, string FileName, string ContentType, long SizeBytes, string Sha256, int? BitrateKbps,
    long? Id3HeaderBytes, long? DurationMs);

public sealed record MediaStepTiming(string Step, long ElapsedMs);

/// <summary>The file is not audio the profile accepts; <see cref="Exception.Message"/> says why, for the creator.</summary>
public sealed class MediaRejectedException : Exception
{
    public MediaRejectedException()
    {
    }

    public MediaRejectedException(string reason) : base(reason)
    {
    }

    public MediaRejectedException(string reason, Exception innerException) : base(reason, innerException)
    {
    }
}
