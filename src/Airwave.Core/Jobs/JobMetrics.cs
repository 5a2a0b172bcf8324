using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Airwave.Core.Jobs;

/// <summary>
/// The job workers' metrics (meter <c>Airwave.Jobs</c>, on <c>/metrics</c>): how many runs ended and how, and how
/// long they took, per kind of job, so operators see when media workers fall behind or a kind keeps failing.
/// </summary>
public sealed class JobMetrics
{
    public const string MeterName = "Airwave.Jobs";

    private readonly Counter<long> _finished;
    private readonly Histogram<double> _duration;

    public JobMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _finished = meter.CreateCounter<long>("airwave.jobs.finished", "{run}",
            "Job runs that ended, by kind and outcome (succeeded, retrying, failed; stopped: interrupted by shutdown).");
        _duration = meter.CreateHistogram<double>("airwave.jobs.duration", "s", "How long job runs took, by kind and outcome.");
    }

    /// <summary>Records one run of <paramref name="kind"/> that began at <paramref name="started"/> (a Stopwatch timestamp).</summary>
    public void Finished(string kind, string outcome, long started)
    {
        var tags = new TagList { { "kind", kind }, { "outcome", outcome } };
        _finished.Add(1, tags);
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }
}
