using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Airwave.Core.Jobs;
using Airwave.Core.Processes;
using Airwave.Media.Contracts;
using Airwave.Media.Processing.Ffmpeg;

namespace Airwave.Media.Processing;

/// <summary>A file the pipeline wrote, with what delivery and analytics need to know about it.</summary>
internal sealed record PipelineOutput(string Name, string LocalPath, string ContentType, string Extension, long SizeBytes, string Sha256,
    int? BitrateKbps, long? HeaderBytes);

/// <summary>Everything the pipeline learned and made.</summary>
internal sealed record PipelineResult(FfprobeReport Probe, long DurationMs, LoudnessReport Loudness, IReadOnlyList<PipelineOutput> Outputs);

/// <summary>
/// The podcast audio profile, as ffmpeg runs: probe and validate; measure loudness (EBU R128, which also decodes
/// the whole file and so proves it is not truncated); then one second pass that normalises (two-pass loudnorm,
/// linear) and writes the MP3 enclosure, the AAC alternate and the waveform samples from a single decode.
/// Runs on local files only, so the CLI can use it without a server; the job wraps it with storage and events.
/// </summary>
/// <param name="onCommand">Told the program and arguments of every external tool just before it starts (the CLI
/// prints them so the same work can be reproduced, or benchmarked, with bare ffmpeg).</param>
internal sealed class PodcastAudioPipeline(MediaOptions options, Action<string, IReadOnlyList<string>>? onCommand = null)
{
    public const int WaveformPoints = 1000;
    private const int WaveformSampleRate = 8000;

    /// <param name="cover">A square JPEG to embed as artwork (ID3 APIC, MP4 covr), or null.</param>
    public async Task<PipelineResult> RunAsync(string source, string? cover, string workDirectory, MediaDetails tags, Action<string, int> report,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDirectory);
        report("probing", 0);
        var probe = await ProbeAsync(source, cancellationToken, onCommand);
        if (Rejection(probe) is { } problem)
        {
            throw new PermanentJobFailureException(problem);
        }

        var duration = probe.Duration!.Value;
        var mono = probe.AudioStream!.Channels == 1;
        var target = TargetFor(probe, tags.TargetLufs);

        report("measuring loudness", 2);
        var input = await MeasureAsync(source, probe, target, percent => report("measuring loudness", 2 + (percent * 43 / 100)), cancellationToken);
        // Digital silence has no loudness to correct; it is encoded as it is.
        var normalize = options.Normalize && tags.Normalize && !input.IsSilent;
        var mp3 = Path.Combine(workDirectory, "audio.mp3");
        var aac = Path.Combine(workDirectory, "audio.m4a");
        var pcm = Path.Combine(workDirectory, "waveform.pcm");
        report("encoding", 45);
        var encoded = await RunFfmpegAsync(EncodeArguments(source, cover, probe, normalize ? input : null, target, mono, tags, mp3, aac, pcm), duration,
            (p, _) => report("encoding", 45 + (p * 50 / 100)), cancellationToken);
        if (!encoded.Succeeded)
        {
            throw new ProcessFailedException($"Encoding failed: {encoded.ErrorTail(3)}");
        }

        report("finishing", 96);
        var output = normalize ? LoudnormReport.Parse(encoded.StandardError) : input;
        var loudness = new LoudnessReport(Finite(input.InputI), Finite(input.InputTp), Finite(input.InputLra),
            Finite(normalize ? output.OutputI : input.InputI), Finite(normalize ? output.OutputTp : input.InputTp),
            target, options.TruePeakLimit, normalize, normalize ? (output.IsLinear ? "linear" : "dynamic") : "none");
        var peaks = Path.Combine(workDirectory, "waveform.json");
        await WriteWaveformAsync(pcm, peaks, cancellationToken);
        File.Delete(pcm);

