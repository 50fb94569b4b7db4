namespace Settlement.Contracts;

/// <summary>
/// An operator gives up on a Suspended trade: the saga reverses its pending leg (so a later replay of its dead letter is
/// refused) and every applied leg, last first, and ends the trade SETTLEMENT_FAILED. Ignored in any other state.
/// </summary>
public record AbortSettlement
{
    public Guid TradeId { get; init; }

    /// <summary>Why, for the record and the log.</summary>
    public string Reason { get; init; } = string.Empty;
}
