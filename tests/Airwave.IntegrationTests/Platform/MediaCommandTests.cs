using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Airwave.Core.Jobs;
using Airwave.IntegrationTests.Infrastructure;
using Airwave.Media.Processing;

namespace Airwave.IntegrationTests.Platform;

/// <summary>
/// `airwave media probe` and `airwave media process` as an operator runs them: the built executable as a real
/// process on files made with ffmpeg, no server. Output is redirected, so progress comes as plain lines.
/// </summary>
public sealed class MediaCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("airwave-media-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Probe_GoodWav_AcceptedWithWhatValidationSees()
    {
        var file = await TestMedia.AudioAsync("cli-probe.wav", 3, 2);

        var text = await RunAsync("media", "probe", file);
        text.ExitCode.ShouldBe(0, text.Errors);
        text.Output.ShouldContain("wav (probe score");
        text.Output.ShouldContain("0:00:03.000");
        text.Output.ShouldContain("pcm_s16le");
        text.Output.ShouldContain("48000 Hz");
        text.Output.ShouldContain("Cover art    no");
        text.Output.ShouldContain("Verdict      accepted");

        var json = await RunAsync("media", "probe", "--json", file);
        json.ExitCode.ShouldBe(0, json.Errors);
        var report = JsonNode.Parse(json.Output)!;
        report["accepted"]!.GetValue<bool>().ShouldBeTrue();
        report["rejection"].ShouldBeNull();
        report["formats"]!.AsArray().Select(f => f!.GetValue<string>()).ShouldContain("wav");
        report["duration_seconds"]!.GetValue<double>().ShouldBe(3, 0.01);
        report["audio"]!["codec"]!.GetValue<string>().ShouldBe("pcm_s16le");
        report["audio"]!["sample_rate"]!.GetValue<int>().ShouldBe(48000);
        report["audio"]!["channels"]!.GetValue<int>().ShouldBe(2);
        report["cover_art"]!.GetValue<bool>().ShouldBeFalse();
        report["chapters"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Probe_Mp3WithChapters_ShowsChaptersAndTags()
    {
        var file = await TestMedia.Mp3WithChaptersAsync("cli-chapters.mp3", 6);

        var result = await RunAsync("media", "probe", "--json", file);

        result.ExitCode.ShouldBe(0, result.Errors);
        var report = JsonNode.Parse(result.Output)!;
        report["tags"]!["title"]!.GetValue<string>().ShouldBe("Source title");
        report["chapters"]!.AsArray().Select(c => c!["title"]!.GetValue<string>()).ShouldBe(["Intro", "Main"]);
        report["audio"]!["channels"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task Probe_TextFileNamedMp3_RejectedWithThePipelinesReason()
    {
        var file = await TestMedia.TextAsAsync("cli-text.mp3");
        var expected = await Should.ThrowAsync<PermanentJobFailureException>(() => PodcastAudioPipeline.ProbeAsync(file, CancellationToken.None));

        var text = await RunAsync("media", "probe", file);
        text.ExitCode.ShouldBe(1, text.Errors);
        text.Output.ShouldContain("Verdict      rejected: " + expected.Message);
        expected.Message.ShouldContain("not audio Airwave can read");

        var json = await RunAsync("media", "probe", "--json", file);
        json.ExitCode.ShouldBe(1);
        var report = JsonNode.Parse(json.Output)!;
        report["accepted"]!.GetValue<bool>().ShouldBeFalse();
        report["rejection"]!.GetValue<string>().ShouldBe(expected.Message);
    }

    [Fact]
    public async Task Probe_TruncatedMp3WithDecode_RejectedAsTruncated()
    {
        var whole = await TestMedia.AudioAsync("cli-whole.mp3", 30, 2, "-c:a libmp3lame -b:a 128k");
        var truncated = await TestMedia.TruncatedAsync(whole, "cli-truncated.mp3", 0.5);

        (await RunAsync("media", "probe", truncated)).ExitCode.ShouldBe(0, "ffprobe alone reads the length the header promises");
        var decoded = await RunAsync("media", "probe", "--decode", truncated);

        decoded.ExitCode.ShouldBe(1, decoded.Errors);
        decoded.Output.ShouldContain("it is truncated or damaged");
    }

    [Theory]
    [InlineData("media", "probe", "/nonexistent/file.wav")]
    [InlineData("media", "probe")]
    [InlineData("media", "process", "FILE")]
    [InlineData("media", "process", "FILE", "--out", "DIR", "--target-lufs", "3")]
    [InlineData("media", "frobnicate")]
    public async Task Media_UsageError_ExitsTwo(params string[] arguments)
    {
        var file = await TestMedia.AudioAsync("cli-usage.wav", 1, 1);
        var result = await RunAsync([.. arguments.Select(a => a == "FILE" ? file : a == "DIR" ? _directory : a)]);
        result.ExitCode.ShouldBe(2, result.Output + result.Errors);
    }

    [Fact]
    public async Task Process_TenSecondStereoWav_WritesOutputsAndReportAtTarget()
    {
        var file = await TestMedia.AudioAsync("cli-process.wav", 10, 2);
        var output = Path.Combine(_directory, "out");

        var result = await RunAsync("media", "process", file, "--out", output);

        result.ExitCode.ShouldBe(0, result.Output + result.Errors);
        Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .ShouldBe(["audio.m4a", "audio.mp3", "report.json", "waveform.json"]);
        result.Errors.ShouldContain("measuring loudness");
        result.Errors.ShouldContain("encoding");
        result.Errors.ShouldContain("100% done");
        result.Output.ShouldContain("audio.mp3");
        result.Output.ShouldContain("→ -16.0 LUFS");

        var report = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "report.json")))!;
        report["duration_ms"]!.GetValue<long>().ShouldBeInRange(9_950, 10_050);
        var loudness = report["loudness"]!;
        loudness["normalized"]!.GetValue<bool>().ShouldBeTrue();
        loudness["target_integrated"]!.GetValue<double>().ShouldBe(-16);
        loudness["output_integrated"]!.GetValue<double>().ShouldBe(-16, 1.0);
        var (integrated, _) = await TestMedia.MeasureAsync(Path.Combine(output, "audio.mp3"));
        integrated.ShouldBe(-16, 1.0);

        var outputs = report["outputs"]!.AsArray();
        outputs.Select(o => o!["file_name"]!.GetValue<string>()).ShouldBe(["audio.mp3", "audio.m4a", "waveform.json"]);
        foreach (var described in outputs)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(output, described!["file_name"]!.GetValue<string>()));
            described["size_bytes"]!.GetValue<long>().ShouldBe(bytes.Length);
            described["sha256"]!.GetValue<string>().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }

        outputs[0]!["id3_header_bytes"]!.GetValue<long>().ShouldBeGreaterThan(10);
        outputs[0]!["duration_ms"]!.GetValue<long>().ShouldBeInRange(9_900, 10_100);
        outputs[1]!["duration_ms"]!.GetValue<long>().ShouldBeInRange(9_900, 10_100);
        report["steps"]!.AsArray().Select(s => s!["step"]!.GetValue<string>())
            .ShouldBe(["probing", "measuring loudness", "encoding", "finishing"]);
    }

    [Fact]
    public async Task Process_PrintCommands_PrintsTheFfmpegPassesThatRan()
    {
        var file = await TestMedia.AudioAsync("cli-commands.wav", 2, 1);
        var output = Path.Combine(_directory, "commands");

        var result = await RunAsync("media", "process", file, "--out", output, "--no-normalize", "--print-commands");

        result.ExitCode.ShouldBe(0, result.Errors);
        var ffmpeg = result.Output.Split('\n').Where(l => l.StartsWith("ffmpeg ", StringComparison.Ordinal)).ToList();
        ffmpeg.Count.ShouldBe(2);
        ffmpeg[0].ShouldContain("loudnorm=I=-19");
        ffmpeg[1].ShouldNotContain("measured_I", Case.Sensitive, "--no-normalize leaves the level alone");
        ffmpeg[1].ShouldContain(Path.Combine(output, "audio.mp3"));
        JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "report.json")))!["loudness"]!["normalized"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task Process_TextFile_RejectedWithReasonAndNoOutputs()
    {
        var file = await TestMedia.TextAsAsync("cli-process-text.mp3");
        var output = Path.Combine(_directory, "rejected");

        var result = await RunAsync("media", "process", file, "--out", output);

        result.ExitCode.ShouldBe(1);
        result.Errors.ShouldContain("Rejected: The file is not audio Airwave can read");
        Directory.GetFiles(output).ShouldBeEmpty();
    }

    [Fact]
    public async Task Process_Interrupted_KillsFfmpegAndRemovesPartialOutputs()
    {
        var file = await TestMedia.AudioAsync("cli-interrupted.wav", 900, 1);
        var output = Path.Combine(_directory, "interrupted");
        using var process = Start("media", "process", file, "--out", output);
        var errors = new System.Text.StringBuilder();
        while (await process.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120)) is { } line)
        {
            errors.AppendLine(line);
            if (line.EndsWith("encoding", StringComparison.Ordinal))
            {
                break;
            }
        }

        errors.ToString().ShouldContain("encoding");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(Path.Combine(output, "audio.mp3")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        ToolsUsing(file).ShouldNotBeEmpty("ffmpeg should be encoding now");
        ServerProcess.Interrupt(process);
        var rest = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        process.ExitCode.ShouldBe(130, errors + rest);
        rest.ShouldContain("Cancelled");
        ToolsUsing(file).ShouldBeEmpty();
        Directory.GetFiles(output).ShouldBeEmpty();
    }

    [Fact]
    public async Task Help_ListsTheMediaVerbs()
    {
        var result = await RunAsync("media", "--help");
        result.ExitCode.ShouldBe(0);
        result.Output.ShouldContain("probe");
        result.Output.ShouldContain("process");
    }

    /// <summary>Processes whose command line mentions <paramref name="path"/> (ffmpeg and ffprobe name their input).</summary>
    private static List<int> ToolsUsing(string path)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                if (commandLine.Contains(path) && Path.GetFileName(commandLine[0]) is "ffmpeg" or "ffprobe")
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // It exited while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    private sealed record CliResult(int ExitCode, string Output, string Errors);

    private static async Task<CliResult> RunAsync(params string[] arguments)
    {
        using var process = Start(arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return new CliResult(process.ExitCode, await output, await errors);
    }

    private static Process Start(params string[] arguments) => ServerProcess.Start(arguments, captureOutput: true);
}
