namespace Settlement.Host.Observability;

/// <summary>A source of gauges that <c>/metrics</c> refreshes (or finds still fresh) before it collects.</summary>
public interface IMetricsSource
{
    /// <summary>The label value of <c>settlement_metrics_source_up{source=…}</c>.</summary>
    string Name { get; }

    /// <summary>Whether the source answered the last time it was read.</summary>
    bool IsUp { get; }

    Task RefreshAsync(CancellationToken cancellationToken);
}
