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

    /// <summary>The command that undoes <paramref name="leg"/>: the wallet reverses its operation once.</summary>
    public static ReverseOperation ReversalOf(SettlementState trade, SettlementLeg leg) => new()
    {
        OperationId = OperationIds.ReversalOf(trade.CorrelationId, leg),
        OriginalOperationId = OperationIds.For(trade.CorrelationId, leg),
        TradeId = trade.CorrelationId,
    };

    /// <summary>Whether the trade is reversing its legs: compensating, or suspended while it was.</summary>
    public static bool IsCompensating(SettlementState trade) =>
        trade.CurrentState == nameof(SettlementStateMachine.Compensating) || trade.SuspendedFrom == nameof(SettlementStateMachine.Compensating);

    /// <summary>The command whose answer the trade waits for: the pending leg's, or its reversal while compensating.</summary>
    public static object AwaitedCommand(SettlementState trade, SettlementLeg pending) => IsCompensating(trade)
        ? ReversalOf(trade, pending)
        : Leg(trade, pending).ToCommand(trade.CorrelationId);

    /// <summary>The operation id whose answer the trade waits for (see <see cref="AwaitedCommand"/>); null when it waits for none.</summary>
    public static Guid? AwaitedOperation(SettlementState trade) =>
        Enum.TryParse<SettlementLeg>(trade.PendingLeg, out var leg)
            ? IsCompensating(trade) ? OperationIds.ReversalOf(trade.CorrelationId, leg) : OperationIds.For(trade.CorrelationId, leg)
            : null;

    /// <summary>The first leg after <paramref name="completed"/> (or the first leg) that moves money; null when none is left.</summary>
    public static SettlementLeg? NextLeg(SettlementState trade, SettlementLeg? completed)
    {
        var start = completed is null ? 0 : Order.ToList().IndexOf(completed.Value) + 1;
        return Order.Skip(start).Cast<SettlementLeg?>()
            .FirstOrDefault(leg => Leg(trade, leg!.Value).Amount != 0);
    }
}
