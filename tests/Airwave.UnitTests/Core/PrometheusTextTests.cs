using System.Diagnostics.Metrics;
using System.Text;
using Airwave.Core.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace Airwave.UnitTests.Core;

public sealed class PrometheusTextTests
{
    [Theory]
    [InlineData("http.server.request.duration", "s", MetricKind.Histogram, "http_server_request_duration_seconds")]
    [InlineData("airwave.jobs.finished", "{run}", MetricKind.Counter, "airwave_jobs_finished_total")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", MetricKind.Counter, "dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("dotnet.process.cpu.time", "s", MetricKind.Counter, "dotnet_process_cpu_time_seconds_total")]
    [InlineData("process.cpu.utilization", "1", MetricKind.Gauge, "process_cpu_utilization_ratio")]
    [InlineData("requests_total", null, MetricKind.Counter, "requests_total")]
    [InlineData("queue-depth", "", MetricKind.Gauge, "queue_depth")]
    [InlineData("9lives", "ms", MetricKind.Gauge, "_9lives_milliseconds")]
    [InlineData("airwave.upload.size_bytes", "By", MetricKind.Histogram, "airwave_upload_size_bytes")]
    public void NameOf_FollowsOpenTelemetryToPrometheusRules(string instrument, string? unit, MetricKind kind, string expected) =>
        PrometheusText.NameOf(instrument, unit, kind).ShouldBe(expected);

    [Fact]
    public void Write_CounterGaugeAndHistogram_InTheTextFormat()
    {
        var output = new StringBuilder();
        PrometheusText.Write(output,
        [
            new MetricFamily("jobs_total", MetricKind.Counter, "Jobs\nthat ended \\ here",
                [new MetricSeries([new("kind", "media"), new("reason", "say \"no\"\\\nnow")], 3)]),
            new MetricFamily("queue_depth", MetricKind.Gauge, "Depth", [new MetricSeries([], 0.25)]),
            new MetricFamily("latency_seconds", MetricKind.Histogram, "Latency",
                [new MetricSeries([new("route", "/rss")], 0, [0.1, 1], [2, 1, 1], 3.5, 4)]),
        ]);

        output.ToString().ShouldBe("""
            # HELP jobs_total Jobs\nthat ended \\ here
            # TYPE jobs_total counter
            jobs_total{kind="media",reason="say \"no\"\\\nnow"} 3
            # HELP queue_depth Depth
            # TYPE queue_depth gauge
            queue_depth 0.25
            # HELP latency_seconds Latency
            # TYPE latency_seconds histogram
            latency_seconds_bucket{route="/rss",le="0.1"} 2
            latency_seconds_bucket{route="/rss",le="1"} 3
            latency_seconds_bucket{route="/rss",le="+Inf"} 4
            latency_seconds_sum{route="/rss"} 3.5
            latency_seconds_count{route="/rss"} 4

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Collector_CountsAddsSetsAndBuckets_PerLabelSet_OnlyForItsOwnFactory()
    {
        using var services = new ServiceCollection().AddAirwaveMetrics().BuildServiceProvider();
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var collector = services.GetRequiredService<MetricsCollector>();
        var meter = services.GetRequiredService<IMeterFactory>().Create("Airwave.Test");
        var counter = meter.CreateCounter<long>("test.runs", "{run}", "Runs");
        var upDown = meter.CreateUpDownCounter<int>("test.active", null, "Active");
        var gauge = meter.CreateGauge<double>("test.temperature", "Cel", "Temperature");
        var histogram = meter.CreateHistogram<double>("test.duration", "s", "Duration",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1] });
        var observed = 0L;
        meter.CreateObservableCounter("test.observed", () => observed, "{item}", "Observed");
        var foreign = other.GetRequiredService<IMeterFactory>().Create("Airwave.Test").CreateCounter<long>("test.foreign", null, "Foreign");

        counter.Add(2, new KeyValuePair<string, object?>("kind", "b"));
        counter.Add(1, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(4, new KeyValuePair<string, object?>("kind", "b"));
        upDown.Add(5);
        upDown.Add(-2);
        gauge.Record(20);
        gauge.Record(21.5);
        histogram.Record(0.05);
        histogram.Record(0.1);
        histogram.Record(0.5);
        histogram.Record(7);
        foreign.Add(1);
        observed = 42;

        var text = collector.Scrape();
        text.ShouldContain("# TYPE test_runs_total counter\ntest_runs_total{kind=\"a\"} 1\ntest_runs_total{kind=\"b\"} 6\n");
        text.ShouldContain("test_active 3\n");
        text.ShouldContain("test_temperature_Cel 21.5\n");
        text.ShouldContain("test_duration_seconds_bucket{le=\"0.1\"} 2\ntest_duration_seconds_bucket{le=\"1\"} 3\n"
            + "test_duration_seconds_bucket{le=\"+Inf\"} 4\ntest_duration_seconds_sum 7.65\ntest_duration_seconds_count 4\n");
        text.ShouldContain("test_observed_total 42\n");
        text.ShouldNotContain("test_foreign");

        // Observable instruments are read afresh at each scrape.
        observed = 50;
        collector.Scrape().ShouldContain("test_observed_total 50\n");
    }

    [Fact]
    public void Collector_TooManyLabelSets_DropsAndCountsTheRest()
    {
        using var services = new ServiceCollection().AddAirwaveMetrics().BuildServiceProvider();
        var collector = services.GetRequiredService<MetricsCollector>();
        var counter = services.GetRequiredService<IMeterFactory>().Create("Airwave.Test").CreateCounter<long>("test.labels");
        for (var i = 0; i < MetricsCollector.MaxSeriesPerInstrument + 5; i++)
        {
            counter.Add(1, new KeyValuePair<string, object?>("id", i));
        }

        var text = collector.Scrape();
        text.Split('\n').Count(l => l.StartsWith("test_labels_total{", StringComparison.Ordinal)).ShouldBe(MetricsCollector.MaxSeriesPerInstrument);
        text.ShouldContain("airwave_metrics_series_dropped_total 5\n");
    }
}
