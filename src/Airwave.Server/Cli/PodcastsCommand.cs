using System.CommandLine;
using Airwave.Catalog.Import;
using Airwave.Server.Hosting;
using Spectre.Console;

namespace Airwave.Server.Cli;

/// <summary>
/// <c>airwave podcasts import URL --owner EMAIL</c>: imports a show for a creator, the same way as
/// <c>POST /api/v1/podcasts/import</c>, then runs the job workers in this process and shows a progress bar until every
/// new episode is downloaded and processed. Ctrl-C stops watching; the import's jobs are durable, so a running server
/// (or the next `airwave run`) finishes them. Running it again later adds only the episodes that are new.
/// </summary>
internal static class PodcastsCommand
{
    public static Command Create()
    {
        var url = new Argument<string>("feed-url") { Description = "The show's RSS feed URL" };
        var owner = new Option<string>("--owner") { Description = "Email of the creator account that will own the show", Required = true };
        var noWait = new Option<bool>("--no-wait") { Description = "Start the import and return; a running server does the downloads" };
        var dataDir = CommonOptions.DataDir();
        var import = new Command("import", "Import an existing show from its RSS feed (episodes, artwork, audio)") { url, owner, noWait, dataDir };
        import.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = CommonOptions.Overrides(parse, dataDir);

            // The workers run in this process while it waits; it serves nothing, so any free loopback port will do.
            overrides["Urls"] = "http://127.0.0.1:0";
            await using var app = AirwaveApp.Build(overrides);
            await AirwaveApp.MigrateIfConfiguredAsync(app, cancellationToken);
            Console.Error.WriteLine($"Reading {parse.GetValue(url)} …");
            var (summary, problem) = await ImportTools.StartAsync(app.Services, parse.GetValue(owner)!, parse.GetValue(url)!, cancellationToken);
            if (summary is null)
            {
                await Console.Error.WriteLineAsync(problem);
                return 1;
            }

            Console.WriteLine($"{(summary.NewPodcast ? "Created" : "Updated")} podcast {summary.PodcastId} (a draft): {summary.ItemsInFeed} episodes in the feed, "
                + $"{summary.ItemsNew} new. Import {summary.ImportId}.");
            foreach (var warning in summary.Warnings)
            {
                Console.WriteLine($"  warning: {warning}");
            }

            if (summary.ItemsNew == 0 || parse.GetValue(noWait))
            {
                return 0;
            }

            await app.StartAsync(cancellationToken);
            try
            {
                var status = await WatchAsync(app.Services, summary, cancellationToken);
                Console.WriteLine($"Done: {status.Processed} of {summary.ItemsNew} episodes processed"
                    + (status.DownloadsFailed + status.ProcessingFailed > 0
                        ? $", {status.ProcessingFailed} failed (see GET /api/v1/imports/{summary.ImportId} for the reasons)."
                        : "."));
                return status.ProcessingFailed > 0 ? 1 : 0;
            }
            catch (OperationCanceledException)
            {
                await Console.Error.WriteLineAsync("Stopped watching; the remaining downloads continue when the server runs.");
                return 130;
            }
            finally
            {
                await app.StopAsync(CancellationToken.None);
            }
        });

        var podcasts = new Command("podcasts", "Manage podcasts");
        podcasts.Subcommands.Add(import);
        return podcasts;
    }

    /// <summary>Polls the import until it finishes: a progress bar on a terminal, a line per change otherwise.</summary>
    private static async Task<ImportStatus> WatchAsync(IServiceProvider services, ImportSummary summary, CancellationToken cancellationToken)
    {
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected || !terminal.Profile.Capabilities.Interactive || !terminal.Profile.Capabilities.Ansi)
        {
            var last = "";
            while (true)
            {
                var status = await ImportTools.StatusAsync(services, summary.ImportId, cancellationToken);
                var line = $"downloaded {status.Downloaded}/{summary.ItemsNew}, processed {status.Processed}/{summary.ItemsNew}, "
                    + $"failed {status.ProcessingFailed}";
                if (line != last)
                {
                    await Console.Error.WriteLineAsync(line);
                    last = line;
                }

                if (status.Finished)
                {
                    return status;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }

        return await terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var downloads = context.AddTask("downloaded", maxValue: summary.ItemsNew);
                var processing = context.AddTask("processed ", maxValue: summary.ItemsNew);
                while (true)
                {
                    var status = await ImportTools.StatusAsync(services, summary.ImportId, cancellationToken);
                    downloads.Value = status.Downloaded + status.DownloadsFailed;
                    downloads.Description = $"downloaded {status.Downloaded}/{summary.ItemsNew} ({status.BytesDownloaded / 1048576.0:0.0} MiB)";
                    processing.Value = status.Processed + status.ProcessingFailed;
                    processing.Description = $"processed  {status.Processed}/{summary.ItemsNew}" + (status.ProcessingFailed > 0 ? $", {status.ProcessingFailed} failed" : "");
                    if (status.Finished)
                    {
                        return status;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
                }
            });
    }
}
