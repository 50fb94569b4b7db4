namespace Settlement.Contracts;

/// <summary>
/// Undo the debit or credit <see cref="OriginalOperationId"/> by posting the opposite entry, exactly once.
/// If the original has not arrived yet, the wallet marks it so that it is refused when it does
/// (<see cref="WalletErrorCode.OperationReversed"/>). Answered by <see cref="OperationReversed"/> or
/// <see cref="WalletOperationRejected"/> (a reversal of a credit whose money was already spent is refused with
/// <see cref="WalletErrorCode.InsufficientBalance"/>).
/// </summary>
public record ReverseOperation
{
    /// <summary>Idempotency key of the reversal itself.</summary>
    public Guid OperationId { get; init; }

    public Guid OriginalOperationId { get; init; }
    public Guid TradeId { get; init; }
}
