using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Airwave.Analytics;
using Airwave.Analytics.Counting;
using Airwave.Analytics.Downloads;
using Airwave.Analytics.Import;
using Airwave.Server.Hosting;
using Spectre.Console;

namespace Airwave.Server.Cli;

/// <summary>
/// <c>airwave analytics count --episodes EPISODES.json --log REQUESTS.jsonl [--window calendar|first-touch|last-touch]</c>:
/// the IAB download counting on files, printing JSON (docs/analytics-methodology.md). Settings other than the window
/// come from the Analytics configuration section, as the server's would. A malformed log line is reported on stderr
/// with its line number, skipped and counted as dropped "malformed"; a bad EPISODES.json or setting stops the run.
/// Exit codes: 0 done, 1 unusable episodes file, log or settings, 2 usage error.
/// <para>
/// <c>airwave analytics import --format nginx|cloudfront|jsonl FILE...</c>: stores the media requests of log files
/// for the counting (ADR 0013), then runs a counting pass so the reports show them. Importing a file again changes
/// nothing; malformed lines are reported, counted and skipped.
/// </para>
/// </summary>
internal static class AnalyticsCommand
{
    public const int Failed = 1;

    /// <summary>Malformed lines reported one by one; the rest are summed up at the end.</summary>
    private const int ReportedMalformed = 10;

    public static Command Create()
    {
        var analytics = new Command("analytics", "Audience analytics: count IAB downloads from logs");
        analytics.Subcommands.Add(CountCommand());
        analytics.Subcommands.Add(ImportCommand());
        return analytics;
    }

    private static Command ImportCommand()
    {
        var files = new Argument<FileInfo[]>("files") { Description = "Log files to import", Arity = ArgumentArity.OneOrMore }.AcceptExistingOnly();
        var format = new Option<string>("--format")
        {
            Description = "nginx (the edge's JSON access log, deploy/nginx), cloudfront (standard logs) or jsonl (the request format of analytics count)",
            Required = true,
        }.AcceptOnlyFromAmong([.. RequestImporter.Formats]);
        var noCount = new Option<bool>("--no-count") { Description = "Only store the requests; a running server's counting picks them up" };
        var dataDir = CommonOptions.DataDir();
        var command = new Command("import", "Import request logs (nginx edge, CloudFront, JSONL) into the download counting") { files, format, noCount, dataDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            WebApplication app;
            try
            {
                app = AirwaveApp.Build(CommonOptions.Overrides(parse, dataDir));
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException error)
            {
                await Console.Error.WriteLineAsync($"Invalid setting: {error.Message}");
                return Failed;
            }

            await using (app)
            {
                await AirwaveApp.MigrateIfConfiguredAsync(app, cancellationToken);
                var importer = app.Services.GetRequiredService<RequestImporter>();
                var reports = await ImportWithProgressAsync(importer, parse.GetValue(files)!, parse.GetValue(format)!, cancellationToken);
                foreach (var report in reports)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{report.File}: {report.Lines} lines, {report.Imported} requests imported, {report.AlreadyStored} already imported, ")
                        + string.Create(CultureInfo.InvariantCulture,
                            $"{report.NotMedia} not media, {report.TooOld} too old to count, {report.Malformed} malformed"));
                }

                if (!parse.GetValue(noCount))
                {
                    var pass = await app.Services.GetRequiredService<DownloadCounting>().RunOnceAsync(cancellationToken);
                    Console.WriteLine(pass.Recomputed.Count == 0
                        ? "Counting: no day changed."
                        : $"Counting: recomputed {pass.Recomputed.Count} days ({pass.Recomputed[0]:yyyy-MM-dd} to {pass.Recomputed[^1]:yyyy-MM-dd}).");
                }
            }

