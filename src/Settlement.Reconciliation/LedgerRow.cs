namespace Settlement.Reconciliation;

/// <summary>One ledger entry with what its operation says about it (kind, and for a reversal the operation it undoes).</summary>
public sealed record LedgerRow(
    Guid? TradeId,
    Guid OperationId,
    Guid UserId,
    string Currency,
    Amount Amount,
    string Reason,
    string? Kind,
    Guid? OriginalOperationId)
{
    public bool IsReversal => Kind == "Reversal";
}
