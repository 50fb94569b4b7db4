using MassTransit;
using Microsoft.Extensions.Options;

namespace Settlement.Wallet.Consumers;

/// <summary>
/// The <c>wallet</c> receive endpoint: its name, prefetch and concurrency, the retry of transient faults
/// (intervals from <see cref="WalletOptions.RetryIntervals"/>; anything else is not retried), and the in-memory outbox
/// that holds each answer until the command has been handled. A command still failing after its retries goes to
/// <c>wallet_error</c>, MassTransit's default, with its retry count in the <c>MT-Fault-RetryCount</c> header.
/// With <see cref="WalletOptions.InjectedFaultRate"/> set (chaos runs only), faults are injected inside the outbox.
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
            endpoint.PrefetchCount = _options.PrefetchCount;
            endpoint.ConcurrentMessageLimit = _options.ConcurrentMessageLimit;
        });
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<WalletConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Intervals(_options.RetryIntervals());
            retry.Handle<Exception>(TransientFaults.IsTransient);
        });
        endpointConfigurator.UseInMemoryOutbox(context);
        if (_options.InjectedFaultRate > 0)
            consumerConfigurator.UseFilter(new InjectedFaultFilter(_options.InjectedFaultRate));
    }
}