            return 0;
        });
        return command;
    }

    /// <summary>A progress bar per file on a terminal; on anything else, just the reports at the end.</summary>
    private static async Task<List<ImportFileReport>> ImportWithProgressAsync(RequestImporter importer, FileInfo[] files, string format,
        CancellationToken cancellationToken)
    {
        var reports = new List<ImportFileReport>();
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var interactive = !Console.IsErrorRedirected && terminal.Profile.Capabilities.Interactive && terminal.Profile.Capabilities.Ansi;
        async Task ImportAllAsync(Func<FileInfo, Action<long>?> progress)
        {
            foreach (var file in files)
            {
                var malformed = new MalformedReport(file.Name);
                reports.Add(await importer.ImportAsync(file.FullName, format, malformed.Report, progress(file), cancellationToken));
                malformed.Finish();
            }
        }

        if (!interactive)
        {
            await ImportAllAsync(_ => null);
            return reports;
        }

        await terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(context => ImportAllAsync(file =>
            {
                var task = context.AddTask(file.Name, maxValue: Math.Max(1, file.Length));
                return bytes => task.Value = bytes;
            }));
        return reports;
    }

    private static Command CountCommand()
    {
        var episodes = new Option<FileInfo>("--episodes")
        {
            Description = "JSON array of episodes: [{\"id\", \"urls\": [...], \"fileSize\", \"headerBytes\", \"durationSeconds\"}]",
            Required = true,
        }.AcceptExistingOnly();
        var log = new Option<string>("--log")
        {
            Description = "The request log (REQUESTS.jsonl, or a CloudFront log with --log-format cloudfront); - reads standard input",
            Required = true,
        };
        log.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } path && path != "-" && !File.Exists(path))
            {
                result.AddError($"File does not exist: '{path}'.");
            }
        });
        var window = new Option<string>("--window")
        {
            Description = "De-duplication window (default: Analytics:Window, calendar)",
        }.AcceptOnlyFromAmong("calendar", "first-touch", "last-touch");
        var format = new Option<string>("--log-format")
        {
            Description = "jsonl (the delivery log's format, default) or cloudfront (CloudFront standard logs)",
            DefaultValueFactory = _ => "jsonl",
        }.AcceptOnlyFromAmong("jsonl", "cloudfront");
        var breakdown = new Option<bool>("--breakdown") { Description = "Also print downloads per app, device category and OS" };
        var parseOnly = new Option<bool>("--parse-only")
        {
            Description = "Only read and parse the log (checks it; the benchmark's floor): prints line counts, counts nothing",
        };
        var stats = new Option<bool>("--stats") { Description = "Print lines, seconds, lines/s and peak memory to stderr" };

        var command = new Command("count", "Count IAB downloads and listeners per episode from a request log; prints JSON")
        {
            episodes, log, window, format, breakdown, parseOnly, stats,
        };
        command.SetAction(parse =>
        {
            var logPath = parse.GetValue(log)!;
            var logName = logPath == "-" ? "stdin" : logPath;
            var cloudFront = parse.GetValue(format) == "cloudfront";
            var malformed = new MalformedReport(logName);

            // A batch job over a file, not a server: no request waits on a pause, so the background (concurrent)
            // collector's extra work — its own thread marking while the counting runs, and the write tracking that
            // needs — buys nothing. The counting's state is long-lived (open windows, listener tables), which is what
            // background collections keep re-marking. Both modes of the command run the same way.
            GCSettings.LatencyMode = GCLatencyMode.Batch;
            var clock = Stopwatch.StartNew();

            using var input = logPath == "-"
                ? Console.OpenStandardInput()
                : new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            LogReadSummary summary;
            if (parse.GetValue(parseOnly))
            {
                var sink = new ParseOnlySink(malformed);
                summary = cloudFront ? CloudFrontLogReader.Read(input, sink) : JsonlRequestReader.Read(input, sink);
                malformed.Finish();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{{\"lines\": {summary.Lines}, \"requests\": {sink.Requests}, \"malformed\": {summary.Malformed}}}"));
                WriteStats(parse.GetValue(stats), summary, clock);
                return 0;
            }

            CountingSettings settings;
            EpisodeCatalog catalog;
            try
            {
                var options = AirwaveApp.LoadConfiguration(new Dictionary<string, string?>()).GetSection(AnalyticsOptions.Section).Get<AnalyticsOptions>()
                    ?? new AnalyticsOptions();
                settings = options.ToSettings(parse.GetValue(window) is { } w && CountingSettings.TryParseWindow(w, out var chosen) ? chosen : null);
            }
            catch (AnalyticsSetupException error)
            {
                Console.Error.WriteLine($"Invalid setting: {error.Message}");
                return Failed;
            }

            var episodesFile = parse.GetValue(episodes)!;
            try
            {
                using var stream = episodesFile.OpenRead();
                catalog = EpisodeCatalog.Load(stream);
            }
            catch (EpisodeFileException error)
            {
                Console.Error.WriteLine($"{episodesFile.Name}: {error.Message}");
                return Failed;
            }

            using var counter = new DownloadCounter(catalog, settings, malformed.Report);
            summary = cloudFront ? CloudFrontLogReader.Read(input, counter) : JsonlRequestReader.Read(input, counter);
            var result = counter.Finish();
            malformed.Finish();
            using (var stdout = Console.OpenStandardOutput())
            {
                CountingJson.Write(stdout, result, parse.GetValue(breakdown));
            }

            WriteStats(parse.GetValue(stats), summary, clock);
            return 0;
        });
        return command;
    }

    private static void WriteStats(bool enabled, LogReadSummary summary, Stopwatch clock)
    {
        if (!enabled)
        {
            return;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime.TotalSeconds;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stats: {summary.Lines} lines in {seconds:0.000} s ({summary.Lines / seconds:0} lines/s), cpu {cpu:0.000} s ({summary.Lines / cpu:0} lines/cpu-s), ")
            + string.Create(CultureInfo.InvariantCulture,
                $"peak working set {process.PeakWorkingSet64 / 1048576.0:0.0} MiB, allocated {GC.GetTotalAllocatedBytes() / 1048576.0:0} MiB, ")
            + string.Create(CultureInfo.InvariantCulture,
                $"gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} pause {GC.GetTotalPauseDuration().TotalSeconds:0.000} s"));
    }

    /// <summary>Prints the first malformed lines with their numbers, then how many more there were.</summary>
    private sealed class MalformedReport(string logName)
    {
        private long _count;

        public void Report(long lineNumber, string reason)
        {
            if (++_count <= ReportedMalformed)
            {
                Console.Error.WriteLine($"{logName}:{lineNumber}: skipped malformed request: {reason}");
            }
        }

        public void Finish()
        {
            if (_count > ReportedMalformed)
            {
                Console.Error.WriteLine($"{logName}: {_count} malformed lines skipped in all (counted as dropped \"malformed\")");
            }
        }
    }

    /// <summary>Takes every parsed request and touches its fields, so nothing of the parsing can be skipped.</summary>
    private sealed class ParseOnlySink(MalformedReport malformed) : IRequestSink
    {
        public long Requests { get; private set; }

        public long Checksum { get; private set; }

        public void Accept(scoped in RequestLine request)
        {
            Requests++;
            Checksum += request.Time ^ request.Status ^ request.ServedStart ^ request.BytesServed ^ request.RequestId.Length ^ request.Method.Length
                ^ request.Url.Length ^ request.Ip.Length ^ request.UserAgent.Length ^ request.Referer.Length ^ request.Range.Length;
        }

        public void Malformed(long lineNumber, string reason) => malformed.Report(lineNumber, reason);
    }
}
