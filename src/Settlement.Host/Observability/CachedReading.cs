namespace Settlement.Host.Observability;

/// <summary>
/// What <c>/metrics</c> shows of a slow source (a database query, an HTTP call): read at most once per
/// <see cref="ObservabilityOptions.CacheDuration"/>, by one scrape at a time, within <see cref="ObservabilityOptions.SourceTimeout"/>.
/// When the source fails, <see cref="Value"/> is null (its samples are left out, the scrape still succeeds) and the failure
/// is logged once, as a warning, until the source answers again.
/// </summary>
public sealed class CachedReading<T>(string source, Func<CancellationToken, Task<T>> read, ObservabilityOptions options, TimeProvider time, ILogger logger)
    : IMetricsSource
    where T : class
{
    readonly SemaphoreSlim _reading = new(1, 1);
    DateTimeOffset? _readAt;
    bool _failing;

    /// <summary>The last reading, or null when the source did not answer the last time it was asked.</summary>
    public T? Value { get; private set; }

    public string Name { get; } = source;

    public bool IsUp => Value is not null;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (IsFresh())
            return;

        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (IsFresh())
                return;

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.SourceTimeout);
            try
            {
                Value = await read(timeout.Token);
                if (_failing)
                    logger.LogInformation("Metrics source {Source} answers again", Name);
                _failing = false;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                Value = null;
                if (!_failing)
                    logger.LogWarning(e, "Metrics source {Source} did not answer: its samples are left out of /metrics until it does", Name);
                _failing = true;
            }

            _readAt = time.GetUtcNow();
        }
        finally
        {
            _reading.Release();
        }
    }

    bool IsFresh() => _readAt is { } readAt && time.GetUtcNow() - readAt < options.CacheDuration;
}
