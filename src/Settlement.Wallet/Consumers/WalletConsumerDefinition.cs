using MassTransit;
using Microsoft.Extensions.Options;

namespace Settlement.Wallet.Consumers;

/// <summary>
/// The <c>wallet</c> receive endpoint. Its commands are consumed one by one and applied in batches that form by themselves
/// (<see cref="CommandBatches"/>): up to <see cref="WalletOptions.BatchConcurrencyLimit"/> transactions per command type
/// at once, each with up to <see cref="WalletOptions.BatchMessageLimit"/> commands. A command holds its message until it
/// is answered; the endpoint's prefetch and concurrent message limit are <see cref="WalletOptions.MessagesInFlight"/>,
/// which also bounds the commands a batch can gather.
/// <para>
/// A transient fault (<see cref="TransientFaults"/>) is retried for each message on its own, at
/// <see cref="WalletOptions.RetryIntervals"/>, into a later batch; anything else is not retried. When a command still
/// fails it goes to <c>wallet_error</c> with its retry count in <c>MT-Fault-RetryCount</c>, and its sender gets its
/// <c>Fault&lt;T&gt;</c>.
/// </para>
/// <para>
/// No outbox: the consumer answers only after its batch committed. A fault after the commit (the answer could not be
/// sent) retries the command, which answers again from the stored outcome; the saga ignores the duplicate answer.
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
        consumerConfigurator.UseMessageRetry(retry =>
        {
            retry.Intervals(_options.RetryIntervals());
            retry.Handle<Exception>(TransientFaults.IsTransient);
        });
    }
}
