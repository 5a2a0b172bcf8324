using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Airwave.Core.Processes;
using Airwave.Media;
using Airwave.Media.Contracts;
using Airwave.Server.Hosting;
using Spectre.Console;

namespace Airwave.Server.Cli;

/// <summary>
/// <c>airwave media probe FILE [--json] [--decode]</c> and
/// <c>airwave media process FILE --out DIR [--no-normalize] [--target-lufs N] [--print-commands]</c>: the processing
/// pipeline on local files, without a server. Settings (limits, loudness targets) come from the same configuration
/// as the server's, so the verdict and the outputs are the ones an upload would get.
/// Exit codes: 0 accepted/processed, 1 rejected or failed, 2 usage error, 130 cancelled (Ctrl-C, SIGTERM).
/// </summary>
internal static class MediaCommand
{
    public const int Rejected = 1;
    public const int Cancelled = 130;

    /// <summary>How the reports are written: snake_case like the API; silence measures -Infinity LUFS.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    public static Command Create()
    {
        var media = new Command("media", "Inspect and process media files locally, as the server's pipeline would");
        media.Subcommands.Add(ProbeCommand());
        media.Subcommands.Add(ProcessCommand());
        return media;
    }

    private static Argument<FileInfo> FileArgument(string description) => new Argument<FileInfo>("FILE") { Description = description }.AcceptExistingOnly();

