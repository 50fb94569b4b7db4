using System.Diagnostics.Metrics;

namespace Settlement.Host.Observability;

/// <summary>
/// The slow sources behind <c>/metrics</c> (saga counts from PostgreSQL, queue depths from RabbitMQ's management API):
/// each scrape first refreshes those whose readings are stale (in parallel, each within its timeout), then OpenTelemetry's
/// exporter writes every instrument. A source that fails is left out and shows as
/// <c>settlement_metrics_source_up{source} 0</c>; the scrape itself always succeeds.
/// </summary>
public sealed class MetricsSources
{
    readonly IMetricsSource[] _sources;

    public MetricsSources(IEnumerable<IMetricsSource> sources, SettlementMetrics metrics)
    {
        _sources = [.. sources];
        metrics.Meter.CreateObservableGauge("settlement_metrics_source_up",
            () => _sources.Select(s => new Measurement<int>(s.IsUp ? 1 : 0, new KeyValuePair<string, object?>("source", s.Name))),
            description: "1 when the source answered the last time /metrics read it, else 0 (its samples are then left out).");
    }

    public Task RefreshAsync(CancellationToken cancellationToken) => Task.WhenAll(_sources.Select(s => s.RefreshAsync(cancellationToken)));
}
