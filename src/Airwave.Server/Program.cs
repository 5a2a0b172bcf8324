using System.CommandLine;
using Airwave.Server.Cli;

// `airwave <verb>`: every operator action is a verb here; the ./airwave script adds install/build/test around it.
var root = new RootCommand("Airwave: self-hostable podcast, video and music hosting.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(MigrateCommand.Create());
root.Subcommands.Add(UsersCommand.Create());

// The server handles Ctrl-C itself (graceful shutdown), so the parser must not also intercept it.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
