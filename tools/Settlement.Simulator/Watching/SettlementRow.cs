namespace Settlement.Simulator.Watching;

/// <summary>
/// What <c>watch</c> reads of a trade's settlement record. <see cref="UpdatedAt"/> is when the record last changed: for a
/// rolled-back trade, when its last reversal was recorded.
/// </summary>
public sealed record SettlementRow(Guid TradeId, string State, DateTimeOffset ExecutedAt, DateTimeOffset? SettledAt, DateTimeOffset UpdatedAt)
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
