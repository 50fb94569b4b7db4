using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Settlement.Host.Observability.Prometheus;

/// <summary>
/// Listens to every instrument of the selected meters (System.Diagnostics.Metrics) from the moment it is created, and
/// writes what they measured in Prometheus' text format 0.0.4. Counters and histograms accumulate from the collector's
/// start; observable instruments are asked for their current values at each <see cref="Collect"/>.
/// A meter is selected by name, and only when it belongs to <c>scope</c> (the host's <see cref="IMeterFactory"/>) or to
/// none: another host's meters in the same process (as in tests) stay apart.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    readonly MeterListener _listener = new();
    readonly ConcurrentDictionary<Instrument, InstrumentSeries> _series = new();
    readonly HashSet<string> _meterNames;
    readonly object? _scope;
    readonly Lock _collecting = new();

    public MetricsCollector(IEnumerable<string> meterNames, object? scope)
    {
        _meterNames = new HashSet<string>(meterNames, StringComparer.Ordinal);
        _scope = scope;

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!_meterNames.Contains(instrument.Meter.Name) || (instrument.Meter.Scope is not null && !ReferenceEquals(instrument.Meter.Scope, _scope)))
                return;
            var series = InstrumentSeries.For(instrument);
            _series[instrument] = series;
            listener.EnableMeasurementEvents(instrument, series);
        };
        _listener.MeasurementsCompleted = (instrument, _) => _series.TryRemove(instrument, out InstrumentSeries? _);
        _listener.SetMeasurementEventCallback<byte>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>((_, value, tags, state) => ((InstrumentSeries)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Every selected instrument's samples, one metric family per exported name, in name order.</summary>
    public string Collect()
    {
        lock (_collecting)
        {
            foreach (var observable in _series.Values.Where(s => s.Instrument.IsObservable))
                observable.Clear();
            _listener.RecordObservableInstruments();

            var output = new StringBuilder();
            var families = _series.Values
                .OrderBy(s => s.Name, StringComparer.Ordinal)
                .ThenBy(s => s.Instrument.Meter.Name, StringComparer.Ordinal)
                .GroupBy(s => s.Name);
            foreach (var family in families)
            {
                // Two instruments exported under one name form one family; one of another type would make it invalid.
                var first = family.First();
                output.Append("# HELP ").Append(first.Name).Append(' ').Append(PrometheusText.EscapeHelp(first.Help)).Append('\n');
                output.Append("# TYPE ").Append(first.Name).Append(' ').Append(first.Type).Append('\n');
                foreach (var series in family.Where(s => s.Type == first.Type))
                    series.WriteSamples(output);
            }

            return output.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();
}
