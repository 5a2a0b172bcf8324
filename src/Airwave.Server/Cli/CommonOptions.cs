using System.CommandLine;

namespace Airwave.Server.Cli;

/// <summary>Options several verbs share, and how they become configuration overrides.</summary>
internal static class CommonOptions
{
    public static Option<string?> DataDir() => new("--data-dir")
    {
        Description = "Directory for the SQLite file, media and keys (default: ./data; config Server:DataDirectory)",
    };

    public static Dictionary<string, string?> Overrides(ParseResult parse, Option<string?> dataDir)
    {
        var overrides = new Dictionary<string, string?>();
        if (parse.GetValue(dataDir) is { } dir)
        {
            overrides["Server:DataDirectory"] = dir;
        }

        return overrides;
    }
}
