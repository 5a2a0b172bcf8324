using System.Diagnostics;
using System.Text.Json.Nodes;
using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Feeds;

/// <summary>
/// Independent podcast feed parsers from npm (tests/feed-parsers: Podcast Index's podcast-partytime and rss-parser),
/// run on a feed Airwave served, as apps and directories would read it.
/// </summary>
public static class FeedParsers
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "tests", "feed-parsers");

    /// <summary>What each parser understood: <c>partytime</c> and <c>rss_parser</c>.</summary>
    public static async Task<JsonNode> ParseAsync(string xml)
    {
        File.Exists(Path.Combine(Folder, "node_modules", "podcast-partytime", "package.json"))
            .ShouldBeTrue("the feed parsers are not installed; ./airwave test installs them (npm ci in tests/feed-parsers)");
        var file = Path.Combine(Path.GetTempPath(), $"airwave-feed-{Guid.NewGuid():N}.xml");
        await File.WriteAllTextAsync(file, xml);
        try
        {
            var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(Folder, "parse.mjs"));
            info.ArgumentList.Add(file);
            info.Environment["PARTYTIME_LOG"] = "silent";
            using var node = Process.Start(info)!;
            var output = node.StandardOutput.ReadToEndAsync();
            var errors = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync();
            node.ExitCode.ShouldBe(0, await errors);
            return JsonNode.Parse(await output)!;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
