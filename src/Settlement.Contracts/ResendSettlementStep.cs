namespace Settlement.Contracts;

/// <summary>
/// Sent by the stuck-saga sweeper for a trade that waited longer than the step timeout: the saga sends its current wallet
/// command again. Safe at any time: the wallet applies an operation id once. Ignored when the trade waits for nothing.
/// </summary>
public record ResendSettlementStep
{
    public Guid TradeId { get; init; }
}
