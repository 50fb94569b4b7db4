using Settlement.Contracts;

namespace Settlement.Wallet.Ledger;

/// <summary>One posting to an account (table <c>wallet.ledger_entries</c>, append-only).</summary>
public sealed record LedgerEntry
{
    /// <summary>Increasing in posting order.</summary>
    public long EntryId { get; init; }

    /// <summary>The operation that posted it; at most one entry per operation.</summary>
    public Guid OperationId { get; init; }

    /// <summary>Null for deposits.</summary>
    public Guid? TradeId { get; init; }

    public Guid UserId { get; init; }
    public string Currency { get; init; } = string.Empty;

    /// <summary>Signed: a credit is positive, a debit negative.</summary>
    public decimal Amount { get; init; }

    public LedgerReason Reason { get; init; }

    /// <summary>The account's available balance right after this entry.</summary>
    public decimal BalanceAfter { get; init; }

    public DateTimeOffset CreatedAt { get; init; }
}
