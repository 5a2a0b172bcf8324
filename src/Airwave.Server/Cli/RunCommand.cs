using System.CommandLine;
using Airwave.Server.Hosting;

namespace Airwave.Server.Cli;

/// <summary><c>airwave run</c>: migrate (embedded mode) and serve until Ctrl-C or SIGTERM.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, separated by ';'",
            DefaultValueFactory = _ => "http://127.0.0.1:8080",
        };
        var dataDir = CommonOptions.DataDir();
        var command = new Command("run", "Serve the platform (applies migrations first in embedded mode)") { urls, dataDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = CommonOptions.Overrides(parse, dataDir, quietLog: false);
            overrides["urls"] = parse.GetValue(urls);
            await using var app = AirwaveApp.Build(overrides);
            await AirwaveApp.MigrateIfConfiguredAsync(app, cancellationToken);
            await app.RunAsync();
            return 0;
        });
        return command;
    }
}
