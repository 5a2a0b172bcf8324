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
        var roles = new Option<string?>("--roles")
        {
            Description = "What this process does: all (default) or a comma-separated list of api, worker, analytics (config Server:Roles)",
        };
        var dataDir = CommonOptions.DataDir();
        var command = new Command("run", "Serve the platform (applies migrations first in embedded mode)") { urls, roles, dataDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = CommonOptions.Overrides(parse, dataDir, quietLog: false);
            overrides["urls"] = parse.GetValue(urls);
            if (parse.GetValue(roles) is { } given)
            {
                overrides["Server:Roles"] = given;
            }

            await using var app = AirwaveApp.Build(overrides);
            await AirwaveApp.MigrateIfConfiguredAsync(app, cancellationToken);
            await app.RunAsync();
            return 0;
        });
        return command;
    }
}
