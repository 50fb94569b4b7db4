namespace Settlement.Contracts;

/// <summary>Why a ledger entry was posted. Serialized as its name.</summary>
public enum LedgerReason
{
    TradeSettlement,
    FeeCollection,
    SettlementRollback,
    Deposit,
}
