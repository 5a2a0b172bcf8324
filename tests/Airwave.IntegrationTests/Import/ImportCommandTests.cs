using Airwave.IntegrationTests.Infrastructure;

namespace Airwave.IntegrationTests.Import;

/// <summary>
/// `airwave podcasts import URL --owner EMAIL` as an operator runs it: the built executable on an embedded data
/// folder, no server running. It imports, runs the workers itself and reports progress until every episode is
/// processed; a second run adds nothing.
/// </summary>
public sealed class ImportCommandTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("airwave-import-cli-").FullName;
    private StaticSite _site = null!;

    public async Task InitializeAsync()
    {
        _site = await StaticSite.StartAsync();
        var audio = await File.ReadAllBytesAsync(await TestMedia.AudioAsync("cli-import.mp3", 2, 1, "-c:a libmp3lame -b:a 64k"));
        _site.Put("/a.mp3", audio, "audio/mpeg");
        _site.Put("/b.mp3", audio, "audio/mpeg");
        _site.Put("/feed.xml", $"""
            <rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
              <title>CLI Show</title><description>Imported from the command line.</description><language>en</language>
              <itunes:category text="Technology"/>
              <item><title>A</title><guid>cli-a</guid><pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate><enclosure url="{_site.Url("/a.mp3")}" type="audio/mpeg" length="{audio.Length}"/></item>
              <item><title>B</title><guid>cli-b</guid><pubDate>Tue, 02 Jan 2024 00:00:00 GMT</pubDate><enclosure url="{_site.Url("/b.mp3")}" type="audio/mpeg" length="{audio.Length}"/></item>
            </channel></rss>
            """, "application/rss+xml");
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Import_FromTheCommandLine_ProcessesEveryEpisodeThenAddsNothingOnRerun()
    {
        using (var admin = ServerProcess.Start(["users", "create-admin", "--email", "ops@example.com", "--data-dir", _dataDirectory], stdin: Api.Password + "\n"))
        {
            await admin.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            admin.ExitCode.ShouldBe(0);
        }

        var first = await RunAsync("podcasts", "import", _site.Url("/feed.xml"), "--owner", "OPS@example.com", "--data-dir", _dataDirectory);

        first.ExitCode.ShouldBe(0, first.Output + first.Errors);
        first.Output.ShouldContain("Created podcast");
        first.Output.ShouldContain("2 episodes in the feed, 2 new");
        first.Errors.ShouldContain("processed 2/2");
        first.Output.ShouldContain("Done: 2 of 2 episodes processed.");

        var again = await RunAsync("podcasts", "import", _site.Url("/feed.xml"), "--owner", "ops@example.com", "--data-dir", _dataDirectory);
        again.ExitCode.ShouldBe(0, again.Output + again.Errors);
        again.Output.ShouldContain("Updated podcast");
        again.Output.ShouldContain("2 episodes in the feed, 0 new");

        var unknown = await RunAsync("podcasts", "import", _site.Url("/feed.xml"), "--owner", "nobody@example.com", "--data-dir", _dataDirectory);
        unknown.ExitCode.ShouldBe(1);
        unknown.Errors.ShouldContain("no active creator account");
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] arguments)
    {
        using var process = ServerProcess.Start(arguments, new Dictionary<string, string> { ["AIRWAVE_Import__AllowPrivateNetworks"] = "true" },
            captureOutput: true);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await output, await errors);
    }
}
