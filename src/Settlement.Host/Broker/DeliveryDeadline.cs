using System.Diagnostics.Metrics;
using MassTransit;
using MassTransit.Transports;
using Microsoft.Extensions.Options;
using Settlement.Host.Observability;
using Settlement.Operations;
using Settlement.Orchestration.Configuration;
using Settlement.Wallet;

namespace Settlement.Host.Broker;

/// <summary>
/// Gives up a delivery still in hand after <see cref="RabbitMqOptions.DeliveryTimeout"/>. Outermost on the receive pipe,
/// it stops waiting for the handling (which may never end: RabbitMQ's client 7.2.2 leaves a send on a channel lost with a
/// broker node waiting for its confirm for ever) and fails the delivery: MassTransit returns it to its queue when the
/// channel still stands, and the broker has already done so when the channel is gone. Either way the message is delivered
/// again and handled from the start, which is safe: the saga's steps and the wallet's operations are idempotent. What
/// matters is that the delivery's turn in the endpoint ends, so RabbitMQ's client can shut the lost channel down and
/// MassTransit can connect the endpoint again.
/// </summary>
sealed class DeliveryDeadlineFilter : IFilter<ReceiveContext>
{
    static readonly Meter Meter = new(SettlementMetrics.MeterName);
    static readonly Counter<long> Abandoned = Meter.CreateCounter<long>(
        "settlement_deliveries_abandoned_total", description: "Deliveries given up after RabbitMq:DeliveryTimeout and returned to their queue");

    readonly TimeSpan _timeout;
    readonly ILogger _logger;
    readonly KeyValuePair<string, object?> _queue;

    public DeliveryDeadlineFilter(TimeSpan timeout, string queue, ILogger logger)
    {
        _timeout = timeout;
        _logger = logger;
        _queue = new("queue", queue);
        // The series exists from the start at 0, so that its first increase shows (an alert watches it).
        Abandoned.Add(0, _queue);
    }

    public async Task Send(ReceiveContext context, IPipe<ReceiveContext> next)
    {
        var handling = next.Send(context);
        try
        {
            await handling.WaitAsync(_timeout).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!handling.IsCompleted)
        {
            // The handling goes on unobserved: whatever it still does is done again by the next delivery.
            _ = handling.ContinueWith(static task => task.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            Abandoned.Add(1, _queue);
            _logger.LogError(
                "Message {MessageId} on {InputAddress} was still in hand after {DeliveryTimeout}: given up and returned to the queue to be delivered again (RabbitMq:DeliveryTimeout)",
                context.GetMessageId(), context.InputAddress, _timeout);
            throw new TimeoutException($"Delivery not finished within RabbitMq:DeliveryTimeout ({_timeout}); returned to the queue.");
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("deliveryDeadline").Add("timeout", _timeout);
}

/// <summary>Puts a <see cref="DeliveryDeadlineFilter"/> first on the receive pipe of every endpoint the bus configures.</summary>
sealed class DeliveryDeadlineObserver(TimeSpan timeout, ILogger logger) : IEndpointConfigurationObserver
{
    public void EndpointConfigured<T>(T configurator)
        where T : IReceiveEndpointConfigurator =>
        configurator.ConfigureReceive(receive =>
            receive.UseFilter(new DeliveryDeadlineFilter(timeout, configurator.InputAddress.GetEndpointName()!, logger)));
}

/// <summary>
/// <see cref="RabbitMqOptions.DeliveryTimeout"/> must leave a delivery its whole retry schedule, and a minute to work in:
/// a deadline that cut the retries short would return the message to its queue for ever instead of letting it reach the
/// error queue.
/// </summary>
sealed class DeliveryTimeoutValidator(IOptions<SettlementOptions> settlement, IOptions<WalletOptions> wallet) : IValidateOptions<RabbitMqOptions>
{
    static readonly TimeSpan WorkingTime = TimeSpan.FromMinutes(1);

    public ValidateOptionsResult Validate(string? name, RabbitMqOptions options)
    {
        var schedules = new[]
        {
            (Setting: SettlementOptions.SectionName, Total: Sum(settlement.Value.RetryIntervals())),
            (Setting: WalletOptions.SectionName, Total: Sum(wallet.Value.RetryIntervals())),
        };
        var (setting, longest) = schedules.MaxBy(schedule => schedule.Total);
        return options.DeliveryTimeout >= longest + WorkingTime
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{RabbitMqOptions.SectionName}:DeliveryTimeout is {options.DeliveryTimeout}: it must be at least {longest + WorkingTime}, " +
                $"the retry schedule of {setting} ({longest}, from {setting}:RetryLimit, InitialRetryInterval and MaxRetryInterval) plus {WorkingTime}.");
    }

    static TimeSpan Sum(IEnumerable<TimeSpan> intervals) => intervals.Aggregate(TimeSpan.Zero, (total, interval) => total + interval);
}
