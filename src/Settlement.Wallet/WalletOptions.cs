using Microsoft.Extensions.Options;

namespace Settlement.Wallet;

/// <summary>The wallet's settings, bound from the configuration section <see cref="SectionName"/> and validated at start.</summary>
public sealed class WalletOptions
{
    public const string SectionName = "Wallet";

    /// <summary>Npgsql connection string of the database holding the <c>wallet</c> schema.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>How many times a command that hit a transient fault is retried before it goes to <c>wallet_error</c>.</summary>
    public int RetryLimit { get; set; } = 3;

    /// <summary>The wait before the first retry; each next wait doubles, up to <see cref="MaxRetryInterval"/>.</summary>
    public TimeSpan InitialRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many commands the <c>wallet</c> endpoint handles at once (each holds one database connection).</summary>
    public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>How many messages the broker hands the endpoint ahead; at least <see cref="ConcurrentMessageLimit"/>.</summary>
    public int PrefetchCount { get; set; } = 32;

    /// <summary>
    /// How long an operation waits for a row another transaction holds (a busy account) before it fails with a
    /// transient fault and is retried.
    /// </summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Chaos testing only: the share (0 to 1) of wallet deliveries failed on purpose with a transient fault, half before
    /// and half after the command is handled. 0, the default, injects nothing; never set it in production.
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
        if (options.ConcurrentMessageLimit < 1)
            problems.Add($"{nameof(WalletOptions.ConcurrentMessageLimit)} must be at least 1.");
        if (options.PrefetchCount < options.ConcurrentMessageLimit)
            problems.Add($"{nameof(WalletOptions.PrefetchCount)} must be at least {nameof(WalletOptions.ConcurrentMessageLimit)}.");
        if (options.InjectedFaultRate is < 0 or > 1 || double.IsNaN(options.InjectedFaultRate))
            problems.Add($"{nameof(WalletOptions.InjectedFaultRate)} must be between 0 and 1.");
        if (options.LockTimeout <= TimeSpan.Zero)
            problems.Add($"{nameof(WalletOptions.LockTimeout)} must be positive (zero would wait forever).");

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
