using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Settlement.Orchestration;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;

namespace Settlement.Host.Observability;

/// <summary>
/// Gauges read from the settlement records in PostgreSQL: <c>settlement_sagas{state}</c> and <c>settlement_stuck_sagas</c>,
/// both from one reading cached for <see cref="ObservabilityOptions.CacheDuration"/>.
/// </summary>
public sealed class SagaGauges
{
    /// <summary>The states in which a trade waits for the wallet's answer; the others are final or wait for an operator.</summary>
    public static readonly string[] WaitingStates =
    [
        nameof(SettlementStateMachine.Accepted),
        nameof(SettlementStateMachine.BuyerDebited),
        nameof(SettlementStateMachine.BuyerCredited),
        nameof(SettlementStateMachine.SellerDebited),
        nameof(SettlementStateMachine.SellerCredited),
        nameof(SettlementStateMachine.Compensating),
    ];

    /// <summary><c>Settlement:StepTimeout</c>: how long a trade may wait for one step.</summary>
    public static readonly TimeSpan DefaultStepTimeout = TimeSpan.FromSeconds(30);

    readonly SettlementRecords _records;
    readonly IDbContextFactory<SettlementDbContext> _databases;
    readonly TimeProvider _time;
    readonly TimeSpan _stepTimeout;
    readonly CachedReading<SagaCounts> _reading;

    public SagaGauges(SettlementMetrics metrics, SettlementRecords records, IDbContextFactory<SettlementDbContext> databases,
        IConfiguration configuration, IOptions<ObservabilityOptions> options, TimeProvider time, ILogger<SagaGauges> logger)
    {
        _records = records;
        _databases = databases;
        _time = time;
        // The key of SettlementOptions.StepTimeout, read directly until that option exists.
        _stepTimeout = configuration.GetValue($"{Orchestration.Configuration.SettlementOptions.SectionName}:StepTimeout", DefaultStepTimeout);
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

    async Task<SagaCounts> ReadAsync(CancellationToken cancellationToken)
    {
        var byState = await _records.CountByStateAsync(cancellationToken);
        var updatedBefore = _time.GetUtcNow() - _stepTimeout;
        await using var db = await _databases.CreateDbContextAsync(cancellationToken);
        var stuck = await db.Settlements.CountAsync(x => WaitingStates.Contains(x.CurrentState) && x.UpdatedAt < updatedBefore, cancellationToken);
        return new SagaCounts(byState, stuck);
    }

    sealed record SagaCounts(IReadOnlyDictionary<string, int> ByState, int Stuck);
}
