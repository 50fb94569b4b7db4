namespace Settlement.Orchestration.Saga;

/// <summary>The three statuses a trade's settlement record can have.</summary>
public static class SettlementStatus
{
    public const string Pending = "PENDING";
    public const string Settled = "SETTLED";
    public const string Failed = "SETTLEMENT_FAILED";
}
