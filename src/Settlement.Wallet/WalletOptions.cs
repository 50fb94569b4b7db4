using Microsoft.Extensions.Options;

namespace Settlement.Wallet;

/// <summary>The wallet's settings, bound from the configuration section <see cref="SectionName"/> and validated at start.</summary>
public sealed class WalletOptions
{
    public const string SectionName = "Wallet";

    /// <summary>Npgsql connection string of the database holding the <c>wallet</c> schema.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// How many times a batch that hit a transient fault is retried, whole, before each of its commands goes to
    /// <c>wallet_error</c>.
    /// </summary>
    public int RetryLimit { get; set; } = 3;

    /// <summary>The wait before the first retry; each next wait doubles, up to <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan InitialRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most commands of one type (debits, credits, deposits or reversals) applied together in one transaction. A
    /// batch takes the commands that queued while the transactions before it ran: there is no timer to wait for. What
    /// queues is also bounded by <see cref="MessagesInFlight"/>.
    /// </summary>
    public int BatchMessageLimit { get; set; } = 100;

    /// <summary>
    /// How many transactions of one command type run at once, each on its own connection. A command that finds one of
    /// them free is applied at once; the others queue for the next transaction to finish, which takes them all. Few
    /// transactions make large batches under load (2 settled 126-144 trades/s at 12-14 ms of CPU per trade, 8 only 95 at
    /// 18: many small transactions, queued on the fee wallet's row); two keep a type moving while one waits on a lock. A
    /// transient fault holds no transaction while it waits for its retry: each command waits on its own.
    /// </summary>
    public int BatchConcurrencyLimit { get; set; } = 2;

    /// <summary>
    /// The messages the <c>wallet</c> endpoint takes from the broker and holds at once (its prefetch and concurrent
    /// message limit). A command holds its message until it is answered, so this also bounds what a batch can gather:
    /// the default, 800, lets each of the 4 command types have 2 batches of 100 in hand. Each of these is also a
    /// RabbitMQ.Client dispatch loop (MassTransit sets the channel's dispatch concurrency to this limit), and every
    /// delivery wakes every idle loop: at 50 trades/s, 64 cut the host's CPU by about 15 % against 800
    /// (docs/performance.md); the end-to-end figures did not yet tell the two apart, so the default stays.
    /// </summary>
    public int MessagesInFlight { get; set; } = 800;

    /// <summary>DebitBalance, CreditBalance, ReverseOperation and DepositFunds.</summary>
    internal const int BatchedCommandTypes = 4;

    /// <summary>
    /// How long an operation waits for a row another transaction holds (a busy account) before it fails with a
    /// transient fault and is retried.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Chaos testing only: the share (0 to 1) of wallet batches failed on purpose with a transient fault, half before
    /// the batch is applied and half after it committed, before its answers are sent. 0, the default, injects nothing;
    /// never set it in production.
    /// </summary>
    public double InjectedFaultRate { get; set; }

    /// <summary>The waits before each retry: <see cref="InitialRetryInterval"/> × 2^n, capped at <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan[] RetryIntervals() =>
        [.. Enumerable.Range(0, RetryLimit).Select(n => InitialRetryInterval * Math.Pow(2, n)).Select(i => i < MaxRetryInterval ? i : MaxRetryInterval)];
}

/// <summary>Refuses <see cref="WalletOptions"/> the wallet cannot run with, naming each problem.</summary>
sealed class WalletOptionsValidator : IValidateOptions<WalletOptions>
{
    public const int MaxRetryLimit = 10;

    public const int MaxBatchMessageLimit = 1_000;
    public const int MaxBatchConcurrencyLimit = 16;

    /// <summary>RabbitMQ's largest prefetch count.</summary>
    public const int MaxMessagesInFlight = ushort.MaxValue;

    public ValidateOptionsResult Validate(string? name, WalletOptions options)
    {
        List<string> problems = [];
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            problems.Add($"{nameof(WalletOptions.ConnectionString)} is empty.");
        if (options.RetryLimit is < 0 or > MaxRetryLimit)
            problems.Add($"{nameof(WalletOptions.RetryLimit)} must be between 0 and {MaxRetryLimit}.");
        if (options.InitialRetryInterval <= TimeSpan.Zero)
            problems.Add($"{nameof(WalletOptions.InitialRetryInterval)} must be positive.");
        if (options.MaxRetryInterval < options.InitialRetryInterval)
            problems.Add($"{nameof(WalletOptions.MaxRetryInterval)} must be at least {nameof(WalletOptions.InitialRetryInterval)}.");
        if (options.BatchMessageLimit is < 1 or > MaxBatchMessageLimit)
            problems.Add($"{nameof(WalletOptions.BatchMessageLimit)} must be between 1 and {MaxBatchMessageLimit}.");
        if (options.BatchConcurrencyLimit is < 1 or > MaxBatchConcurrencyLimit)
            problems.Add($"{nameof(WalletOptions.BatchConcurrencyLimit)} must be between 1 and {MaxBatchConcurrencyLimit}.");
        // At least one message of each command type at once.
        if (options.MessagesInFlight is < WalletOptions.BatchedCommandTypes or > MaxMessagesInFlight)
            problems.Add($"{nameof(WalletOptions.MessagesInFlight)} must be between {WalletOptions.BatchedCommandTypes} and {MaxMessagesInFlight}.");
        if (options.InjectedFaultRate is < 0 or > 1 || double.IsNaN(options.InjectedFaultRate))
            problems.Add($"{nameof(WalletOptions.InjectedFaultRate)} must be between 0 and 1.");
        if (options.LockTimeout <= TimeSpan.Zero)
            problems.Add($"{nameof(WalletOptions.LockTimeout)} must be positive (zero would wait forever).");

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
