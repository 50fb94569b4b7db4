namespace Settlement.Contracts;

/// <summary>
/// The reversal <see cref="OperationId"/> of <see cref="OriginalOperationId"/> is done. <see cref="Amount"/> is the signed
/// change it posted to the account; zero when the original was never applied (it is then marked, and refused if it arrives).
/// </summary>
public record OperationReversed
{
    public Guid OperationId { get; init; }
    public Guid OriginalOperationId { get; init; }
    public Guid TradeId { get; init; }
    public decimal Amount { get; init; }

    /// <summary>How many times the wallet retried this delivery after transient faults before it answered.</summary>
    public int RetryAttempts { get; init; }
}
