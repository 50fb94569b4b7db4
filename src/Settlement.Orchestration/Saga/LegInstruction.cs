using Settlement.Contracts;

namespace Settlement.Orchestration.Saga;

/// <summary>One leg of a trade as the wallet must apply it.</summary>
public sealed record LegInstruction(
    SettlementLeg Leg,
    Guid OperationId,
    Guid UserId,
    string Currency,
    decimal Amount,
    bool IsDebit,
    LedgerReason Reason)
{
    public object ToCommand(Guid tradeId) => IsDebit
        ? new DebitBalance { OperationId = OperationId, TradeId = tradeId, UserId = UserId, Currency = Currency, Amount = Amount, Reason = Reason }
        : new CreditBalance { OperationId = OperationId, TradeId = tradeId, UserId = UserId, Currency = Currency, Amount = Amount, Reason = Reason };
}
