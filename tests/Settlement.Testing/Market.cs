using Settlement.Contracts;

namespace Settlement.Testing;

/// <summary>A market of its own per test: unique currency codes keep each test's books apart on a shared database.</summary>
public sealed class Market
{
    public string Base { get; } = "B" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    public string Quote { get; } = "Q" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    public string Symbol => $"{Base}/{Quote}";

    /// <summary>0.5 base at 50,000 quote: buyer pays 25,012.5, seller receives 24,975, fees 37.5.</summary>
    public TradeExecuted Trade(Guid buyer, Guid seller, decimal quantity = 0.5m) => new()
    {
        TradeId = Guid.NewGuid(),
        Symbol = Symbol,
        BuyerUserId = buyer,
        SellerUserId = seller,
        Price = 50_000m,
        Quantity = quantity,
        BuyerFee = 25m * quantity,
        SellerFee = 50m * quantity,
        ExecutedAt = DateTimeOffset.UtcNow,
    };
}
