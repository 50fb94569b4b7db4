using Settlement.Contracts;
using Settlement.Orchestration.Saga;

namespace Settlement.UnitTests.Saga;

public static class Trades
{
    /// <summary>0.5 BTC at 50,000 USDT: the buyer pays 25,000 + 12.5 fee, the seller receives 25,000 − 25 fee.</summary>
    public static TradeExecuted BtcUsdt() => new()
    {
        TradeId = Guid.NewGuid(),
        Symbol = "BTC/USDT",
        BuyerUserId = Guid.NewGuid(),
        SellerUserId = Guid.NewGuid(),
        Price = 50_000m,
        Quantity = 0.5m,
        BuyerFee = 12.5m,
        SellerFee = 25m,
        IsBuyerMaker = false,
        ExecutedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>The settlement record of a BTC/USDT trade like <see cref="BtcUsdt"/>, in <paramref name="state"/>.</summary>
    public static SettlementState Record(string state) => new()
    {
        CorrelationId = Guid.NewGuid(),
        CurrentState = state,
        Symbol = "BTC/USDT",
        BaseCurrency = "BTC",
        QuoteCurrency = "USDT",
        BuyerUserId = Guid.NewGuid(),
        SellerUserId = Guid.NewGuid(),
        FeeWalletUserId = Guid.NewGuid(),
        Price = 50_000m,
        Quantity = 0.5m,
        BuyerFee = 12.5m,
        SellerFee = 25m,
    };

    public static Guid Op(this TradeExecuted trade, SettlementLeg leg) => OperationIds.For(trade.TradeId, leg);
    public static Guid ReversalOp(this TradeExecuted trade, SettlementLeg leg) => OperationIds.ReversalOf(trade.TradeId, leg);
}
