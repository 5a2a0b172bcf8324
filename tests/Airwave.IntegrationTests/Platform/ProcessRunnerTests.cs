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
        var tool = await SleepingChildrenAsync();
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

    /// <summary>
    /// The tool's process: a sleep whose parent is this test process (the shell replaced itself with it; a sleep left
    /// over from another run has another parent). The shell prints "started" before it execs sleep, so the line can
    /// arrive before there is a sleep to see (it failed once that way): waits for it up to 10 seconds.
    /// </summary>
    private static async Task<List<int>> SleepingChildrenAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            List<int> found = [.. Process.GetProcessesByName("sleep")
                .Where(p => ReadCommandLine(p.Id).Contains("600") && ParentOf(p.Id) == Environment.ProcessId).Select(p => p.Id)];
            if (found.Count > 0 || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                return found;
            }

            await Task.Delay(20);
        }
    }

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

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (name) state ppid ...", the name in parentheses possibly with spaces.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
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
