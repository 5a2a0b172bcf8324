using System.Diagnostics;
using Airwave.Core.Processes;

namespace Airwave.IntegrationTests.Platform;

/// <summary>
/// The runner of external tools with real processes: cancelling or overrunning the time limit stops the tool at once,
/// also while its output is being read line by line (ffmpeg's progress), not when the tool would have finished.
/// </summary>
public sealed class ProcessRunnerTests
{
    // A tool that keeps running with its stdout open and quiet, as ffmpeg does between progress lines.
    private static readonly string[] LongRunning = ["-c", "echo started; exec sleep 600"];

    [Fact]
    public async Task Cancelled_WhileReadingLines_KillsTheToolAndStops()
    {
        using var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var run = ProcessRunner.RunAsync("sh", LongRunning, TimeSpan.FromMinutes(10), onStdoutLine: _ => started.TrySetResult(),
            cancellationToken: cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var tool = SleepingChildren();
        tool.ShouldNotBeEmpty();

        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(run.WaitAsync(TimeSpan.FromSeconds(30)));
        tool.Where(IsRunning).ShouldBeEmpty();
    }

    [Fact]
    public async Task TimeLimit_WhileReadingLines_KillsTheToolAndSaysSo()
    {
        var run = ProcessRunner.RunAsync("sh", LongRunning, TimeSpan.FromMilliseconds(500), onStdoutLine: _ => { });

        var error = await Should.ThrowAsync<ProcessFailedException>(run.WaitAsync(TimeSpan.FromSeconds(30)));

        error.Message.ShouldContain("did not finish within");
    }

    [Fact]
    public async Task Finished_ReturnsExitCodeAndStderr()
    {
        var lines = new List<string>();
        var result = await ProcessRunner.RunAsync("sh", ["-c", "echo one; echo two; echo oops >&2; exit 3"], TimeSpan.FromMinutes(1),
            onStdoutLine: lines.Add);

        lines.ShouldBe(["one", "two"]);
        result.ExitCode.ShouldBe(3);
        result.StandardError.Trim().ShouldBe("oops");
    }

    private static List<int> SleepingChildren() =>
        [.. Process.GetProcessesByName("sleep").Where(p => ReadCommandLine(p.Id).Contains("600")).Select(p => p.Id)];

    private static bool IsRunning(int pid)
    {
        try
        {
            // A killed child that its parent has not reaped yet is a zombie ("Z"): it runs no more.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string ReadCommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}
