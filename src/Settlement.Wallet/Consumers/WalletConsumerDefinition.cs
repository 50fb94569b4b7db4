using MassTransit;
using Microsoft.Extensions.Options;

namespace Settlement.Wallet.Consumers;

/// <summary>
/// The <c>wallet</c> receive endpoint and its batches. Debits, credits, deposits and reversals are collected per type
/// into batches of up to <see cref="WalletOptions.BatchMessageLimit"/> commands, each delivered when full or
/// <see cref="WalletOptions.BatchTimeLimit"/> after its first command, <see cref="WalletOptions.BatchConcurrencyLimit"/>
/// batches of a type at once. A batch holds each of its messages until the batch is answered, so the endpoint's prefetch
/// and concurrent message limit are <see cref="WalletOptions.MessagesInFlight"/>: with less, no batch could fill.
/// <para>
/// The retry is the consumer's, not the endpoint's: on a batch consumer it wraps the <c>Batch&lt;T&gt;</c>, so a
/// transient fault (<see cref="TransientFaults"/>) retries the whole batch at <see cref="WalletOptions.RetryIntervals"/>,
/// and anything else is not retried. An endpoint retry would also wrap each message of the batch, retrying every message
/// again on its own once the batch's retries are spent. When the batch still fails, MassTransit fails each of its
/// messages: each goes to <c>wallet_error</c> with the batch's retry count in <c>MT-Fault-RetryCount</c>, and each
/// sender gets its <c>Fault&lt;T&gt;</c>.
/// </para>
/// <para>
/// No outbox: the consumer answers only after the batch committed. A fault after the commit (the answers could not all
/// be sent) retries the batch, which answers again from the stored outcomes; the saga ignores the duplicate answers.
/// </para>
/// </summary>
public sealed class WalletConsumerDefinition : ConsumerDefinition<WalletConsumer>
{
    readonly WalletOptions _options;

    public WalletConsumerDefinition(IOptions<WalletOptions> options)
    {
        _options = options.Value;
        Endpoint(endpoint =>
        {
            endpoint.Name = WalletEndpoint.Name;
            endpoint.PrefetchCount = _options.MessagesInFlight;
            endpoint.ConcurrentMessageLimit = _options.MessagesInFlight;
        });
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<WalletConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.Options<BatchOptions>(batch => batch
            .SetMessageLimit(_options.BatchMessageLimit)
            .SetTimeLimit(_options.BatchTimeLimit)
            .SetTimeLimitStart(BatchTimeLimitStart.FromFirst)
            .SetConcurrencyLimit(_options.BatchConcurrencyLimit));
        consumerConfigurator.UseMessageRetry(retry =>
        {
            retry.Intervals(_options.RetryIntervals());
            retry.Handle<Exception>(TransientFaults.IsTransient);
        });
    }
}
