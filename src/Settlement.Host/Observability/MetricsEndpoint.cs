using System.Diagnostics.Metrics;
using Settlement.Host.Observability.Prometheus;

namespace Settlement.Host.Observability;

/// <summary>
/// <c>GET /metrics</c>: refreshes the slow sources whose readings are stale (in parallel, each within its timeout), then
/// writes every instrument of the collected meters. A source that fails is left out and shows as
/// <c>settlement_metrics_source_up{source} 0</c>; the scrape itself always succeeds.
/// </summary>
public sealed class MetricsEndpoint
{
    readonly MetricsCollector _collector;
    readonly IMetricsSource[] _sources;

    public MetricsEndpoint(MetricsCollector collector, IEnumerable<IMetricsSource> sources, SettlementMetrics metrics)
    {
        _collector = collector;
        _sources = [.. sources];
        metrics.Meter.CreateObservableGauge("settlement_metrics_source_up",
            () => _sources.Select(s => new Measurement<int>(s.IsUp ? 1 : 0, new KeyValuePair<string, object?>("source", s.Name))),
            description: "1 when the source answered the last time /metrics read it, else 0 (its samples are then left out).");
    }

    public async Task<IResult> ScrapeAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_sources.Select(s => s.RefreshAsync(cancellationToken)));
        return Results.Text(_collector.Collect(), PrometheusText.ContentType);
    }
}
