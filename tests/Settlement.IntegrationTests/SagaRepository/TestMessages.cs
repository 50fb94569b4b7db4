namespace Settlement.IntegrationTests.SagaRepository;

// Messages of RepositoryTestMachine only: the real contracts belong to the real state machine.

public record StartTestSettlement
{
    public Guid TradeId { get; init; }
    public string Symbol { get; init; } = "BTC/USDT";
    public decimal Price { get; init; }
    public decimal Quantity { get; init; }
    public DateTimeOffset ExecutedAt { get; init; }

    /// <summary>How long the saga keeps its transaction open after publishing <see cref="TestSettlementStarted"/>.</summary>
    public TimeSpan HoldTransaction { get; init; }
}

public record TestSettlementStarted
{
    public Guid TradeId { get; init; }
}

public record RecordTestLeg
{
    public Guid TradeId { get; init; }
    public string Leg { get; init; } = string.Empty;
}

public record CountTestRetry
{
    public Guid TradeId { get; init; }
}

public record FinishTestSettlement
{
    public Guid TradeId { get; init; }
}

/// <summary>Correlated by <see cref="Symbol"/>: every started record of that symbol records the leg <c>halted</c>.</summary>
public record HaltTestSymbol
{
    public string Symbol { get; init; } = string.Empty;
}
