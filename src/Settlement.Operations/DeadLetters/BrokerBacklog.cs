using Microsoft.Extensions.Options;
using Settlement.Orchestration.Configuration;
using Settlement.Orchestration.Sweeper;

namespace Settlement.Operations.DeadLetters;

/// <summary>
/// The saga's and the wallet's queue depths from RabbitMQ's management API, for the stuck-trade sweeper. When the API
/// cannot be read the answer is "unknown", and the sweeper resends as it would without this.
/// </summary>
sealed class BrokerBacklog(BrokerManagementClient management, IOptions<SettlementOptions> options, ILogger<BrokerBacklog> logger)
    : ISettlementBacklog
{
    public async Task<long?> QueuedMessagesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var depths = await management.QueueDepthsAsync(cancellationToken);
            var settings = options.Value;
            return depths.GetValueOrDefault(settings.QueueName) + depths.GetValueOrDefault(settings.ReplyQueueName)
                + depths.GetValueOrDefault(settings.WalletQueue);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            logger.LogDebug(exception, "Queue depths unknown: the management API did not answer");
            return null;
        }
    }
}
