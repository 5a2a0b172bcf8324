using System.CommandLine;
using Airwave.Accounts.Contracts;
using Airwave.Catalog.Contracts;
using Airwave.Core.Identity;
using Airwave.Server.Hosting;

namespace Airwave.Server.Cli;

/// <summary>
/// <c>airwave admin takedown ID --kind dmca --reason … --by ADMIN_EMAIL [--podcast]</c> and
/// <c>airwave admin restore ID --reason … --by ADMIN_EMAIL [--podcast]</c>: the same takedowns as
/// <c>POST /api/v1/admin/…/takedown</c> and <c>…/restore</c> (ADR 0018), for an operator at the server's shell. The
/// record names an admin account (<c>--by</c>), as it does for the API, so every action says who took it.
/// </summary>
internal static class AdminCommand
{
    public static Command Create()
    {
        var admin = new Command("admin", "Administration: take episodes or podcasts down and restore them");
        admin.Subcommands.Add(Verb("takedown", "Take an episode (or with --podcast, a whole podcast) down: out of feeds and pages, media answers 410",
            withKind: true));
        admin.Subcommands.Add(Verb("restore", "Lift an episode's (or with --podcast, a podcast's) takedown", withKind: false));
        return admin;
    }

    private static Command Verb(string name, string description, bool withKind)
    {
        var id = new Argument<Guid>("id") { Description = "The episode's id (the podcast's with --podcast)" };
        var reason = new Option<string>("--reason") { Description = "Why; kept in the takedown record and shown to the owner", Required = true };
        var kind = new Option<string>("--kind") { Description = "dmca, abuse or other", Required = true };
        var by = new Option<string>("--by") { Description = "Email of the admin account the record names", Required = true };
        var podcast = new Option<bool>("--podcast") { Description = "The id is a podcast's: act on the whole show" };
        var dataDir = CommonOptions.DataDir();
        var command = new Command(name, description) { id, reason, by, podcast, dataDir };
        if (withKind)
        {
            command.Options.Add(kind);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            await using var app = AirwaveApp.Build(CommonOptions.Overrides(parse, dataDir));
            await AirwaveApp.MigrateIfConfiguredAsync(app, cancellationToken);
            var actor = await app.Services.GetRequiredService<IUserDirectory>().FindByEmailAsync(parse.GetValue(by)!, cancellationToken);
            if (actor is not { Role: Roles.Admin })
            {
                await Console.Error.WriteLineAsync($"--by: there is no active admin account with the email '{parse.GetValue(by)}'.");
                return 1;
            }

            var subjectKind = parse.GetValue(podcast) ? "podcast" : "episode";
            var moderation = app.Services.GetRequiredService<IContentModeration>();
            var result = withKind
                ? await moderation.TakeDownAsync(subjectKind, parse.GetValue(id), parse.GetValue(kind), parse.GetValue(reason), actor.Id, cancellationToken)
                : await moderation.RestoreAsync(subjectKind, parse.GetValue(id), parse.GetValue(reason), actor.Id, cancellationToken);
            switch (result.Outcome)
            {
                case ModerationOutcome.Done:
                    var record = result.Record!;
                    Console.WriteLine($"{(withKind ? "Took down" : "Restored")} {record.SubjectKind} {record.SubjectId} ('{record.SubjectTitle}'), " +
                        $"{record.Kind}: {record.Reason}. Record {record.Id}.");
                    return 0;
                case ModerationOutcome.Invalid:
                    foreach (var (field, reasons) in result.Errors)
                    {
                        await Console.Error.WriteLineAsync($"--{field}: {string.Join("; ", reasons)}");
                    }

                    return 1;
                case ModerationOutcome.NotFound:
                    await Console.Error.WriteLineAsync($"There is no {subjectKind} with the id {parse.GetValue(id)}.");
                    return 1;
                default:
                    await Console.Error.WriteLineAsync(result.Problem);
                    return 1;
            }
        });
        return command;
    }
}
