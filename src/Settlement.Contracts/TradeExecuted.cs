namespace Settlement.Contracts;

/// <summary>
/// Published by the matching engine for every fill. Starts one settlement saga, correlated by <see cref="TradeId"/>.
/// </summary>
public record TradeExecuted
{
    public Guid TradeId { get; init; }

    /// <summary><c>BASE/QUOTE</c>, for example <c>BTC/USDT</c>.</summary>
    public string Symbol { get; init; } = string.Empty;

    public Guid BuyerUserId { get; init; }
    public Guid SellerUserId { get; init; }

    /// <summary>Quote currency per unit of base currency.</summary>
    public decimal Price { get; init; }

    /// <summary>Base currency units traded.</summary>
    public decimal Quantity { get; init; }

    /// <summary>Fee the buyer pays, in the quote currency.</summary>
    public decimal BuyerFee { get; init; }

    /// <summary>Fee the seller pays, in the quote currency.</summary>
    public decimal SellerFee { get; init; }

    public bool IsBuyerMaker { get; init; }
    public DateTimeOffset ExecutedAt { get; init; }
}
