namespace Settlement.Wallet.Consumers;

/// <summary>
/// A transient fault made on purpose (<see cref="WalletOptions.InjectedFaultRate"/>). It is a
/// <see cref="TimeoutException"/>, so the batch is retried exactly as it is after a real timeout.
/// </summary>
public sealed class InjectedTransientFault(string message) : TimeoutException(message);

/// <summary>Where a batch fails on purpose, if it does.</summary>
enum InjectedFault
{
    None,

    /// <summary>Before the batch is applied: nothing was done.</summary>
    BeforeApply,

    /// <summary>
    /// After the batch committed, before its answers are sent: the case where only each operation id's idempotency keeps
    /// the retry from applying a change twice.
    /// </summary>
    AfterCommit,
}

/// <summary>Chaos testing only: rolls once per batch whether and where it fails, half of the faults on each side of the commit.</summary>
static class InjectedFaults
{
    public static InjectedFault Roll(double rate)
    {
        if (rate <= 0)
            return InjectedFault.None;

        var roll = Random.Shared.NextDouble();
        return roll < rate / 2 ? InjectedFault.BeforeApply : roll < rate ? InjectedFault.AfterCommit : InjectedFault.None;
    }

    /// <summary>Throws <see cref="InjectedTransientFault"/> when <paramref name="rolled"/> is <paramref name="here"/>.</summary>
    public static void ThrowIf(this InjectedFault rolled, InjectedFault here)
    {
        if (rolled != here || here is InjectedFault.None)
            return;

        throw new InjectedTransientFault(here is InjectedFault.BeforeApply
            ? "Injected transient fault before the wallet applied the batch"
            : "Injected transient fault after the wallet committed the batch, before its answers were sent");
    }
}
