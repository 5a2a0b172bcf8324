using Airwave.Core.Data;
using Airwave.Core.Jobs;
using Airwave.Core.Observability;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Airwave.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Airwave.IntegrationTests.Platform;

/// <summary>The durable job queue against each real database: claims, leases, crashes and retries.</summary>
public sealed class JobQueueTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Enqueue_SameSubjectTwice_OneJob(string provider)
    {
        await using var setup = await QueueSetup.CreateAsync(provider);
        (await setup.EnqueueAsync("a")).ShouldBeTrue();
        (await setup.EnqueueAsync("a")).ShouldBeFalse();
        (await setup.Queue.ClaimAsync(["test"], "w1", TimeSpan.FromSeconds(30), CancellationToken.None)).ShouldNotBeNull();
        (await setup.Queue.ClaimAsync(["test"], "w2", TimeSpan.FromSeconds(30), CancellationToken.None)).ShouldBeNull();
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Claim_ConcurrentWorkers_EachJobClaimedOnce(string provider)
    {
        await using var setup = await QueueSetup.CreateAsync(provider);
        for (var i = 0; i < 20; i++)
        {
            await setup.EnqueueAsync($"job-{i}");
        }

        var claimed = await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            var mine = new List<string>();
            while (await setup.Queue.ClaimAsync(["test"], $"w{worker}", TimeSpan.FromSeconds(30), CancellationToken.None) is { } job)
            {
                mine.Add(job.SubjectKey);
            }

            return mine;
        }));
        claimed.SelectMany(c => c).Order().ShouldBe(Enumerable.Range(0, 20).Select(i => $"job-{i}").Order());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Claim_DeadWorkersLeaseExpired_AnotherWorkerTakesOver_FirstCannotComplete(string provider)
    {
        await using var setup = await QueueSetup.CreateAsync(provider);
        await setup.EnqueueAsync("crash");
        var first = await setup.Queue.ClaimAsync(["test"], "crashed", TimeSpan.FromMilliseconds(300), CancellationToken.None);
        first.ShouldNotBeNull();
        (await setup.Queue.ClaimAsync(["test"], "other", TimeSpan.FromSeconds(30), CancellationToken.None)).ShouldBeNull();

        await Task.Delay(600);
        var second = await setup.Queue.ClaimAsync(["test"], "other", TimeSpan.FromSeconds(30), CancellationToken.None);
        second.ShouldNotBeNull();
        second.Id.ShouldBe(first.Id);
        second.Attempts.ShouldBe(2);

        // The worker that came back to life has lost its lease and changes nothing.
        (await setup.Queue.HeartbeatAsync(first.Id, "crashed", TimeSpan.FromSeconds(30), "late", 50, CancellationToken.None)).ShouldBeFalse();
        await setup.Queue.CompleteAsync(first.Id, "crashed", CancellationToken.None);
        (await setup.Queue.FindAsync("test", "crash", CancellationToken.None))!.Status.ShouldBe(JobQueue.Running);
        await setup.Queue.CompleteAsync(second.Id, "other", CancellationToken.None);
        (await setup.Queue.FindAsync("test", "crash", CancellationToken.None))!.Status.ShouldBe(JobQueue.Succeeded);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Fail_RetriesWithDelay_ThenFailsForGood(string provider)
    {
        await using var setup = await QueueSetup.CreateAsync(provider);
        await setup.EnqueueAsync("flaky", maxAttempts: 2);
        var job = (await setup.Queue.ClaimAsync(["test"], "w", TimeSpan.FromSeconds(30), CancellationToken.None))!;
        await setup.Queue.FailAsync(job.Id, "w", "boom", TimeSpan.FromMilliseconds(200), CancellationToken.None);
        (await setup.Queue.ClaimAsync(["test"], "w", TimeSpan.FromSeconds(30), CancellationToken.None)).ShouldBeNull();
        await Task.Delay(400);
        job = (await setup.Queue.ClaimAsync(["test"], "w", TimeSpan.FromSeconds(30), CancellationToken.None))!;
        job.Attempts.ShouldBe(2);
        await setup.Queue.FailAsync(job.Id, "w", "boom again", null, CancellationToken.None);
        var status = (await setup.Queue.FindAsync("test", "flaky", CancellationToken.None))!;
        status.Status.ShouldBe(JobQueue.Failed);
        status.LastError.ShouldBe("boom again");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Worker_HandlerAsksToRetryLater_ItsDelayIsUsed_ThenFailsForGoodWithItsReason(string provider)
    {
        await using var setup = await QueueSetup.CreateAsync(provider);
        await setup.EnqueueAsync("later", maxAttempts: 2);
        var handler = new RetryLaterHandler();
        await using var services = new ServiceCollection().AddAirwaveMetrics().BuildServiceProvider();
        var worker = new JobWorker(setup.Queue, [handler], Microsoft.Extensions.Options.Options.Create(new JobOptions()),
            new JobMetrics(services.GetRequiredService<IMeterFactory>()), NullLogger<JobWorker>.Instance);
        var metrics = services.GetRequiredService<MetricsCollector>();

        // No delay asked for: due again at once (the default backoff would wait 5 seconds).
        (await worker.RunNextAsync("w", CancellationToken.None)).ShouldBeTrue();
        var status = (await setup.Queue.FindAsync("test", "later", CancellationToken.None))!;
        status.Status.ShouldBe(JobQueue.Queued);
        status.LastError.ShouldBe("the target asked to come back later");
        (await worker.RunNextAsync("w", CancellationToken.None)).ShouldBeTrue();

        status = (await setup.Queue.FindAsync("test", "later", CancellationToken.None))!;
        status.Status.ShouldBe(JobQueue.Failed);
        status.Attempts.ShouldBe(2);
        handler.FailedWith.ShouldBe("the target asked to come back later");
        (await worker.RunNextAsync("w", CancellationToken.None)).ShouldBeFalse();

        // Each run is counted on /metrics by kind and outcome.
        var scraped = metrics.Scrape();
        scraped.ShouldContain("airwave_jobs_finished_total{kind=\"test\",outcome=\"retrying\"} 1\n");
        scraped.ShouldContain("airwave_jobs_finished_total{kind=\"test\",outcome=\"failed\"} 1\n");
        scraped.ShouldContain("airwave_jobs_duration_seconds_count{kind=\"test\",outcome=\"failed\"} 1\n");
    }

    private sealed class RetryLaterHandler : IJobHandler
    {
        public string Kind => "test";

        public string? FailedWith { get; private set; }

        public Task RunAsync(JobContext context, CancellationToken cancellationToken) =>
            throw new RetryJobLaterException("the target asked to come back later", TimeSpan.Zero);

        public Task OnFailedAsync(JobLease job, string reason, CancellationToken cancellationToken)
        {
            FailedWith = reason;
            return Task.CompletedTask;
        }
    }

    private sealed class QueueSetup : IAsyncDisposable
    {
        private TestDatabase _database = null!;

        public JobQueue Queue { get; private set; } = null!;

        private Database Db { get; set; } = null!;

        public static async Task<QueueSetup> CreateAsync(string provider)
        {
            var setup = new QueueSetup { _database = await TestDatabase.CreateAsync(provider) };
            setup.Db = new Database(SqlDialect.FromProvider(provider), setup._database.ConnectionString);
            await new Migrator(setup.Db, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
            setup.Queue = new JobQueue(setup.Db, TimeProvider.System);
            return setup;
        }

        public async Task<bool> EnqueueAsync(string subject, int maxAttempts = 3)
        {
            await using var connection = await Db.OpenAsync(CancellationToken.None);
            return await Queue.EnqueueAsync(connection, null, "test", subject, "{}", maxAttempts, CancellationToken.None);
        }

        public ValueTask DisposeAsync() => _database.DisposeAsync();
    }
}
