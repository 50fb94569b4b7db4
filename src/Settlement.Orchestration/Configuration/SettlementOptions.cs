using System.ComponentModel.DataAnnotations;

namespace Settlement.Orchestration.Configuration;

/// <summary>Settings of the settlement saga, bound from the configuration section <c>Settlement</c>.</summary>
public sealed class SettlementOptions
{
    public const string SectionName = "Settlement";

    /// <summary>The exchange's fee wallet: receives buyer fee + seller fee of every trade.</summary>
    public Guid FeeWalletUserId { get; set; } = new("00000000-0000-0000-0000-000000000001");

    /// <summary>The queue of the wallet service's commands.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9._-]*$", ErrorMessage = "WalletQueue must be a kebab-case queue name")]
    public string WalletQueue { get; set; } = "wallet";

    /// <summary>The saga's receive endpoint (queue) name.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9._-]*$", ErrorMessage = "QueueName must be a kebab-case queue name")]
    public string QueueName { get; set; } = "settlement";

    /// <summary>
    /// The saga's second receive endpoint, for the wallet's answers (and faults) only: bound to no exchange, so in a burst
    /// the answers of trades in progress do not queue behind every new <c>TradeExecuted</c> on <see cref="QueueName"/>.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9._-]*$", ErrorMessage = "ReplyQueueName must be a kebab-case queue name")]
    public string ReplyQueueName { get; set; } = "settlement-replies";

    /// <summary>How many retries a failed delivery gets after transient faults, before it goes to the error queue.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 3;

    /// <summary>The first retry's delay; each next one doubles, up to <see cref="MaxRetryInterval"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan InitialRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages the saga endpoint processes at once (the seed's worker pool size).</summary>
    [Range(1, 1000)]
    public int ConcurrentMessageLimit { get; set; } = 10;

    /// <summary>Messages fetched ahead from the broker (the seed's job queue capacity).</summary>
    [Range(1, 10000)]
    public int PrefetchCount { get; set; } = 1000;

    /// <summary>A trade waiting longer than this for a wallet answer is stuck: the sweeper sends its command again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The retry delays: initial × 2^n, capped.</summary>
    public TimeSpan[] RetryIntervals() =>
        Enumerable.Range(0, RetryLimit)
            .Select(n => TimeSpan.FromTicks(Math.Min(InitialRetryInterval.Ticks * (1L << n), MaxRetryInterval.Ticks)))
            .ToArray();
}
