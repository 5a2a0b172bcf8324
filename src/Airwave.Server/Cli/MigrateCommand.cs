using System.CommandLine;
using Airwave.Core.Data;
using Airwave.Server.Hosting;

namespace Airwave.Server.Cli;

/// <summary><c>airwave migrate [--status]</c>: bring the database schema up to date, or report where it stands.</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var status = new Option<bool>("--status") { Description = "Only list applied and pending migrations" };
        var dataDir = CommonOptions.DataDir();
        var command = new Command("migrate", "Apply pending database migrations (run once per deploy in scale-out mode)") { status, dataDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var app = AirwaveApp.Build(CommonOptions.Overrides(parse, dataDir));
            var migrator = app.Services.GetRequiredService<Migrator>();
            var dialect = app.Services.GetRequiredService<Database>().Dialect.Name;
            if (parse.GetValue(status))
            {
                var current = await migrator.GetStatusAsync(cancellationToken);
                Console.WriteLine($"{dialect}: {current.Applied.Count} applied, {current.Pending.Count} pending");
                foreach (var pending in current.Pending)
                {
                    Console.WriteLine($"  pending {pending.Version:D4} {pending.Name}");
                }

                return current.IsCurrent ? 0 : 1;
            }

            var applied = await migrator.MigrateAsync(cancellationToken, m => Console.WriteLine($"applied {m.Version:D4} {m.Name}"));
            Console.WriteLine(applied == 0 ? $"{dialect}: schema already up to date" : $"{dialect}: applied {applied} migration(s)");
            return 0;
        });
        return command;
    }
}
