using System.CommandLine;

namespace Airwave.Server.Cli;

/// <summary>Options several verbs share, and how they become configuration overrides.</summary>
internal static class CommonOptions
{
    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = "Directory for the SQLite file, media and keys (default: ./data; config Server:DataDirectory)",
    };

    /// <summary>
    /// Settings from the command line. Verbs other than <c>run</c> print their own results, so the log shows
    /// only warnings and errors there.
    /// </summary>
    public static Dictionary<string, string?> Overrides(ParseResult parse, Option<string?> dataDir, bool quietLog = true)
    {
        var overrides = new Dictionary<string, string?>();
        if (quietLog)
        {
            overrides["Logging:LogLevel:Default"] = "Warning";
        }

        if (parse.GetValue(dataDir) is { } dir)
        {
            overrides["Server:DataDirectory"] = dir;
        }

        return overrides;
    }
}
