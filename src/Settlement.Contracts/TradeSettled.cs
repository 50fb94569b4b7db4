namespace Settlement.Contracts;

/// <summary>Published when a trade's four balance legs are done. <see cref="FeeCollected"/> is false when the fee leg was refused.</summary>
public record TradeSettled
{
    public Guid TradeId { get; init; }
    public DateTimeOffset SettledAt { get; init; }
    public bool FeeCollected { get; init; }
}
