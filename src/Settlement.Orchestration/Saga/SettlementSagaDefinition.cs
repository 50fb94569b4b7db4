using System.Runtime.Serialization;
using System.Text.Json;
using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Settlement.Orchestration.Configuration;

namespace Settlement.Orchestration.Saga;

/// <summary>The saga's receive endpoint: its queue name, retry policy, outbox and concurrency.</summary>
public sealed class SettlementSagaDefinition : SagaDefinition<SettlementState>
{
    readonly SettlementOptions _options;

    public SettlementSagaDefinition(IOptions<SettlementOptions> options)
    {
        _options = options.Value;
        Endpoint(e => e.Name = _options.QueueName);
        ConcurrentMessageLimit = _options.ConcurrentMessageLimit;
    }

    protected override void ConfigureSaga(
        IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<SettlementState> sagaConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = _options.PrefetchCount;

        // Transient faults (the database restarting, a lost connection, a concurrent update) are retried 1 s, 2 s, 4 s by
        // default; what still fails goes to the settlement_error queue. A message that can never be settled is not retried:
        // neither a trade with an empty id nor one whose fields cannot be read (a bad GUID, an amount like 1e30), which
        // System.Text.Json reports as a JsonException when the saga asks for the message, and MassTransit as a
        // SerializationException when the body or envelope itself is unreadable.
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Intervals(_options.RetryIntervals());
            r.Ignore<InvalidTradeException>();
            r.Ignore<JsonException>();
            r.Ignore<SerializationException>();
        });

        // A TradeExecuted published as plain application/json, without MassTransit's envelope, is settled like one in it.
        endpointConfigurator.AddDeserializer(new RawTradeExecutedDeserializer());

        // A message no one here consumes (another message type published to the TradeExecuted exchange) goes to
        // settlement_skipped, as MassTransit does by default; MassTransit logs that at Debug only, so say it at Warning.
        var logger = context.GetRequiredService<ILogger<SettlementSagaDefinition>>();
        endpointConfigurator.ConfigureDeadLetter(deadLetter =>
        {
            deadLetter.UseExecute(receive => logger.LogWarning(
                "Message {MessageId} ({ContentType}) on {InputAddress} has no consumer here: moved to the _skipped queue",
                receive.GetMessageId(), receive.ContentType?.MediaType,
                receive.InputAddress));
            deadLetter.UseFilter(new DeadLetterTransportFilter());
        });

        // Wallet commands and events leave only after the saga's new state has committed.
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
