using Settlement.Orchestration.Saga;
using Settlement.Wallet.Ledger;

namespace Settlement.Operations.OperatorConsole;

/// <summary>What happened to one leg of a trade, from its settlement record and its ledger entries.</summary>
/// <param name="Entry">The wallet's posting of the leg, when it was applied.</param>
/// <param name="Reversal">The posting that undid it, when it was reversed.</param>
public sealed record LegStep(LegInstruction Instruction, string Status, LedgerEntry? Entry, LedgerEntry? Reversal);

/// <summary>The five legs of a trade in the order they are applied, each applied, reversed, pending or not (yet) due.</summary>
public static class TradeTimeline
{
    public const string Applied = "applied";
    public const string Reversed = "reversed";
    public const string Pending = "pending";
    public const string Reversing = "reversing";
    public const string NotApplied = "not applied";
    public const string NothingToMove = "nothing to move";

    public static IReadOnlyList<LegStep> Of(SettlementState record, IReadOnlyList<LedgerEntry> entries) =>
    [
        .. SettlementPlan.Order.Select(leg =>
        {
            var instruction = SettlementPlan.Leg(record, leg);
            var entry = entries.FirstOrDefault(e => e.OperationId == instruction.OperationId);
            var reversal = entries.FirstOrDefault(e => e.OperationId == OperationIds.ReversalOf(record.CorrelationId, leg));
            return new LegStep(instruction, StatusOf(record, leg, instruction, entry, reversal), entry, reversal);
        }),
    ];

    static string StatusOf(SettlementState record, SettlementLeg leg, LegInstruction instruction, LedgerEntry? entry, LedgerEntry? reversal)
    {
        var name = leg.ToString();
        if (reversal is not null || record.ReversedLegs.Contains(name))
            return Reversed;
        if (record.PendingLeg == name)
            return SettlementPlan.IsCompensating(record) ? Reversing : Pending;
        if (entry is not null || record.CompletedLegs.Contains(name))
            return Applied;
        return instruction.Amount == 0 ? NothingToMove : NotApplied;
    }
}
