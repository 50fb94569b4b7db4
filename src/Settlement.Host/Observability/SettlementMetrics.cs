using System.Diagnostics.Metrics;

namespace Settlement.Host.Observability;

/// <summary>
/// The meter <c>Settlement</c> and the settlement saga's instruments. Other parts of the service add their instruments to
/// <see cref="Meter"/> (or to <c>IMeterFactory.Create("Settlement")</c>, the same meter); <c>/metrics</c> exports them all.
/// </summary>
public sealed class SettlementMetrics
{
    public const string MeterName = "Settlement";

    /// <summary>The outcomes a trade's settlement is counted under (label <c>outcome</c>).</summary>
    public static class Outcomes
    {
        public const string Settled = "settled";
        public const string SettledWithoutFee = "settled_without_fee";
        public const string RolledBack = "rolled_back";
        public const string CompensationFailed = "compensation_failed";
        public const string Rejected = "rejected";
        public const string Suspended = "suspended";
    }

    /// <summary>5 ms to 60 s: a settlement takes five broker round trips and five database transactions.</summary>
    static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    readonly Counter<long> _settlements;
    readonly Histogram<double> _latency;
    readonly Counter<long> _retries;
    readonly Counter<long> _compensations;

    public SettlementMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        _settlements = Meter.CreateCounter<long>("settlement_settlements_total", "{trade}",
            "Trades whose settlement reached an outcome, by outcome (settled, settled_without_fee, rolled_back, " +
            "compensation_failed, rejected, suspended). A suspended trade counts again when it later settles or rolls back.");
        _latency = Meter.CreateHistogram("settlement_latency_seconds", "s",
            "Time from the trade's execution (executed_at) to its settlement (settled_at), in seconds.",
            tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _retries = Meter.CreateCounter<long>("settlement_retries_total", "{retry}",
            "Retries of wallet commands after transient faults that settlements needed (settlement_retry_count increments).");
        _compensations = Meter.CreateCounter<long>("settlement_compensations_started_total", "{trade}",
            "Trades that started reversing their applied legs (entered Compensating after a refusal or an operator's abort).");
    }

    public Meter Meter { get; }

    public void RecordOutcome(string outcome) => _settlements.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordLatency(TimeSpan latency) => _latency.Record(Math.Max(0, latency.TotalSeconds));

    public void RecordRetries(int retries)
    {
        if (retries > 0)
            _retries.Add(retries);
    }

    public void RecordCompensationStarted() => _compensations.Add(1);
}
