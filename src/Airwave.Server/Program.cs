using System.CommandLine;
using Airwave.Core.Hosting;
using Airwave.Server.Cli;

// `airwave <verb>`: every operator action is a verb here; the ./airwave script adds install/build/test around it.
var root = new RootCommand("Airwave: self-hostable podcast, video and music hosting.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(MigrateCommand.Create());
root.Subcommands.Add(UsersCommand.Create());
root.Subcommands.Add(MediaCommand.Create());
root.Subcommands.Add(PodcastsCommand.Create());
root.Subcommands.Add(AnalyticsCommand.Create());
root.Subcommands.Add(AdminCommand.Create());

// The server handles Ctrl-C itself (graceful shutdown), and `media process` stops ffmpeg on it, so the parser must
// not also intercept it.
var parse = root.Parse(args);
int exitCode;
try
{
    exitCode = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (StartupRefusedException refused)
{
    // A configuration or schema the operator must fix: their words, not a stack trace.
    await Console.Error.WriteLineAsync($"airwave: {refused.Message}");
    exitCode = 1;
}
catch (Exception unexpected)
{
    // What the parser's own handler did: the whole exception for a bug report, and exit code 1.
    await Console.Error.WriteLineAsync($"Unhandled exception: {unexpected}");
    exitCode = 1;
}

// Usage errors (unknown verb or option, missing or invalid argument) exit 2, as in most Unix tools, so scripts can
// tell them from a verb's own failure (1).
return parse.Errors.Count > 0 ? 2 : exitCode;
