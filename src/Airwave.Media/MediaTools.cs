using System.Diagnostics;
using Airwave.Core.Jobs;
using Airwave.Media.Contracts;
using Airwave.Media.Processing;
using Airwave.Media.Processing.Ffmpeg;

namespace Airwave.Media;

/// <summary>
/// The processing pipeline for tools that run without a server (the <c>airwave media</c> verbs, benchmarks): a
/// local file in, local files out; no database, storage or events. The server's processing job runs the same
/// pipeline, so a verdict or an output here is the one an upload would get.
/// </summary>
public static class MediaTools
{
    /// <summary>The files <see cref="ProcessAsync"/> writes into its output folder.</summary>
    public static readonly IReadOnlyList<string> OutputFileNames = ["audio.mp3", "audio.m4a", "waveform.json"];

    private const string WaveformSamples = "waveform.pcm";

    /// <summary>Probes <paramref name="path"/> and validates it as processing would; never throws for a bad file.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static async Task<MediaProbeReport> ProbeAsync(string path, MediaProbeSettings? settings = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        settings ??= new MediaProbeSettings();
        var pipeline = new PodcastAudioPipeline(settings.Options ?? new MediaOptions(), Hook(settings.CommandStarting, null));
        var size = new FileInfo(path).Length;
        FfprobeReport probe;
        try
        {
            probe = await PodcastAudioPipeline.ProbeAsync(path, cancellationToken, Hook(settings.CommandStarting, null));
        }
        catch (PermanentJobFailureException rejected)
        {
            return new MediaProbeReport(path, size, false, rejected.Message, [], null, null, null, null,
                new Dictionary<string, string>(), false, [], null);
        }

        var rejection = pipeline.Rejection(probe);
        MediaProbeDecoding? decoded = null;
        if (rejection is null && settings.Decode)
        {
            try
            {
                var measured = await pipeline.MeasureAsync(path, probe, pipeline.TargetFor(probe), _ => { }, cancellationToken);
                decoded = new MediaProbeDecoding(measured.InputI, measured.InputTp, measured.InputLra, pipeline.TargetFor(probe));
            }
            catch (PermanentJobFailureException rejected)
            {
                rejection = rejected.Message;
            }
        }

        return Describe(path, size, probe, rejection, decoded);
    }

    /// <summary>
    /// Runs the podcast profile on <paramref name="source"/>: writes <see cref="OutputFileNames"/> into
    /// <paramref name="outputDirectory"/> (created when missing, same-named files replaced). When the run fails or
    /// is cancelled (which kills ffmpeg), what it had written there is deleted.
    /// </summary>
    /// <exception cref="MediaRejectedException">The file is not audio the profile accepts.</exception>
    /// <exception cref="Core.Processes.ProcessFailedException">ffmpeg failed on audio it had accepted, or is missing.</exception>
    /// <exception cref="ArgumentException">The settings are out of range.</exception>
    public static async Task<MediaProcessReport> ProcessAsync(string source, string outputDirectory, MediaProcessSettings? settings = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outputDirectory);
        settings ??= new MediaProcessSettings();
        var options = settings.Options ?? new MediaOptions();
        if (options.Validate().FirstOrDefault() is { } invalid)
        {
            throw new ArgumentException(invalid, nameof(settings));
        }

        var commands = new List<MediaToolCommand>();
        var pipeline = new PodcastAudioPipeline(options, Hook(settings.CommandStarting, commands));
        var steps = new StepClock(settings.Progress);
        try
        {
            var result = await pipeline.RunAsync(source, cover: null, outputDirectory, settings.Tags ?? new MediaDetails(null, null, null, null, null),
                steps.Report, cancellationToken);
            var outputs = new List<MediaOutputFile>();
            foreach (var output in result.Outputs)
            {
                long? duration = null;
                if (output.Name != "waveform")
                {
                    var written = await PodcastAudioPipeline.ProbeAsync(output.LocalPath, cancellationToken, Hook(settings.CommandStarting, commands));
                    duration = written.Duration is { } d ? (long)d.TotalMilliseconds : null;
                }

                outputs.Add(new MediaOutputFile(output.Name, Path.GetFileName(output.LocalPath), output.ContentType, output.SizeBytes, output.Sha256,
                    output.BitrateKbps, output.HeaderBytes, duration));
            }

            var (timings, elapsed) = steps.Stop();
            var probe = Describe(source, new FileInfo(source).Length, result.Probe, null, null);
            return new MediaProcessReport(probe, result.DurationMs, result.Loudness, outputs, timings, elapsed, commands);
        }
        catch (Exception failure)
        {
            foreach (var name in OutputFileNames.Append(WaveformSamples))
            {
                var partial = Path.Combine(outputDirectory, name);
                if (File.Exists(partial))
                {
                    File.Delete(partial);
                }
            }

            if (failure is PermanentJobFailureException rejected)
            {
                throw new MediaRejectedException(rejected.Message, rejected);
            }

            throw;
        }
    }

    private static Action<string, IReadOnlyList<string>> Hook(Action<MediaToolCommand>? listener, List<MediaToolCommand>? log) =>
        (program, arguments) =>
        {
            var command = new MediaToolCommand(program, [.. arguments]);
            log?.Add(command);
            listener?.Invoke(command);
        };

    private static MediaProbeReport Describe(string path, long size, FfprobeReport probe, string? rejection, MediaProbeDecoding? decoded)
    {
        var audio = probe.AudioStream;
        return new MediaProbeReport(
            path,
            size,
            rejection is null,
            rejection,
            probe.FormatNames,
            probe.Duration?.TotalSeconds,
            probe.BitRate,
            probe.ProbeScore,
            audio is null ? null : new MediaProbeAudio(audio.Index, audio.CodecName, audio.SampleRate, audio.Channels, audio.ChannelLayout, audio.BitRate),
            probe.Tags.All.ToDictionary(t => t.Key, t => t.Value, StringComparer.OrdinalIgnoreCase),
            probe.HasCoverArt,
            [.. probe.Chapters.Select(c => new MediaProbeChapter(c.Start.TotalSeconds, c.End.TotalSeconds, c.Title))],
            decoded);
    }

    /// <summary>Times the pipeline's steps from its progress reports, and passes the reports on.</summary>
    private sealed class StepClock(Action<string, int>? listener)
    {
        private readonly Stopwatch _total = Stopwatch.StartNew();
        private readonly List<MediaStepTiming> _steps = [];
        private readonly Lock _lock = new();
        private string? _step;
        private TimeSpan _stepStart;

        public void Report(string step, int percent)
        {
            lock (_lock)
            {
                if (step != _step)
                {
                    Close();
                    _step = step;
                    _stepStart = _total.Elapsed;
                }
            }

            listener?.Invoke(step, percent);
        }

        public (IReadOnlyList<MediaStepTiming> Steps, long ElapsedMs) Stop()
        {
            lock (_lock)
            {
                Close();
                _step = null;
                return ([.. _steps], _total.ElapsedMilliseconds);
            }
        }

        private void Close()
        {
            if (_step is not null)
            {
                _steps.Add(new MediaStepTiming(_step, (long)(_total.Elapsed - _stepStart).TotalMilliseconds));
            }
        }
    }
}
