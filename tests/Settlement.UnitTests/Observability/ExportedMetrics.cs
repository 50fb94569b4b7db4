using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Settlement.UnitTests.Observability;

/// <summary>
/// What the OpenTelemetry SDK exports of one meter of one <see cref="IMeterFactory"/> (its in-memory exporter), written as
/// Prometheus sample lines (<c>name{label="value"} 1</c>, histograms as <c>_bucket{le=…}</c>, <c>_sum</c>, <c>_count</c>)
/// for <see cref="Samples.Value"/>.
/// </summary>
sealed class ExportedMetrics : IDisposable
{
    readonly List<MetricSnapshot> _exported = [];
    readonly MeterProvider _provider;

    public ExportedMetrics(string meterName, IMeterFactory scope) =>
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(meterName)
            .AddView(instrument => ReferenceEquals(instrument.Meter.Scope, scope) ? null : MetricStreamConfiguration.Drop)
            .AddInMemoryExporter(_exported)
            .Build();

    public string Collect()
    {
        lock (_exported)
        {
            _exported.Clear();
            _provider.ForceFlush();
            var lines = new StringBuilder();
            foreach (var metric in _exported)
            {
                foreach (var point in metric.MetricPoints)
                    Write(lines, metric, point);
            }

            return lines.ToString();
        }
    }

    static void Write(StringBuilder lines, MetricSnapshot metric, MetricPoint point)
    {
        var labels = new List<string>();
        foreach (var tag in point.Tags)
            labels.Add($"{tag.Key}=\"{Convert.ToString(tag.Value, CultureInfo.InvariantCulture)}\"");

        if (metric.MetricType == MetricType.Histogram)
        {
            long cumulative = 0;
            foreach (var bucket in point.GetHistogramBuckets())
            {
                cumulative += bucket.BucketCount;
                var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : bucket.ExplicitBound.ToString(CultureInfo.InvariantCulture);
                Line(lines, metric.Name + "_bucket", [.. labels, $"le=\"{le}\""], cumulative);
            }

            Line(lines, metric.Name + "_sum", labels, point.GetHistogramSum());
            Line(lines, metric.Name + "_count", labels, point.GetHistogramCount());
            return;
        }

        double value = metric.MetricType switch
        {
            MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
            MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
            MetricType.LongGauge => point.GetGaugeLastValueLong(),
            _ => point.GetGaugeLastValueDouble(),
        };
        Line(lines, metric.Name, labels, value);
    }

    static void Line(StringBuilder lines, string name, List<string> labels, double value) =>
        lines.Append(name).Append(labels.Count > 0 ? "{" + string.Join(',', labels) + "}" : string.Empty)
            .Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    public void Dispose() => _provider.Dispose();
}
