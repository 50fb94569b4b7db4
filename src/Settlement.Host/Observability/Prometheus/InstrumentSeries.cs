using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Settlement.Host.Observability.Prometheus;

/// <summary>What <see cref="MetricsCollector"/> keeps of one instrument: a series per label set, and how to write it.</summary>
abstract class InstrumentSeries(Instrument instrument, string name, string type)
{
    public Instrument Instrument { get; } = instrument;

    /// <summary>The exported metric name (<see cref="PrometheusText.MetricName"/>).</summary>
    public string Name { get; } = name;

    /// <summary><c>counter</c>, <c>gauge</c> or <c>histogram</c>.</summary>
    public string Type { get; } = type;

    public string Help => string.IsNullOrWhiteSpace(Instrument.Description) ? Instrument.Name : Instrument.Description;

    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Forgets every series: an observable instrument reports all of its series again at each collection.</summary>
    public abstract void Clear();

    /// <summary>Appends this instrument's sample lines (not its HELP and TYPE lines).</summary>
    public abstract void WriteSamples(StringBuilder output);

    /// <summary>The series kind each instrument kind maps to.</summary>
    public static InstrumentSeries For(Instrument instrument)
    {
        var kind = instrument.GetType() is { IsGenericType: true } type ? type.GetGenericTypeDefinition() : null;
        if (kind == typeof(Histogram<>))
            return new HistogramSeries(instrument, PrometheusText.MetricName(instrument, isCounter: false), BucketBounds(instrument));

        // MassTransit counts messages in progress ("….active") on a Counter it adds -1 to: that is a gauge.
        var monotonic = (kind == typeof(Counter<>) && !instrument.Name.EndsWith(".active", StringComparison.Ordinal))
                        || kind == typeof(ObservableCounter<>);
        var accumulates = kind == typeof(Counter<>) || kind == typeof(UpDownCounter<>);
        return new ValueSeries(instrument, PrometheusText.MetricName(instrument, monotonic), monotonic ? "counter" : "gauge", accumulates);
    }

    /// <summary>Prometheus' default buckets for seconds; OpenTelemetry's default buckets (suited to milliseconds) otherwise.</summary>
    static readonly double[] SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    static readonly double[] DefaultBuckets = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    /// <summary>The instrument's advised bucket boundaries, else a default for its unit.</summary>
    static double[] BucketBounds(Instrument instrument)
    {
        var advised = instrument switch
        {
            Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
            Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(x => (double)x).ToArray(),
            Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(x => (double)x).ToArray(),
            Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(x => (double)x).ToArray(),
            _ => null,
        };
        return advised is { Length: > 0 } ? advised : instrument.Unit == "s" ? SecondsBuckets : DefaultBuckets;
    }
}

/// <summary>A counter or gauge: one number per label set, added to (Counter, UpDownCounter) or replaced (the others).</summary>
sealed class ValueSeries(Instrument instrument, string name, string type, bool accumulates) : InstrumentSeries(instrument, name, type)
{
    readonly ConcurrentDictionary<string, StrongBoxOfDouble> _values = new(StringComparer.Ordinal);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var cell = _values.GetOrAdd(PrometheusText.Labels(tags), _ => new StrongBoxOfDouble());
        lock (cell)
            cell.Value = accumulates ? cell.Value + value : value;
    }

    public override void Clear() => _values.Clear();

    public override void WriteSamples(StringBuilder output)
    {
        foreach (var (labels, cell) in _values.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            double value;
            lock (cell)
                value = cell.Value;
            output.Append(Name);
            if (labels.Length > 0)
                output.Append('{').Append(labels).Append('}');
            output.Append(' ').Append(PrometheusText.FormatValue(value)).Append('\n');
        }
    }

    sealed class StrongBoxOfDouble
    {
        public double Value;
    }
}

/// <summary>A histogram: cumulative <c>_bucket{le=…}</c> counts up to <c>+Inf</c>, <c>_sum</c> and <c>_count</c> per label set.</summary>
sealed class HistogramSeries(Instrument instrument, string name, double[] bounds) : InstrumentSeries(instrument, name, "histogram")
{
    readonly ConcurrentDictionary<string, Cell> _cells = new(StringComparer.Ordinal);
    readonly string[] _le = [.. bounds.Select(PrometheusText.FormatValue), "+Inf"];

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var cell = _cells.GetOrAdd(PrometheusText.Labels(tags), _ => new Cell(bounds.Length + 1));
        var bucket = Array.FindIndex(bounds, bound => value <= bound);
        lock (cell)
        {
            cell.Counts[bucket < 0 ? bounds.Length : bucket]++;
            cell.Sum += value;
        }
    }

    public override void Clear() => _cells.Clear();

    public override void WriteSamples(StringBuilder output)
    {
        foreach (var (labels, cell) in _cells.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            long[] counts;
            double sum;
            lock (cell)
                (counts, sum) = ((long[])cell.Counts.Clone(), cell.Sum);

            var prefix = labels.Length > 0 ? labels + "," : string.Empty;
            long cumulative = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                cumulative += counts[i];
                output.Append(Name).Append("_bucket{").Append(prefix).Append("le=\"").Append(_le[i]).Append("\"} ")
                    .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }

            var braced = labels.Length > 0 ? "{" + labels + "}" : string.Empty;
            output.Append(Name).Append("_sum").Append(braced).Append(' ').Append(PrometheusText.FormatValue(sum)).Append('\n');
            output.Append(Name).Append("_count").Append(braced).Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    sealed class Cell(int buckets)
    {
        public readonly long[] Counts = new long[buckets];
        public double Sum;
    }
}
