using Settlement.Contracts;

namespace Settlement.Wallet.Ledger;

/// <summary>What a wallet operation is.</summary>
public enum OperationKind
{
    Debit,
    Credit,
    Deposit,
    Reversal,
}

enum OperationStatus
{
    /// <summary>Claimed by a transaction that has not finished; never seen once committed.</summary>
    Pending,
    Applied,
    Refused,
}

/// <summary>
/// A row of <c>wallet.operations</c>: the request an operation id was first used for and the answer it got.
/// <see cref="Kind"/> is null for a mark left by a reversal that arrived before the operation.
/// </summary>
sealed record OperationRecord
{
    public Guid OperationId { get; init; }
    public OperationKind? Kind { get; init; }
    public Guid? TradeId { get; init; }
    public Guid? UserId { get; init; }
    public string? Currency { get; init; }
    public decimal? Amount { get; init; }
    public LedgerReason? Reason { get; init; }
    public Guid? OriginalOperationId { get; init; }
    public OperationStatus Status { get; init; }
    public WalletErrorCode? ErrorCode { get; init; }
    public string? Message { get; init; }
    public decimal? Change { get; init; }
    public decimal? BalanceAfter { get; init; }
    public Guid? ReversedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>True when <paramref name="request"/> asks for the same thing this operation id was first used for.</summary>
    public bool IsSameRequestAs(OperationRecord request) =>
        Kind == request.Kind && TradeId == request.TradeId && UserId == request.UserId && Currency == request.Currency
        && Amount == request.Amount && Reason == request.Reason && OriginalOperationId == request.OriginalOperationId;

    public string Describe() => Kind is OperationKind.Reversal
        ? $"a reversal of operation {OriginalOperationId}"
        : $"a {Kind} of {Amount} {Currency} for user {UserId}";

    public OperationRecord Refused(WalletErrorCode code, string message) =>
        this with { Status = OperationStatus.Refused, ErrorCode = code, Message = message };

    public OperationRecord Applied(decimal change, decimal balanceAfter, string? message = null) =>
        this with { Status = OperationStatus.Applied, Change = change, BalanceAfter = balanceAfter, Message = message };

    /// <summary>The stored answer, given again to a later delivery of the same operation.</summary>
    public WalletOutcome ToOutcome() => new()
    {
        OperationId = OperationId,
        Kind = Kind,
        TradeId = TradeId,
        UserId = UserId ?? Guid.Empty,
        Currency = Currency ?? string.Empty,
        OriginalOperationId = OriginalOperationId,
        Change = Change ?? 0m,
        BalanceAfter = BalanceAfter ?? 0m,
        Error = ErrorCode,
        Message = Message ?? string.Empty,
    };
}
