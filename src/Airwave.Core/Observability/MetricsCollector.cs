using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Airwave.Core.Observability;

/// <summary>
/// Keeps the current value of every metric this server records through <see cref="System.Diagnostics.Metrics"/>, for
/// <c>/metrics</c>: the instruments of meters made by this host's <see cref="IMeterFactory"/> (Airwave's own, ASP.NET
/// Core's request, connection and rate-limiting meters, HttpClient's) and the runtime's <c>System.Runtime</c> meter
/// (GC, thread pool, CPU). Meters of other hosts in the same process (tests run several) are left out, so each
/// server reports only itself. Counters add up, up-down counters move, gauges and observable instruments are read
/// at each scrape, histograms count into the bucket bounds their instrument advises (or defaults by unit).
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    /// <summary>Series one instrument may have; more are dropped (and counted) so a bad label cannot exhaust memory.</summary>
    public const int MaxSeriesPerInstrument = 2000;

    /// <summary>Default bounds for durations in seconds (those ASP.NET Core advises for its own).</summary>
    private static readonly double[] SecondsBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 300];

    /// <summary>OpenTelemetry's default bounds, for everything else.</summary>
    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    /// <summary>
    /// Left out: Kestrel's buffer pool records every 4 KiB block rented and returned, hundreds of measurements for one
    /// large response (a feed of 700 kB is 170 blocks), which cost more than sending the response. The runtime's GC
    /// metrics show the process's memory instead.
    /// </summary>
    private const string KestrelMemoryPoolMeter = "Microsoft.AspNetCore.MemoryPool";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly Lock _scrape = new();
    private long _droppedSeries;

    public MetricsCollector(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if ((ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Meter.Name != KestrelMemoryPoolMeter) || instrument.Meter.Name == "System.Runtime")
            {
                var state = _instruments.GetOrAdd(instrument, i => new InstrumentState(i, this));
                listener.EnableMeasurementEvents(instrument, state);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _);
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentState)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => ((InstrumentState)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and writes every family in the Prometheus text format, sorted by name.</summary>
    public string Scrape()
    {
        var families = new SortedDictionary<string, MetricFamily>(StringComparer.Ordinal);
        lock (_scrape)
        {
            // Observable instruments report their whole state at each read: a label set they no longer report goes.
            foreach (var state in _instruments.Values.Where(s => s.Instrument.IsObservable))
            {
                state.Clear();
            }

            _listener.RecordObservableInstruments();
            foreach (var state in _instruments.Values)
            {
                var family = state.Snapshot();
                if (family.Series.Count == 0)
                {
                    continue;
                }

                if (!families.TryGetValue(family.Name, out var existing))
                {
                    families[family.Name] = family;
                }
                else if (existing.Kind == family.Kind)
                {
                    families[family.Name] = existing with { Series = [.. existing.Series, .. family.Series] };
                }
            }
        }

        families["airwave_metrics_series_dropped_total"] = new MetricFamily("airwave_metrics_series_dropped_total", MetricKind.Counter,
            $"Measurements not kept because their instrument already had {MaxSeriesPerInstrument} label sets.",
            [new MetricSeries([], Interlocked.Read(ref _droppedSeries))]);
        var output = new StringBuilder(16 * 1024);
        PrometheusText.Write(output, families.Values);
        return output.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void SeriesDropped() => Interlocked.Increment(ref _droppedSeries);

    /// <summary>One instrument's series by label set.</summary>
    private sealed class InstrumentState
    {
        /// <summary>Series by the tags as a caller passed them (order included): several keys may share one series.</summary>
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

        /// <summary>Series by their sorted label set: what is written, and what the cap counts.</summary>
        private readonly ConcurrentDictionary<string, Series> _byLabels = new(StringComparer.Ordinal);
        private readonly MetricsCollector _owner;
        private readonly MetricKind _kind;
        private readonly Recording _recording;
        private readonly double[] _bounds;
        private readonly string _name;

        public InstrumentState(Instrument instrument, MetricsCollector owner)
        {
            Instrument = instrument;
            _owner = owner;
            var type = instrument.GetType().GetGenericTypeDefinition();
            _kind = type == typeof(Counter<>) || type == typeof(ObservableCounter<>) ? MetricKind.Counter
                : type == typeof(Histogram<>) ? MetricKind.Histogram
                : MetricKind.Gauge;
            // Counters and up-down counters record changes; a gauge records its current value; observable instruments
            // report their totals or values at each read (several reports of one label set in a read add up).
            _recording = instrument.IsObservable ? Recording.Observed : type == typeof(Gauge<>) ? Recording.Set : Recording.Add;
            _bounds = _kind == MetricKind.Histogram ? BoundsOf(instrument) : [];
            _name = PrometheusText.NameOf(instrument.Name, instrument.Unit, _kind);
        }

        public Instrument Instrument { get; }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            // Measurements come on request paths: the tags as given make the lookup key (one string); the sorted,
            // sanitised label set is worked out only the first time a key is seen.
            var key = KeyOf(tags);
            if (!_series.TryGetValue(key, out var series))
            {
                var labels = Labels(tags);
                var canonical = string.Join('\u0001', labels.Select(l => l.Key + "\u0002" + l.Value));
                if (!_byLabels.TryGetValue(canonical, out series))
                {
                    if (_byLabels.Count >= MaxSeriesPerInstrument)
                    {
                        _owner.SeriesDropped();
                        return;
                    }

                    series = _byLabels.GetOrAdd(canonical, _ => new Series(labels, _bounds.Length + 1));
                }

                _series.TryAdd(key, series);
            }

            series.Record(value, _kind, _recording, _bounds);
        }

        private static string KeyOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0)
            {
                return "";
            }

            var builder = new System.Text.StringBuilder(64);
            foreach (var (key, value) in tags)
            {
                builder.Append(key).Append('\u0002').Append(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('\u0001');
            }

            return builder.ToString();
        }

        public void Clear()
        {
            _series.Clear();
            _byLabels.Clear();
        }

        public MetricFamily Snapshot() =>
            new(_name, _kind, Instrument.Description ?? Instrument.Name,
                [.. _byLabels.Values.Select(s => s.Snapshot(_bounds)).OrderBy(s => string.Join(',', s.Labels.Select(l => l.Value)), StringComparer.Ordinal)]);

        private static KeyValuePair<string, string>[] Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = new KeyValuePair<string, string>[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                labels[i] = new(PrometheusText.LabelNameOf(tags[i].Key), Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? "");
            }

            Array.Sort(labels, (a, b) => string.CompareOrdinal(a.Key, b.Key));
            return labels;
        }

        private static double[] BoundsOf(Instrument instrument)
        {
            IEnumerable<double>? advised = instrument switch
            {
                Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
                Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
                Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
                Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
                _ => null,
            };
            return advised?.Order().Distinct().ToArray() ?? (instrument.Unit == "s" ? SecondsBounds : DefaultBounds);
        }
    }

    private enum Recording
    {
        Add,
        Set,
        Observed,
    }

    /// <summary>One label set's value, or its histogram buckets.</summary>
    private sealed class Series(KeyValuePair<string, string>[] labels, int buckets)
    {
        private readonly Lock _gate = new();
        private readonly long[] _buckets = new long[buckets];
        private double _value;
        private double _sum;
        private long _count;

        public void Record(double value, MetricKind kind, Recording recording, double[] bounds)
        {
            lock (_gate)
            {
                if (kind == MetricKind.Histogram)
                {
                    var index = 0;
                    while (index < bounds.Length && value > bounds[index])
                    {
                        index++;
                    }

                    _buckets[index]++;
                    _sum += value;
                    _count++;
                }
                else if (recording == Recording.Set)
                {
                    _value = value;
                }
                else
                {
                    // Observed series are cleared before each read, so adding gives the read's total.
                    _value += value;
                }
            }
        }

        public MetricSeries Snapshot(double[] bounds)
        {
            lock (_gate)
            {
                return new MetricSeries(labels, _value, bounds, [.. _buckets], _sum, _count);
            }
        }
    }
}
