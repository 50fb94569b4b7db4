using Settlement.Contracts;

namespace Settlement.Host.Api;

/// <summary>
/// The body of <c>POST /api/trades</c>: the fields of <see cref="TradeExecuted"/>. <see cref="TradeId"/> and
/// <see cref="ExecutedAt"/> may be left out (a new id; now), and <see cref="IsBuyerMaker"/> (false); the rest are required.
/// </summary>
public sealed record TradeRequest(
    Guid? TradeId,
    string? Symbol,
    Guid? BuyerUserId,
    Guid? SellerUserId,
    decimal? Price,
    decimal? Quantity,
    decimal? BuyerFee,
    decimal? SellerFee,
    bool? IsBuyerMaker,
    DateTimeOffset? ExecutedAt)
{
    /// <summary>What is missing or unusable before the trade's own rules are applied; null when nothing is.</summary>
    public string? Problem() =>
        ApiProblems.MissingFields(("symbol", Symbol), ("buyerUserId", BuyerUserId), ("sellerUserId", SellerUserId), ("price", Price),
            ("quantity", Quantity), ("buyerFee", BuyerFee), ("sellerFee", SellerFee))
        ?? (TradeId == Guid.Empty ? "tradeId is the empty GUID: send a new GUID, or none to have one generated." : null);

    /// <summary>The event to publish; call only when <see cref="Problem"/> is null.</summary>
    public TradeExecuted ToTrade(DateTimeOffset now) => new()
    {
        TradeId = TradeId ?? Guid.NewGuid(),
        Symbol = Symbol!,
        BuyerUserId = BuyerUserId!.Value,
        SellerUserId = SellerUserId!.Value,
        Price = Price!.Value,
        Quantity = Quantity!.Value,
        BuyerFee = BuyerFee!.Value,
        SellerFee = SellerFee!.Value,
        IsBuyerMaker = IsBuyerMaker ?? false,
        ExecutedAt = ExecutedAt ?? now,
    };
}
