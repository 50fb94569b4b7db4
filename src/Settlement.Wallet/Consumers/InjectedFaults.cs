using MassTransit;

namespace Settlement.Wallet.Consumers;

/// <summary>
/// A transient fault made on purpose by <see cref="InjectedFaultFilter"/> (<see cref="WalletOptions.InjectedFaultRate"/>).
/// It is a <see cref="TimeoutException"/>, so the endpoint retries it exactly as it retries a real timeout.
/// </summary>
public sealed class InjectedTransientFault(string message) : TimeoutException(message);

/// <summary>
/// Chaos testing only: fails a share of the wallet's deliveries with <see cref="InjectedTransientFault"/>. Half of them
/// fail before the command is handled (nothing done), half after it was handled and committed but before its answer
/// leaves the in-memory outbox, the case where only the operation id's idempotency keeps a retry from applying the
/// change twice. A consumer filter, it runs inside the retry and the outbox (both applied per message type, around the
/// consumer), so every injected fault is retried like a real one.
/// </summary>
sealed class InjectedFaultFilter(double rate) : IFilter<ConsumerConsumeContext<WalletConsumer>>
{
    public async Task Send(ConsumerConsumeContext<WalletConsumer> context, IPipe<ConsumerConsumeContext<WalletConsumer>> next)
    {
        var roll = Random.Shared.NextDouble();
        if (roll < rate / 2)
            throw new InjectedTransientFault("Injected transient fault before the wallet handled the command");

        await next.Send(context);

        if (roll < rate)
            throw new InjectedTransientFault("Injected transient fault after the wallet handled the command, before its answer was sent");
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("injectedFaults").Add("rate", rate);
}
