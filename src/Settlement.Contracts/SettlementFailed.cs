namespace Settlement.Contracts;

/// <summary>
/// Published when a trade ends SETTLEMENT_FAILED: rejected as invalid, rolled back after a refusal, or stopped because a
/// reversal was itself refused (<see cref="State"/> is then <c>CompensationFailed</c> and an operator must act).
/// </summary>
public record SettlementFailed
{
    public Guid TradeId { get; init; }
    public string State { get; init; } = string.Empty;
    public string Reason { get; init; } = string.Empty;
}
