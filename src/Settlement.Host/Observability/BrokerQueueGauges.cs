using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Settlement.Operations.DeadLetters;
using Settlement.Orchestration.Configuration;
using Settlement.Wallet;

namespace Settlement.Host.Observability;

/// <summary>
/// Queue depths read through RabbitMQ's management API, one reading per <see cref="ObservabilityOptions.CacheDuration"/>:
/// <c>settlement_dead_letter_messages{queue}</c> for every <c>*_error</c> queue of the service's virtual host and
/// <c>settlement_queue_messages{queue}</c> for the service's own queues.
/// </summary>
public sealed class BrokerQueueGauges
{
    public const string ErrorQueueSuffix = "_error";

    readonly CachedReading<IReadOnlyDictionary<string, long>> _reading;

    public BrokerQueueGauges(SettlementMetrics metrics, BrokerManagementClient management, IOptions<SettlementOptions> settlement,
        IOptions<ObservabilityOptions> options, TimeProvider time, ILogger<BrokerQueueGauges> logger)
    {
        string[] ownQueues = [settlement.Value.QueueName, settlement.Value.ReplyQueueName, WalletEndpoint.Name];
        _reading = new CachedReading<IReadOnlyDictionary<string, long>>("rabbitmq_management", management.QueueDepthsAsync, options.Value, time, logger);

        metrics.Meter.CreateObservableGauge("settlement_dead_letter_messages",
            () => Depths(name => name.EndsWith(ErrorQueueSuffix, StringComparison.Ordinal)),
            "{message}",
            "Messages in each dead-letter queue (*_error) of the service's virtual host: commands and events that failed after their retries.");
        var threshold = options.Value.DeadLetterAlertThreshold;
        metrics.Meter.CreateObservableGauge("settlement_dead_letter_alert_threshold",
            () => threshold,
            "{message}",
            "Observability:DeadLetterAlertThreshold: dead letters in one queue above which the SettlementDeadLetters alert fires.");
        metrics.Meter.CreateObservableGauge("settlement_queue_messages",
            () => Depths(ownQueues.Contains),
            "{message}",
            "Messages waiting (ready or unacknowledged) in the service's own queues.");
    }

    public IMetricsSource Source => _reading;

    IEnumerable<Measurement<long>> Depths(Func<string, bool> selected) =>
        _reading.Value?.Where(q => selected(q.Key)).Select(q => new Measurement<long>(q.Value, new KeyValuePair<string, object?>("queue", q.Key))) ?? [];
}
