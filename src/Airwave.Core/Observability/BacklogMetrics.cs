using System.Diagnostics.Metrics;
using Airwave.Core.Data;
using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Airwave.Core.Observability;

/// <summary>
/// How much work waits in the database (meter <c>Airwave.Backlog</c>, on <c>/metrics</c>): due jobs not yet claimed and
/// running jobs per kind with the age of the oldest waiting one, and outbox events not yet handed to the transport
/// (with the oldest one's age) or given up on. The counters of finished jobs and relayed events show throughput; these
/// show whether the workers and the relay keep up. Counted every <see cref="MetricsOptions.BacklogSampleSeconds"/> by
/// worker processes (scraping reads the last count and never queries the database); the figures are the database's,
/// the same on every worker, so aggregate them across instances with max, not sum.
/// </summary>
public sealed class BacklogMetrics : BackgroundService
{
    public const string MeterName = "Airwave.Backlog";

    private readonly Database _database;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _interval;
    private readonly ILogger<BacklogMetrics> _logger;

    /// <summary>Kinds seen since start: one whose queue empties reports 0 instead of vanishing from the scrape.</summary>
    private readonly HashSet<string> _kinds = [];

    private volatile Sample _latest = Sample.None;

    public BacklogMetrics(IMeterFactory meters, Database database, TimeProvider clock, IOptions<MetricsOptions> options, ILogger<BacklogMetrics> logger)
    {
        _database = database;
        _clock = clock;
        _interval = TimeSpan.FromSeconds(options.Value.BacklogSampleSeconds);
        _logger = logger;
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("airwave.jobs.waiting", () => PerKind(j => j.Waiting), "{job}",
            "Jobs due and not claimed by a worker yet, by kind.");
        meter.CreateObservableGauge("airwave.jobs.running", () => PerKind(j => j.Running), "{job}",
            "Jobs a worker is running, by kind.");
        meter.CreateObservableGauge("airwave.jobs.oldest_waiting", () => PerKind(j => j.OldestWaitingSeconds), "s",
            "How long the oldest due job not claimed yet has waited, by kind (0 when none waits).");
        meter.CreateObservableGauge("airwave.events.outbox.pending", () => _latest.Outbox.Pending, "{event}",
            "Outbox events not handed to the transport yet (new, or waiting to retry while the broker is away).");
        meter.CreateObservableGauge("airwave.events.outbox.oldest_pending", () => _latest.Outbox.OldestPendingSeconds, "s",
            "How long the oldest outbox event not handed over yet has waited (0 when none).");
        meter.CreateObservableGauge("airwave.events.outbox.dead", () => _latest.Outbox.Dead, "{event}",
            "Outbox events given up on after their attempts (see the logs; they are kept, not sent).");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _clock);
        do
        {
            try
            {
                _latest = await CountAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database away for a moment: keep the last figures and try again at the next tick.
                _logger.LogWarning(e, "Could not count the jobs and events waiting in the database");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<Sample> CountAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await _database.OpenAsync(cancellationToken);
        var jobs = await connection.QueryAsync<JobRow>(new CommandDefinition(
            """
            SELECT kind AS Kind,
                   SUM(CASE WHEN status = 'queued' AND run_after <= @now THEN 1 ELSE 0 END) AS Waiting,
                   SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS Running,
                   MIN(CASE WHEN status = 'queued' AND run_after <= @now THEN run_after END) AS OldestWaiting
            FROM jobs WHERE status IN ('queued', 'running') GROUP BY kind
            """, new { now }, cancellationToken: cancellationToken));
        var outbox = await connection.QuerySingleAsync<OutboxRow>(new CommandDefinition(
            """
            SELECT COALESCE(SUM(CASE WHEN dead_at IS NULL THEN 1 ELSE 0 END), 0) AS Pending,
                   COALESCE(SUM(CASE WHEN dead_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS Dead,
                   MIN(CASE WHEN dead_at IS NULL THEN occurred_at END) AS OldestPending
            FROM outbox_events WHERE dispatched_at IS NULL
            """, cancellationToken: cancellationToken));

        var byKind = jobs.ToDictionary(j => j.Kind);
        _kinds.UnionWith(byKind.Keys);
        var perKind = _kinds.Select(kind => byKind.TryGetValue(kind, out var j)
            ? new KindSample(kind, j.Waiting, j.Running, SecondsSince(j.OldestWaiting, now))
            : new KindSample(kind, 0, 0, 0)).ToList();
        return new Sample(perKind, new OutboxSample(outbox.Pending, outbox.Dead, SecondsSince(outbox.OldestPending, now)));
    }

    private IEnumerable<Measurement<T>> PerKind<T>(Func<KindSample, T> value) where T : struct =>
        _latest.Jobs.Select(j => new Measurement<T>(value(j), new KeyValuePair<string, object?>("kind", j.Kind)));

    private static double SecondsSince(DateTimeOffset? time, DateTimeOffset now) =>
        time is { } t ? Math.Max(0, (now - t).TotalSeconds) : 0;

    private sealed record Sample(IReadOnlyList<KindSample> Jobs, OutboxSample Outbox)
    {
        public static Sample None { get; } = new([], new OutboxSample(0, 0, 0));
    }

    private sealed record KindSample(string Kind, long Waiting, long Running, double OldestWaitingSeconds);

    private sealed record OutboxSample(long Pending, long Dead, double OldestPendingSeconds);

    private sealed class JobRow
    {
        public string Kind { get; init; } = "";
        public long Waiting { get; init; }
        public long Running { get; init; }
        public DateTimeOffset? OldestWaiting { get; init; }
    }

    private sealed class OutboxRow
    {
        public long Pending { get; init; }
        public long Dead { get; init; }
        public DateTimeOffset? OldestPending { get; init; }
    }
}
