using Settlement.Contracts;

namespace Settlement.Wallet.Ledger;

/// <summary>The answer to a wallet operation: applied (<see cref="Error"/> null) or refused, and what it did.</summary>
public sealed record WalletOutcome
{
    public Guid OperationId { get; init; }

    /// <summary>Null only for an operation refused because a reversal marked it before it arrived.</summary>
    public OperationKind? Kind { get; init; }

    public Guid? TradeId { get; init; }
    public Guid UserId { get; init; }
    public string Currency { get; init; } = string.Empty;

    /// <summary>For a reversal, the operation it undoes.</summary>
    public Guid? OriginalOperationId { get; init; }

    /// <summary>The signed change posted to the account: negative for a debit, zero when nothing was posted.</summary>
    public decimal Change { get; init; }

    /// <summary>The account's available balance right after the operation (zero when nothing was posted).</summary>
    public decimal BalanceAfter { get; init; }

    /// <summary>Why the operation was refused; null when it was applied.</summary>
    public WalletErrorCode? Error { get; init; }

    /// <summary>A human-readable reason for a refusal or a no-op reversal.</summary>
    public string Message { get; init; } = string.Empty;

    public bool IsApplied => Error is null;
}
