namespace Settlement.Simulator.Watching;

/// <summary>What <c>watch</c> reads of a trade's settlement record.</summary>
public sealed record SettlementRow(Guid TradeId, string State, DateTimeOffset ExecutedAt, DateTimeOffset? SettledAt)
{
    public const string Settled = "Settled";
    public const string RolledBack = "RolledBack";
    public const string Rejected = "Rejected";
    public const string Suspended = "Suspended";
    public const string CompensationFailed = "CompensationFailed";

    /// <summary>
    /// States a trade stays in without outside help: settled, failed for good, or Suspended (its command waits in the
    /// dead-letter queue for an operator).
    /// </summary>
    public bool IsTerminal => State is Settled or RolledBack or Rejected or Suspended or CompensationFailed;
}
