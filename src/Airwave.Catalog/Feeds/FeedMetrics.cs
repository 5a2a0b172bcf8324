using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Airwave.Catalog.Feeds;

/// <summary>
/// Feed metrics (meter <c>Airwave.Feeds</c>, on <c>/metrics</c>): how long stored feeds take to build, and how feed
/// requests were answered — from this process's memory (the cheap path) or after reading the database — with 200 or
/// 304, so operators see whether the memory cache carries the load.
/// </summary>
internal sealed class FeedMetrics
{
    private readonly Histogram<double> _build;
    private readonly Counter<long> _requests;

    public FeedMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Airwave.Feeds");
        _build = meter.CreateHistogram<double>("airwave.feeds.build.duration", "s",
            "How long building a stored feed took (reading the show, writing, hashing, compressing and storing it).");
        _requests = meter.CreateCounter<long>("airwave.feeds.requests", "{request}",
            "Public feed requests answered, by where the answer came from (memory or database) and status (200 or 304).");
    }

    public void Built(long started) => _build.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);

    public void Answered(bool fromMemory, bool notModified) =>
        _requests.Add(1, new KeyValuePair<string, object?>("source", fromMemory ? "memory" : "database"),
            new KeyValuePair<string, object?>("status", notModified ? "304" : "200"));
}