        var outputs = new List<PipelineOutput>
        {
            await DescribeAsync("mp3", mp3, "audio/mpeg", "mp3", mono ? 96 : 128, readId3: true, cancellationToken),
            await DescribeAsync("aac", aac, "audio/mp4", "m4a", mono ? 64 : 96, readId3: false, cancellationToken),
            await DescribeAsync("waveform", peaks, "application/json", "peaks.json", null, readId3: false, cancellationToken),
        };
        report("finishing", 100);
        return new PipelineResult(probe, (long)duration.TotalMilliseconds, loudness, outputs);
    }

    // Silence measures -inf, which JSON cannot carry and which means "nothing to measure".
    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 2) : null;

    /// <summary>Null when the probed file is audio this profile accepts; otherwise the reason, in the creator's words.</summary>
    public string? Rejection(FfprobeReport probe) => AudioValidation.Problem(probe, options.MaxDuration);

    /// <summary>
    /// The integrated loudness the profile aims at. The owner's target is for stereo; mono is 3 LU quieter so both
    /// sound alike on a phone speaker (AES TD1008). Without one, the server's mono and stereo targets.
    /// </summary>
    public double TargetFor(FfprobeReport probe, double? ownerTarget = null)
    {
        var mono = probe.AudioStream?.Channels == 1;
        return ownerTarget is { } owned ? (mono ? owned - 3 : owned) : mono ? options.MonoTargetLufs : options.StereoTargetLufs;
    }

    /// <summary>
    /// The first pass: decodes the whole of an accepted file and measures its loudness. Throws
    /// <see cref="PermanentJobFailureException"/> when the audio cannot be decoded to the end or stops well before
    /// the length its header promised.
    /// </summary>
    /// <param name="onPercent">Receives how much of the file (0–100) has been measured.</param>
    public async Task<LoudnormReport> MeasureAsync(string source, FfprobeReport probe, double target, Action<int> onPercent,
        CancellationToken cancellationToken)
    {
        var duration = probe.Duration!.Value;
        var decoded = TimeSpan.Zero;
        var measured = await RunFfmpegAsync(MeasureArguments(source, target), duration, (p, outTime) =>
        {
            decoded = outTime > decoded ? outTime : decoded;
            onPercent(p);
        }, cancellationToken);
        if (!measured.Succeeded)
        {
            throw new PermanentJobFailureException(AudioValidation.Undecodable(measured.ErrorTail(3)));
        }

        if (AudioValidation.TruncationProblem(duration, decoded) is { } truncated)
        {
            throw new PermanentJobFailureException(truncated);
        }

        return LoudnormReport.Parse(measured.StandardError);
    }

    /// <summary>
    /// Runs ffprobe on <paramref name="source"/>. Throws <see cref="PermanentJobFailureException"/>, with the reason
    /// for the creator, when the file is empty or ffprobe cannot read it at all.
    /// </summary>
    public static async Task<FfprobeReport> ProbeAsync(string source, CancellationToken cancellationToken,
        Action<string, IReadOnlyList<string>>? onCommand = null)
    {
        var size = new FileInfo(source).Length;
        if (size == 0)
        {
            throw new PermanentJobFailureException(AudioValidation.Unreadable(0, ""));
        }

        var json = new System.Text.StringBuilder();
        List<string> arguments = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters", source];
        onCommand?.Invoke("ffprobe", arguments);
        var result = await ProcessRunner.RunAsync("ffprobe", arguments,
            TimeSpan.FromMinutes(2), onStdoutLine: line => json.AppendLine(line), cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            throw new PermanentJobFailureException(AudioValidation.Unreadable(size, result.ErrorTail(1)));
        }

        return FfprobeReport.Parse(json.ToString());
    }

    internal List<string> MeasureArguments(string source, double target) =>
    [
        "-hide_banner", "-nostdin", "-nostats", "-v", "info", "-xerror", "-progress", "pipe:1",
        "-i", source, "-map", "0:a:0",
        "-af", Loudnorm(target, measured: null),
        "-f", "null", "-",
    ];

    /// <param name="measured">The first pass's report, or null to leave the level alone.</param>
    internal List<string> EncodeArguments(string source, string? cover, FfprobeReport probe, LoudnormReport? measured, double target, bool mono,
        MediaDetails tags, string mp3, string aac, string pcm)
    {
        string[] artwork = cover is null ? [] : ["-map", "1:v:0", "-c:v", "copy", "-disposition:v:0", "attached_pic"];
        var channels = mono ? "1" : "2";
        var normalize = measured is null ? "" : Loudnorm(target, measured) + ",";
        var arguments = new List<string>
        {
            "-hide_banner", "-nostdin", "-nostats", "-v", "info", "-y", "-progress", "pipe:1",
            "-i", source,
        };
        if (cover is not null)
        {
            arguments.AddRange(["-i", cover]);
        }

        arguments.AddRange(
        [
            "-filter_complex", $"[0:a:0]{normalize}aresample=44100,asplit=3[mp3][aac][wave]",
            // MP3 enclosure: CBR, ID3v2.4 tags; chapters from the source become CHAP frames.
            "-map", "[mp3]", "-map_metadata", "-1", "-map_chapters", "0", "-ac", channels,
            "-c:a", "libmp3lame", "-b:a", mono ? "96k" : "128k", "-id3v2_version", "4", "-write_xing", "1",
        ]);
        arguments.AddRange(artwork);
        arguments.AddRange(TagArguments(probe, tags));
        arguments.AddRange(["-f", "mp3", mp3]);
        arguments.AddRange(["-map", "[aac]", "-map_metadata", "-1", "-map_chapters", "0", "-ac", channels,
            "-c:a", "aac", "-b:a", mono ? "64k" : "96k", "-movflags", "+faststart"]);
        arguments.AddRange(artwork);
        arguments.AddRange(TagArguments(probe, tags));
        arguments.AddRange(["-f", "mp4", aac]);
        arguments.AddRange(["-map", "[wave]", "-ac", "1", "-ar", WaveformSampleRate.ToString(CultureInfo.InvariantCulture),
            "-c:a", "pcm_s16le", "-f", "s16le", pcm]);
        return arguments;
    }

    private string Loudnorm(double target, LoudnormReport? measured)
    {
        var filter = FormattableString.Invariant($"loudnorm=I={target}:TP={options.TruePeakLimit}:LRA=11");
        if (measured is not null)
        {
            filter += ":" + measured.ToSecondPassOptions() + ":linear=true";
        }

        return filter + ":print_format=json";
    }

    private static IEnumerable<string> TagArguments(FfprobeReport probe, MediaDetails tags)
    {
        var values = new Dictionary<string, string?>
        {
            ["title"] = tags.Title ?? probe.Tags.Title,
            ["artist"] = tags.Artist ?? probe.Tags.Artist,
            ["album"] = tags.Album ?? probe.Tags.Album,
            ["date"] = tags.Date ?? probe.Tags.Date,
            ["comment"] = tags.Comment,
            ["genre"] = "Podcast",
        };
        foreach (var (key, value) in values)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                yield return "-metadata";
                yield return $"{key}={value}";
            }
        }
    }

    /// <param name="onProgress">Receives the percent done and how much audio has been processed.</param>
    private async Task<ProcessResult> RunFfmpegAsync(List<string> arguments, TimeSpan duration, Action<int, TimeSpan> onProgress,
        CancellationToken cancellationToken)
    {
        var progress = new FfmpegProgress();
        onCommand?.Invoke("ffmpeg", arguments);
        return await ProcessRunner.RunAsync("ffmpeg", arguments, options.ToolTimeout, onStdoutLine: line =>
        {
            if (progress.TryConsume(line, out var update))
            {
                onProgress(FfmpegProgress.Percent(update.OutTime, duration), update.OutTime);
            }
        }, cancellationToken: cancellationToken);
    }

    private static async Task WriteWaveformAsync(string pcm, string json, CancellationToken cancellationToken)
    {
        var totalSamples = new FileInfo(pcm).Length / 2;
        var builder = new WaveformBuilder(totalSamples, WaveformPoints);
        await using (var input = new FileStream(pcm, FileMode.Open, FileAccess.Read, FileShare.Read, 65536, useAsync: true))
        {
            var buffer = new byte[65536];
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                builder.AddS16Le(buffer.AsSpan(0, read));
            }
        }

        var document = new { version = 1, sample_rate = WaveformSampleRate, points = WaveformPoints, peaks = builder.ToArray() };
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(document), cancellationToken);
    }

    private static async Task<PipelineOutput> DescribeAsync(string name, string path, string contentType, string extension, int? bitrate,
        bool readId3, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        long? header = null;
        if (readId3)
        {
            var first = new byte[10];
            var read = await file.ReadAtLeastAsync(first, first.Length, throwOnEndOfStream: false, cancellationToken);
            header = Id3Tag.HeaderLength(first.AsSpan(0, read));
            file.Position = 0;
        }

        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        return new PipelineOutput(name, path, contentType, extension, file.Length, sha, bitrate, header);
    }
}
