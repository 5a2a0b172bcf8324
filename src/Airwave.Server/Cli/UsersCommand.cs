using System.CommandLine;
using System.Text;
using Airwave.Accounts.Contracts;
using Airwave.Server.Hosting;

namespace Airwave.Server.Cli;

/// <summary>
/// <c>airwave users create-admin --email … [--display-name …]</c>. The password is read from standard input
/// when it is piped (for scripts), otherwise asked for twice without echo. It is never taken as an argument,
/// where it would land in shell history and process lists.
/// </summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var email = new Option<string>("--email") { Description = "The admin's email address", Required = true };
        var displayName = new Option<string>("--display-name")
        {
            Description = "Name shown for the admin",
            DefaultValueFactory = _ => "Administrator",
        };
        var dataDir = CommonOptions.DataDir();
        var createAdmin = new Command("create-admin", "Create an administrator account") { email, displayName, dataDir };
        createAdmin.SetAction(async (parse, cancellationToken) =>
        {
            var password = ReadPassword();
            if (password is null)
            {
                await Console.Error.WriteLineAsync("The passwords did not match; nothing was created.");
                return 1;
            }

            await using var app = AirwaveApp.Build(CommonOptions.Overrides(parse, dataDir));
            await AirwaveApp.MigrateIfConfiguredAsync(app, cancellationToken);
            var accounts = app.Services.GetRequiredService<IAccountAdministration>();
            var result = await accounts.CreateAdminAsync(parse.GetValue(email)!, parse.GetValue(displayName)!, password, cancellationToken);
            if (!result.Succeeded)
            {
                foreach (var (field, reasons) in result.Errors)
                {
                    await Console.Error.WriteLineAsync($"{field}: {string.Join("; ", reasons)}");
                }

                return 1;
            }

            Console.WriteLine($"Created admin {parse.GetValue(email)} ({result.UserId}).");
            return 0;
        });

        var users = new Command("users", "Manage accounts");
        users.Subcommands.Add(createAdmin);
        return users;
    }

    private static string? ReadPassword()
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine() ?? "";
        }

        var first = Prompt("Password: ");
        var second = Prompt("Repeat password: ");
        return first == second ? first : null;
    }

    private static string Prompt(string label)
    {
        Console.Write(label);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
