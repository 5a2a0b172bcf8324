using System.Globalization;
using System.Text;

namespace Airwave.Core.Observability;

/// <summary>What kind of Prometheus metric family a series belongs to.</summary>
public enum MetricKind
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>One labelled series of a family: a value, or for a histogram its cumulative bucket counts, sum and count.</summary>
/// <param name="Labels">Label names (already Prometheus names) and values, in the order they are written.</param>
/// <param name="Value">The counter's total or the gauge's value (unused for histograms).</param>
/// <param name="Bounds">Histogram upper bounds, ascending, without +Inf.</param>
/// <param name="BucketCounts">Histogram counts per bound (not cumulative), then one for above the last bound.</param>
public sealed record MetricSeries(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, IReadOnlyList<double>? Bounds = null,
    IReadOnlyList<long>? BucketCounts = null, double Sum = 0, long Count = 0);

/// <summary>A metric family: name, kind, help text and its series.</summary>
public sealed record MetricFamily(string Name, MetricKind Kind, string Help, IReadOnlyList<MetricSeries> Series);

/// <summary>
/// The Prometheus text exposition format (version 0.0.4), written by hand because the OpenTelemetry exporters do not
/// restore here: names from OpenTelemetry instrument names and units (<c>http.server.request.duration</c> in
/// <c>s</c> becomes <c>http_server_request_duration_seconds</c>, counters end in <c>_total</c>), escaped label
/// values, cumulative histogram buckets with <c>+Inf</c>, <c>_sum</c> and <c>_count</c>.
/// </summary>
public static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The Prometheus name of an instrument: its name made legal, its unit as a suffix, <c>_total</c> for counters.</summary>
    public static string NameOf(string instrumentName, string? unit, MetricKind kind)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        var suffix = UnitSuffix(unit, kind);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        if (kind == MetricKind.Counter && !name.EndsWith("_total", StringComparison.Ordinal))
        {
            name += "_total";
        }

        return name;
    }

    /// <summary>A label name: letters, digits and underscores, not starting with a digit (<c>http.route</c> → <c>http_route</c>).</summary>
    public static string LabelNameOf(string key) => Sanitize(key, allowColon: false);

    /// <summary>Writes the families in the order given, each with its HELP and TYPE lines.</summary>
    public static void Write(StringBuilder output, IEnumerable<MetricFamily> families)
    {
        foreach (var family in families)
        {
            output.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            output.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Kind switch
            {
                MetricKind.Counter => "counter",
                MetricKind.Gauge => "gauge",
                _ => "histogram",
            }).Append('\n');
            foreach (var series in family.Series)
            {
                if (family.Kind == MetricKind.Histogram)
                {
                    WriteHistogram(output, family.Name, series);
                }
                else
                {
                    WriteSample(output, family.Name, series.Labels, null, series.Value);
                }
            }
        }
    }

    private static void WriteHistogram(StringBuilder output, string name, MetricSeries series)
    {
        var bounds = series.Bounds ?? [];
        var counts = series.BucketCounts ?? [];
        long cumulative = 0;
        for (var i = 0; i < bounds.Count; i++)
        {
            cumulative += i < counts.Count ? counts[i] : 0;
            WriteSample(output, name + "_bucket", series.Labels, Number(bounds[i]), cumulative);
        }

        WriteSample(output, name + "_bucket", series.Labels, "+Inf", series.Count);
        WriteSample(output, name + "_sum", series.Labels, null, series.Sum);
        WriteSample(output, name + "_count", series.Labels, null, series.Count);
    }

    private static void WriteSample(StringBuilder output, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        output.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            output.Append('{');
            var first = true;
            foreach (var (key, text) in labels)
            {
                if (!first)
                {
                    output.Append(',');
                }

                first = false;
                output.Append(key).Append("=\"");
                EscapeLabelValue(output, text);
                output.Append('"');
            }

            if (le is not null)
            {
                output.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            }

            output.Append('}');
        }

        output.Append(' ').Append(Number(value)).Append('\n');
    }

    /// <summary>Go's float formatting as Prometheus parses it: shortest round trip, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    internal static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);

    private static void EscapeLabelValue(StringBuilder output, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => output.Append("\\\\"),
                '"' => output.Append("\\\""),
                '\n' => output.Append("\\n"),
                _ => output.Append(c),
            };
        }
    }

    private static string EscapeHelp(string help) => help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string UnitSuffix(string? unit, MetricKind kind) => unit switch
    {
        null or "" => "",
        "s" => "seconds",
        "ms" => "milliseconds",
        "By" => "bytes",
        "1" => kind == MetricKind.Gauge ? "ratio" : "",
        // Annotations such as {request} say what is counted; Prometheus names carry no such suffix.
        _ when unit.StartsWith('{') => "",
        _ => Sanitize(unit, allowColon: false).Trim('_'),
    };

    private static string Sanitize(string text, bool allowColon)
    {
        var builder = new StringBuilder(text.Length + 1);
        foreach (var c in text)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' || (allowColon && c == ':') ? c : '_');
        }

        if (builder.Length == 0 || char.IsAsciiDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }
}
