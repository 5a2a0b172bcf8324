using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Airwave.Core.Processes;

/// <summary>What a finished external process left behind.</summary>
public sealed record ProcessResult(int ExitCode, string StandardError, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The last lines of stderr: where ffmpeg says what went wrong.</summary>
    public string ErrorTail(int lines = 6) =>
        string.Join('\n', StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(lines));
}

/// <summary>Thrown when a tool cannot be started at all (not installed) or overruns its time limit.</summary>
public sealed class ProcessFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Runs external tools (ffmpeg, ffprobe) the one safe way: arguments as a list (no shell, no quoting bugs),
/// a time limit, cancellation that kills the whole process tree, stderr kept for the failure reason (bounded),
/// and stdout handed over line by line (progress) or as a stream (raw samples).
/// </summary>
public static class ProcessRunner
{
    private const int MaxStderrChars = 64 * 1024;

    /// <param name="fileName">The program, e.g. "ffmpeg".</param>
    /// <param name="arguments">Each argument as it should arrive, unquoted.</param>
    /// <param name="timeout">Kill the process when it runs longer.</param>
    /// <param name="onStdoutLine">Receives each line of stdout (ignored when <paramref name="readStdout"/> is given).</param>
    /// <param name="readStdout">Consumes stdout as a byte stream.</param>
    /// <param name="cancellationToken">Kills the process tree when cancelled.</param>
    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        Action<string>? onStdoutLine = null, Func<Stream, CancellationToken, Task>? readStdout = null,
        CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = info };
        var stopwatch = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new ProcessFailedException($"Could not start {fileName}: {e.Message}. Is it installed?", e);
        }

        process.StandardInput.Close();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);

        // Killed the moment it is cancelled or overruns: reading its output ends only when the tool is gone, and waiting
        // for that would otherwise wait for the tool to finish its work (ffmpeg encoding a long file).
        using var killOnCancel = timeoutSource.Token.Register(() => Kill(process));
        var stderr = ReadBoundedAsync(process.StandardError);
        var stdout = readStdout is not null
            ? readStdout(process.StandardOutput.BaseStream, timeoutSource.Token)
            : ReadLinesAsync(process.StandardOutput, onStdoutLine);
        try
        {
            await Task.WhenAll(stdout, process.WaitForExitAsync(timeoutSource.Token));
        }
        catch (OperationCanceledException)
        {
            // Killed already, by the registration above.
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new ProcessFailedException($"{fileName} did not finish within {timeout}.");
        }

        return new ProcessResult(process.ExitCode, await stderr, stopwatch.Elapsed);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own meanwhile.
        }
        catch (Win32Exception)
        {
            // It could not be killed (it is exiting, or not ours to kill): reading its output ends when it ends.
        }
    }

    private static async Task ReadLinesAsync(StreamReader reader, Action<string>? onLine)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            onLine?.Invoke(line);
        }
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader)
    {
        // Keep the end, where the reason for a failure is; a chatty tool must not fill memory.
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > MaxStderrChars * 2)
            {
                text.Remove(0, text.Length - MaxStderrChars);
            }
        }

        return text.Length > MaxStderrChars ? text.ToString(text.Length - MaxStderrChars, MaxStderrChars) : text.ToString();
    }
}
