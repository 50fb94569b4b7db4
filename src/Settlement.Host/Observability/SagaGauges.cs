using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Settlement.Orchestration.Configuration;
using Settlement.Orchestration.Persistence;

namespace Settlement.Host.Observability;

/// <summary>
/// Gauges read from the settlement records in PostgreSQL: <c>settlement_sagas{state}</c> and <c>settlement_stuck_sagas</c>,
/// both from one reading cached for <see cref="ObservabilityOptions.CacheDuration"/>.
/// </summary>
public sealed class SagaGauges
{
    readonly SettlementRecords _records;
    readonly TimeProvider _time;
    readonly TimeSpan _stepTimeout;
    readonly CachedReading<SagaCounts> _reading;

    public SagaGauges(SettlementMetrics metrics, SettlementRecords records, IOptions<SettlementOptions> settlement,
        IOptions<ObservabilityOptions> options, TimeProvider time, ILogger<SagaGauges> logger)
    {
        _records = records;
        _time = time;
        _stepTimeout = settlement.Value.StepTimeout;
        _reading = new CachedReading<SagaCounts>("postgresql", ReadAsync, options.Value, time, logger);

        metrics.Meter.CreateObservableGauge("settlement_sagas",
            () => _reading.Value?.ByState.Select(x => new Measurement<int>(x.Value, new KeyValuePair<string, object?>("state", x.Key))) ?? [],
            "{saga}",
            "Settlement records (one per trade) by state. Accepted … SellerCredited and Compensating wait for the wallet, " +
            "Suspended for an operator; Settled, RolledBack, CompensationFailed and Rejected are final.");
        metrics.Meter.CreateObservableGauge("settlement_stuck_sagas",
            () => _reading.Value is { } counts ? [new Measurement<int>(counts.Stuck)] : Array.Empty<Measurement<int>>(),
            "{saga}",
            "Trades waiting for the wallet (Accepted … SellerCredited, Compensating) whose record was last updated longer " +
            "ago than Settlement:StepTimeout.");
    }

    public IMetricsSource Source => _reading;

    async Task<SagaCounts> ReadAsync(CancellationToken cancellationToken) => new(
        await _records.CountByStateAsync(cancellationToken),
        await _records.CountWaitingSinceAsync(_time.GetUtcNow() - _stepTimeout, cancellationToken));

    sealed record SagaCounts(IReadOnlyDictionary<string, int> ByState, int Stuck);
}