    private static Command ProbeCommand()
    {
        var file = FileArgument("The media file to inspect");
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var decode = new Option<bool>("--decode")
        {
            Description = "Also decode the whole file, as processing does: finds truncated or damaged audio and measures loudness",
        };
        var command = new Command("probe", "Show what validation sees in a file and whether processing would accept it (exit 0) or not (exit 1)")
        {
            file, json, decode,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var cancel = new Interruption(cancellationToken);
            var path = parse.GetValue(file)!.FullName;
            MediaProbeReport report;
            try
            {
                report = await MediaTools.ProbeAsync(path, new MediaProbeSettings { Options = LoadOptions(), Decode = parse.GetValue(decode) },
                    cancel.Token);
            }
            catch (OperationCanceledException) when (cancel.Requested)
            {
                await Console.Error.WriteLineAsync("Cancelled.");
                return Cancelled;
            }

            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, Json));
            }
            else
            {
                WriteProbe(report);
            }

            return report.Accepted ? 0 : Rejected;
        });
        return command;
    }

    private static Command ProcessCommand()
    {
        var file = FileArgument("The audio file to process");
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder for audio.mp3, audio.m4a, waveform.json and report.json (created when missing)",
            Required = true,
        };
        var noNormalize = new Option<bool>("--no-normalize") { Description = "Keep the level: only measure loudness" };
        var targetLufs = new Option<double?>("--target-lufs")
        {
            Description = "Integrated loudness to normalise to, in LUFS (default: the configured target, -16 stereo / -19 mono)",
        };
        targetLufs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } value && (value < -70 || value > -5 || !double.IsFinite(value)))
            {
                result.AddError("--target-lufs must be between -70 and -5.");
            }
        });
        var printCommands = new Option<bool>("--print-commands")
        {
            Description = "After the summary, print every ffprobe/ffmpeg command that ran, ready to paste into a shell",
        };
        var command = new Command("process", "Run the podcast profile on a file: MP3, AAC, waveform and a report, with progress")
        {
            file, output, noNormalize, targetLufs, printCommands,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = LoadOptions();
            options.Normalize = options.Normalize && !parse.GetValue(noNormalize);
            if (parse.GetValue(targetLufs) is { } target)
            {
                options.StereoTargetLufs = options.MonoTargetLufs = target;
            }

            var source = parse.GetValue(file)!.FullName;
            var directory = parse.GetValue(output)!.FullName;
            Directory.CreateDirectory(directory);
            // A report left from an earlier run must not sit next to the outputs of this one.
            var reportPath = Path.Combine(directory, "report.json");
            File.Delete(reportPath);

            using var cancel = new Interruption(cancellationToken);
            MediaProcessReport report;
            try
            {
                report = await RunWithProgressAsync(source, directory, options, cancel.Token);
            }
            catch (Exception) when (cancel.Requested)
            {
                // ffmpeg may notice the terminal's SIGINT and stop before it is killed; either way the user asked for it.
                await Console.Error.WriteLineAsync("Cancelled; ffmpeg was stopped and the partial outputs removed.");
                return Cancelled;
            }
            catch (MediaRejectedException rejected)
            {
                await Console.Error.WriteLineAsync($"Rejected: {rejected.Message}");
                return Rejected;
            }
            catch (ProcessFailedException failed)
            {
                await Console.Error.WriteLineAsync($"Failed: {failed.Message}");
                return Rejected;
            }

            await File.WriteAllTextAsync(reportPath, JsonSerializer.Serialize(report, Json) + "\n", CancellationToken.None);
            WriteSummary(report, directory);
            if (parse.GetValue(printCommands))
            {
                Console.WriteLine();
                foreach (var run in report.Commands)
                {
                    Console.WriteLine(run.ToShellLine());
                }
            }

            return 0;
        });
        return command;
    }

    private static MediaOptions LoadOptions() =>
        AirwaveApp.LoadConfiguration(new Dictionary<string, string?>()).GetSection(MediaOptions.Section).Get<MediaOptions>() ?? new MediaOptions();

    /// <summary>
    /// A Spectre.Console progress bar on a terminal; plain lines (a new step, or every few seconds) when stderr is
    /// not one, as in CI logs, where redrawing a bar would only add noise.
    /// </summary>
    private static async Task<MediaProcessReport> RunWithProgressAsync(string source, string directory, MediaOptions options,
        CancellationToken cancellationToken)
    {
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected || !terminal.Profile.Capabilities.Interactive || !terminal.Profile.Capabilities.Ansi)
        {
            var lines = new PlainProgress(Console.Error);
            var report = await MediaTools.ProcessAsync(source, directory, new MediaProcessSettings { Options = options, Progress = lines.Report },
                cancellationToken);
            lines.Report("done", 100);
            return report;
        }

        return await terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Path.GetFileName(source), maxValue: 100);
                var report = await MediaTools.ProcessAsync(source, directory, new MediaProcessSettings
                {
                    Options = options,
                    Progress = (step, percent) =>
                    {
                        task.Description = Markup.Escape($"{step,-18}");
                        task.Value = percent;
                    },
                }, cancellationToken);
                task.Description = "done";
                task.Value = 100;
                return report;
            });
    }

    private static void WriteProbe(MediaProbeReport report)
    {
        var audio = report.Audio;
        var rows = new List<(string, string)>
        {
            ("File", $"{report.Path} ({Size(report.SizeBytes)})"),
            ("Container", report.Formats.Count == 0 ? "unreadable" : string.Join(", ", report.Formats)
                + (report.ProbeScore is { } score ? $" (probe score {score})" : "")),
            ("Duration", report.DurationSeconds is { } seconds ? Clock(TimeSpan.FromSeconds(seconds)) : "unknown"),
            ("Codec", audio?.Codec ?? "none"),
            ("Sample rate", audio?.SampleRate is { } rate ? $"{rate} Hz" : "unknown"),
            ("Channels", audio?.Channels is { } channels ? $"{channels}" + (audio.ChannelLayout is { } layout ? $" ({layout})" : "") : "unknown"),
            ("Bit rate", (audio?.BitRate ?? report.BitRate) is { } bits ? $"{bits / 1000.0:0.#} kb/s" : "unknown"),
            ("Cover art", report.CoverArt ? "yes" : "no"),
            ("Chapters", report.Chapters.Count == 0 ? "none" : $"{report.Chapters.Count}"),
        };
        rows.AddRange(report.Chapters.Select((c, i) => ($"  {i + 1}", $"{Clock(TimeSpan.FromSeconds(c.StartSeconds))} – "
            + $"{Clock(TimeSpan.FromSeconds(c.EndSeconds))}  {c.Title}")));
        rows.Add(("Tags", report.Tags.Count == 0 ? "none" : $"{report.Tags.Count}"));
        rows.AddRange(report.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => ($"  {t.Key}", t.Value)));
        if (report.Decoded is { } decoded)
        {
            rows.Add(("Loudness", Invariant($"{decoded.IntegratedLufs:0.0} LUFS, true peak {decoded.TruePeakDbtp:0.0} dBTP, ")
                + Invariant($"range {decoded.RangeLu:0.0} LU (target {decoded.TargetLufs:0.#} LUFS)")));
        }

        rows.Add(("Verdict", report.Accepted ? "accepted" : $"rejected: {report.Rejection}"));
        var width = rows.Max(r => r.Item1.Length) + 2;
        foreach (var (label, value) in rows)
        {
            Console.WriteLine(label.PadRight(width) + value);
        }
    }

    private static void WriteSummary(MediaProcessReport report, string directory)
    {
        // Redirected (a log, a pipe): no colour codes, and wide enough that the table never wraps.
        var redirected = Console.IsOutputRedirected;
        var stdout = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected)
        {
            stdout.Profile.Width = 160;
        }

        var table = new Table().AddColumns("File", "Size", "Bit rate", "Duration", "SHA-256", "ID3 header");
        foreach (var file in report.Outputs)
        {
            table.AddRow(Markup.Escape(file.FileName), Size(file.SizeBytes), file.BitrateKbps is { } kbps ? $"{kbps} kb/s" : "",
                file.DurationMs is { } ms ? Clock(TimeSpan.FromMilliseconds(ms)) : "", file.Sha256[..16] + "…",
                file.Id3HeaderBytes is { } header ? $"{header} B" : "");
        }

        table.AddRow("report.json", Size(new FileInfo(Path.Combine(directory, "report.json")).Length), "", "", "", "");
        Console.WriteLine($"Wrote {directory}:");
        stdout.Write(table);
        var loudness = report.Loudness;
        Console.WriteLine(Invariant($"Loudness: {loudness.InputIntegrated:0.0} LUFS, {loudness.InputTruePeak:0.0} dBTP, LRA {loudness.InputRange:0.0} LU")
            + (loudness.Normalized
                ? Invariant($" → {loudness.OutputIntegrated:0.0} LUFS, {loudness.OutputTruePeak:0.0} dBTP (target {loudness.TargetIntegrated:0.#} LUFS)")
                : " (not normalised)"));
        var realtime = report.ElapsedMs > 0 ? report.DurationMs / (double)report.ElapsedMs : 0;
        Console.WriteLine(Invariant($"Audio {Clock(TimeSpan.FromMilliseconds(report.DurationMs))} processed in {report.ElapsedMs / 1000.0:0.0} s ")
            + Invariant($"({realtime:0.#}× realtime): ")
            + string.Join(", ", report.Steps.Select(s => Invariant($"{s.Step} {s.ElapsedMs / 1000.0:0.0} s"))));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => Invariant($"{bytes / 1024.0:0.0} KiB"),
        _ => Invariant($"{bytes / 1024.0 / 1024.0:0.0} MiB"),
    };

    private static string Clock(TimeSpan duration) =>
        string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}:{duration:mm\\:ss\\.fff}");

    /// <summary>Progress as plain lines: one when the step changes, and at most one every few seconds within a step.</summary>
    private sealed class PlainProgress(TextWriter writer)
    {
        private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
        private readonly Lock _lock = new();
        private string? _step;
        private int _percent = -1;
        private long _written;

        public void Report(string step, int percent)
        {
            lock (_lock)
            {
                var now = Environment.TickCount64;
                if (step == _step && (percent == _percent || now - _written < Every.TotalMilliseconds))
                {
                    return;
                }

                writer.WriteLine($"{percent,3}% {step}");
                writer.Flush();
                (_step, _percent, _written) = (step, percent, now);
            }
        }
    }

    /// <summary>
    /// Ctrl-C (SIGINT) and SIGTERM cancel the token instead of ending the process, so the work stops cleanly: the
    /// process runner kills ffmpeg's process tree and the pipeline removes its partial outputs. (Program.cs leaves
    /// signals to the verbs, because <c>run</c> shuts down through the host.)
    /// </summary>
    private sealed class Interruption : IDisposable
    {
        private readonly CancellationTokenSource _source;
        private readonly PosixSignalRegistration _interrupt;
        private readonly PosixSignalRegistration _terminate;

        public Interruption(CancellationToken outer)
        {
            _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
            _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        }

        public CancellationToken Token => _source.Token;

        public bool Requested => _source.IsCancellationRequested;

        public void Dispose()
        {
            _interrupt.Dispose();
            _terminate.Dispose();
            _source.Dispose();
        }

        private void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            _source.Cancel();
        }
    }
}
