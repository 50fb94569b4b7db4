namespace Settlement.Contracts;

/// <summary>
/// The wallet refused operation <see cref="OperationId"/> and changed nothing. The refusal is permanent and recorded:
/// the same operation id gets the same answer again.
/// </summary>
public record WalletOperationRejected
{
    public Guid OperationId { get; init; }

    /// <summary>The trade the operation belongs to; null for deposits.</summary>
    public Guid? TradeId { get; init; }

    public WalletErrorCode Code { get; init; }
    public string Message { get; init; } = string.Empty;

    /// <summary>How many times the wallet retried this delivery after transient faults before it answered.</summary>
    public int RetryAttempts { get; init; }
}
