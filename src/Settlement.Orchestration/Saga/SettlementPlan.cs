using Settlement.Contracts;

namespace Settlement.Orchestration.Saga;

/// <summary>What each leg of a trade moves, derived from the trade alone, with exact decimal arithmetic.</summary>
public static class SettlementPlan
{
    public static readonly IReadOnlyList<SettlementLeg> Order =
    [
        SettlementLeg.BuyerDebit,
        SettlementLeg.BuyerCredit,
        SettlementLeg.SellerDebit,
        SettlementLeg.SellerCredit,
        SettlementLeg.FeeCollection,
    ];

    public static decimal Notional(SettlementState trade) => TradeValidation.Normalize(trade.Price * trade.Quantity);

    public static LegInstruction Leg(SettlementState trade, SettlementLeg leg)
    {
        var operationId = OperationIds.For(trade.CorrelationId, leg);
        LegInstruction instruction = leg switch
        {
            SettlementLeg.BuyerDebit => new(leg, operationId, trade.BuyerUserId, trade.QuoteCurrency,
                Notional(trade) + trade.BuyerFee, IsDebit: true, LedgerReason.TradeSettlement),
            SettlementLeg.BuyerCredit => new(leg, operationId, trade.BuyerUserId, trade.BaseCurrency,
                trade.Quantity, IsDebit: false, LedgerReason.TradeSettlement),
            SettlementLeg.SellerDebit => new(leg, operationId, trade.SellerUserId, trade.BaseCurrency,
                trade.Quantity, IsDebit: true, LedgerReason.TradeSettlement),
            SettlementLeg.SellerCredit => new(leg, operationId, trade.SellerUserId, trade.QuoteCurrency,
                Notional(trade) - trade.SellerFee, IsDebit: false, LedgerReason.TradeSettlement),
            SettlementLeg.FeeCollection => new(leg, operationId, trade.FeeWalletUserId, trade.QuoteCurrency,
                trade.BuyerFee + trade.SellerFee, IsDebit: false, LedgerReason.FeeCollection),
            _ => throw new ArgumentOutOfRangeException(nameof(leg), leg, "Unknown settlement leg"),
        };
        return instruction with { Amount = TradeValidation.Normalize(instruction.Amount) };
    }

    /// <summary>The first leg after <paramref name="completed"/> (or the first leg) that moves money; null when none is left.</summary>
    public static SettlementLeg? NextLeg(SettlementState trade, SettlementLeg? completed)
    {
        var start = completed is null ? 0 : Order.ToList().IndexOf(completed.Value) + 1;
        return Order.Skip(start).Cast<SettlementLeg?>()
            .FirstOrDefault(leg => Leg(trade, leg!.Value).Amount != 0);
    }
}
