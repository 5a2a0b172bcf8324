using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Core.Jobs;

/// <summary>Worker settings; bound from the <c>Jobs</c> configuration section.</summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>Jobs run at once in this process. 0 means one per CPU core.</summary>
    public int Workers { get; set; }

    /// <summary>How long a claimed job stays with its worker without a heartbeat before another may take it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often an idle worker looks for new jobs.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
}

/// <summary>Runs one kind of job. Throw <see cref="PermanentJobFailureException"/> when retrying cannot help.</summary>
public interface IJobHandler
{
    string Kind { get; }

    Task RunAsync(JobContext context, CancellationToken cancellationToken);

    /// <summary>Called once when the job has failed for good (the reason is a person's words).</summary>
    Task OnFailedAsync(JobLease job, string reason, CancellationToken cancellationToken);
}

/// <summary>A failure that retrying will not fix, such as a file that is not audio.</summary>
public sealed class PermanentJobFailureException(string reason) : Exception(reason);

/// <summary>
/// A failure worth retrying after a delay the handler chooses rather than the worker's default backoff: a
/// server's Retry-After, or a module's own schedule. The reason is a person's words, recorded as the job's error.
/// After the job's last attempt it fails for good like any other failure.
/// </summary>
public sealed class RetryJobLaterException(string reason, TimeSpan retryAfter) : Exception(reason)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>The running job and a way to report its progress (persisted with the next heartbeat).</summary>
public sealed class JobContext(JobLease job, string owner)
{
    public JobLease Job { get; } = job;

    /// <summary>The worker holding the lease; needed to complete the job inside the handler's own transaction.</summary>
    public string Owner { get; } = owner;

    public string? Step { get; private set; }

    public int? Progress { get; private set; }

    public void Report(string step, int? percent)
    {
        Step = step;
        Progress = percent is null ? null : Math.Clamp(percent.Value, 0, 100);
    }
}

/// <summary>
/// Claims and runs jobs with <see cref="JobOptions.Workers"/> loops, renewing each job's lease while it runs.
/// Jobs never run on request threads, so a long encode cannot slow the web server.
/// </summary>
public sealed class JobWorker(
    JobQueue queue,
    IEnumerable<IJobHandler> handlers,
    IOptions<JobOptions> options,
    JobMetrics metrics,
    ILogger<JobWorker> logger) : BackgroundService
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _handlers.Count == 0
            ? Task.CompletedTask
            : Task.WhenAll(Enumerable.Range(0, options.Value.EffectiveWorkers).Select(i => LoopAsync($"{_owner}#{i}", stoppingToken)));

    /// <summary>Claims and runs one due job; false when there was none. Tests drive the worker through this.</summary>
    public async Task<bool> RunNextAsync(string owner, CancellationToken cancellationToken)
    {
        var lease = options.Value.Lease;
        var job = await queue.ClaimAsync(_handlers.Keys, owner, lease, cancellationToken);
        if (job is null)
        {
            return false;
        }

        var handler = _handlers[job.Kind];
        if (job.Attempts > job.MaxAttempts)
        {
            await GiveUpAsync(handler, job, owner, $"gave up after {job.MaxAttempts} attempts", cancellationToken);
            return true;
        }

        var context = new JobContext(job, owner);
        var started = Stopwatch.GetTimestamp();
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatAsync(job, owner, context, running);
        try
        {
            await handler.RunAsync(context, running.Token);
            await running.CancelAsync();
            await heartbeat;
            await queue.CompleteAsync(job.Id, owner, CancellationToken.None);
            metrics.Finished(job.Kind, "succeeded", started);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: the lease runs out and the job is claimed again, here after a restart or elsewhere.
            logger.LogInformation("Stopped {Kind} job {Id} for shutdown; it will be picked up again", job.Kind, job.Id);
            metrics.Finished(job.Kind, "stopped", started);
            throw;
        }
        catch (Exception e)
        {
            await running.CancelAsync();
            await heartbeat;
            var reason = e is PermanentJobFailureException or RetryJobLaterException or Processes.ProcessFailedException
                ? e.Message
                : $"{e.GetType().Name}: {e.Message}";
            if (e is PermanentJobFailureException || job.Attempts >= job.MaxAttempts)
            {
                await GiveUpAsync(handler, job, owner, reason, CancellationToken.None);
                metrics.Finished(job.Kind, "failed", started);
            }
            else
            {
                var delay = e is RetryJobLaterException later ? later.RetryAfter : Backoff(job.Attempts);
                logger.LogWarning(e, "{Kind} job {Id} failed (attempt {Attempt} of {Max}); retrying in {Delay}",
                    job.Kind, job.Id, job.Attempts, job.MaxAttempts, delay);
                await queue.FailAsync(job.Id, owner, reason, delay, CancellationToken.None);
                metrics.Finished(job.Kind, "retrying", started);
            }
        }

        return true;
    }

    internal static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(600, 5 * Math.Pow(3, attempts - 1)));

    private async Task LoopAsync(string owner, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunNextAsync(owner, stoppingToken))
                {
                    continue;
                }

                await Task.Delay(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Job worker {Owner} could not claim work; retrying", owner);
                await Task.Delay(options.Value.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task HeartbeatAsync(JobLease job, string owner, JobContext context, CancellationTokenSource running)
    {
        var lease = options.Value.Lease;
        var interval = TimeSpan.FromTicks(Math.Min(lease.Ticks / 3, TimeSpan.FromSeconds(1).Ticks));
        try
        {
            while (!running.IsCancellationRequested)
            {
                await Task.Delay(interval, running.Token);
                if (!await queue.HeartbeatAsync(job.Id, owner, lease, context.Step, context.Progress, running.Token))
                {
                    logger.LogWarning("Lost the lease on {Kind} job {Id}; stopping it", job.Kind, job.Id);
                    await running.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task GiveUpAsync(IJobHandler handler, JobLease job, string owner, string reason, CancellationToken cancellationToken)
    {
        logger.LogWarning("{Kind} job {Id} failed: {Reason}", job.Kind, job.Id, reason);
        await handler.OnFailedAsync(job, reason, cancellationToken);
        await queue.FailAsync(job.Id, owner, reason, null, cancellationToken);
    }
}
