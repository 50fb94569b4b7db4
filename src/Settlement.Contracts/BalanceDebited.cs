namespace Settlement.Contracts;

/// <summary>The debit <see cref="OperationId"/> is applied (now, or on an earlier delivery of the same operation).</summary>
public record BalanceDebited
{
    public Guid OperationId { get; init; }
    public Guid TradeId { get; init; }
    public Guid UserId { get; init; }
    public string Currency { get; init; } = string.Empty;
    public decimal Amount { get; init; }
    public decimal BalanceAfter { get; init; }

    /// <summary>How many times the wallet retried this delivery after transient faults before it answered.</summary>
    public int RetryAttempts { get; init; }
}
