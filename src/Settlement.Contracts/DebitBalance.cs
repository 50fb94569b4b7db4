namespace Settlement.Contracts;

/// <summary>
/// Take <see cref="Amount"/> from the account (<see cref="UserId"/>, <see cref="Currency"/>).
/// Answered by <see cref="BalanceDebited"/> or <see cref="WalletOperationRejected"/>.
/// </summary>
public record DebitBalance
{
    /// <summary>Idempotency key: the same id on every retry and replay of this operation.</summary>
    public Guid OperationId { get; init; }

    public Guid TradeId { get; init; }
    public Guid UserId { get; init; }
    public string Currency { get; init; } = string.Empty;

    /// <summary>Positive, at most 18 decimal places.</summary>
    public decimal Amount { get; init; }

    public LedgerReason Reason { get; init; }
}
