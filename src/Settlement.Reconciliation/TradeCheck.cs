using Settlement.Orchestration.Saga;

namespace Settlement.Reconciliation;

/// <summary>
/// Compares one trade's ledger entries with what its settlement record says must be there. Pure: the entries and the
/// record come from one snapshot, the findings go to <see cref="Findings"/>.
/// Every trade: each entry is one of its legs (by operation id, with the plan's user, currency and signed amount) or a
/// reversal of an applied leg (the exact opposite, once). Then by state: Settled has every leg that moves money (the fee
/// leg may be missing when fee_collected is false: a finding, not a break) and no reversal; RolledBack has every applied
/// leg reversed; Rejected has no entry; CompensationFailed is a break; the rest are in flight (stale past the step timeout
/// is a break, Suspended awaits replay).
/// </summary>
public static class TradeCheck
{
    public static void Check(SettlementState trade, IReadOnlyList<LedgerRow> entries, DateTimeOffset checkedAt, TimeSpan stepTimeout, Findings findings)
    {
        if (trade.CurrentState == nameof(SettlementStateMachine.Rejected))
        {
            if (entries.Count > 0)
                findings.Add(ForTrade(trade, BreakKind.RejectedTradeMovedMoney,
                    $"the trade was rejected, so nothing may move, but it has {entries.Count} ledger entries", entries));
            return;
        }

        var before = findings.Total;
        var legs = SettlementPlan.Order.Select(leg => SettlementPlan.Leg(trade, leg)).ToDictionary(leg => leg.OperationId);
        var applied = new Dictionary<Guid, LedgerRow>();
        var reversals = new Dictionary<Guid, List<LedgerRow>>();
        var settled = trade.CurrentState == nameof(SettlementStateMachine.Settled);

        foreach (var entry in entries)
        {
            if (legs.TryGetValue(entry.OperationId, out var leg))
            {
                applied[entry.OperationId] = entry;
                if (entry.UserId != leg.UserId || entry.Currency != leg.Currency || entry.Amount != Posted(leg))
                    findings.Add(Posting(trade, BreakKind.WrongLeg, $"{leg.Leg} was posted as {Describe(entry)} instead of {Describe(leg)}",
                        entry, Posted(leg)));
            }
            else if (entry.IsReversal && entry.OriginalOperationId is { } original && legs.ContainsKey(original) && !settled)
            {
                if (!reversals.TryGetValue(original, out var list))
                    reversals[original] = list = [];
                list.Add(entry);
            }
            else
            {
                findings.Add(Posting(trade, BreakKind.ExtraEntry, ExtraDetail(trade, entry, legs, settled), entry, expected: null));
            }
        }

        foreach (var (original, list) in reversals)
            CheckReversals(trade, legs[original], applied.GetValueOrDefault(original), list, findings);

        switch (trade.CurrentState)
        {
            case nameof(SettlementStateMachine.Settled):
                CheckSettled(trade, legs.Values, applied, findings);
                break;
            case nameof(SettlementStateMachine.RolledBack):
                foreach (var entry in applied.Values.Where(e => !reversals.ContainsKey(e.OperationId)))
                    findings.Add(Posting(trade, BreakKind.LegNotReversed,
                        $"the trade was rolled back but {legs[entry.OperationId].Leg} ({Describe(entry)}) was never reversed", entry, Amount.Zero));
                if (findings.Total == before)
                    CheckNetZero(trade, entries, findings);
                break;
            case nameof(SettlementStateMachine.CompensationFailed):
                // Cleared once every applied leg is reversed in the ledger (an operator's ReverseOperation with a new id counts).
                var kept = applied.Values.Where(e => !reversals.ContainsKey(e.OperationId)).ToList();
                if (kept.Count > 0)
                    findings.Add(ForTrade(trade, BreakKind.CompensationFailed,
                    $"compensation failed: {string.Join(", ", kept.Select(e => legs[e.OperationId].Leg))} stay applied until an operator settles them",
                    kept));
                AddInFlight(entries, findings);
                break;
            case nameof(SettlementStateMachine.Suspended):
                findings.AddAwaitingReplay(new AwaitingReplay(trade.CorrelationId, trade.SuspendedFrom, trade.PendingLeg, trade.UpdatedAt));
                AddInFlight(entries, findings);
                break;
            default:
                if (trade.UpdatedAt < checkedAt - stepTimeout)
                    findings.Add(new Break
                    {
                        Kind = BreakKind.StalePending,
                        Detail = $"PENDING in {trade.CurrentState} since {trade.UpdatedAt:O}, longer than the step timeout {stepTimeout}" +
                                 (trade.PendingLeg is { } pending ? $", waiting for {pending}" : string.Empty),
                        TradeId = trade.CorrelationId,
                        OperationIds = SettlementPlan.AwaitedOperation(trade) is { } operation ? [operation] : null,
                    });
                AddInFlight(entries, findings);
                break;
        }
    }

    static void CheckSettled(SettlementState trade, IEnumerable<LegInstruction> legs, Dictionary<Guid, LedgerRow> applied, Findings findings)
    {
        foreach (var leg in legs.Where(leg => leg.Amount != 0 && !applied.ContainsKey(leg.OperationId)))
        {
            if (leg.Leg == SettlementLeg.FeeCollection && !trade.FeeCollected)
            {
                var fee = Amount.From(leg.Amount);
                findings.AddFeeNotCollected(new FeeNotCollected(trade.CorrelationId, leg.UserId, leg.Currency, fee.ToString(), leg.OperationId), fee);
                continue;
            }

            findings.Add(new Break
            {
                Kind = BreakKind.MissingLeg,
                Detail = $"the trade is settled but {leg.Leg} ({Describe(leg)}) has no ledger entry",
                TradeId = trade.CorrelationId,
                UserId = leg.UserId,
                Currency = leg.Currency,
                OperationIds = [leg.OperationId],
                Expected = Posted(leg).ToString(),
                Actual = Amount.Zero.ToString(),
            });
        }
    }

    static void CheckReversals(SettlementState trade, LegInstruction leg, LedgerRow? original, List<LedgerRow> reversals, Findings findings)
    {
        if (original is null)
        {
            foreach (var reversal in reversals)
                findings.Add(Posting(trade, BreakKind.ExtraEntry, $"reverses {leg.Leg}, which was never applied: it posts {Describe(reversal)} from nothing",
                    reversal, expected: null));
            return;
        }

        if (reversals.Count > 1)
            findings.Add(new Break
            {
                Kind = BreakKind.LegReversedTwice,
                Detail = $"{leg.Leg} ({Describe(original)}) was reversed {reversals.Count} times",
                TradeId = trade.CorrelationId,
                UserId = original.UserId,
                Currency = original.Currency,
                OperationIds = [original.OperationId, .. reversals.Select(r => r.OperationId)],
                Expected = (-original.Amount).ToString(),
                Actual = reversals.Aggregate(Amount.Zero, (sum, r) => sum + r.Amount).ToString(),
            });

        foreach (var reversal in reversals.Where(r => r.UserId != original.UserId || r.Currency != original.Currency || r.Amount != -original.Amount))
            findings.Add(Posting(trade, BreakKind.WrongLeg, $"the reversal of {leg.Leg} posted {Describe(reversal)} instead of the opposite of {Describe(original)}",
                reversal, -original.Amount));
    }

    static void CheckNetZero(SettlementState trade, IReadOnlyList<LedgerRow> entries, Findings findings)
    {
        foreach (var net in entries.GroupBy(e => e.Currency).Select(g => (Currency: g.Key, Total: g.Aggregate(Amount.Zero, (sum, e) => sum + e.Amount)))
                     .Where(net => !net.Total.IsZero))
            findings.Add(new Break
            {
                Kind = BreakKind.RolledBackNetNotZero,
                Detail = $"the rolled-back trade's entries add up to {net.Total} {net.Currency}, not 0",
                TradeId = trade.CorrelationId,
                Currency = net.Currency,
                OperationIds = [.. entries.Where(e => e.Currency == net.Currency).Select(e => e.OperationId)],
                Expected = Amount.Zero.ToString(),
                Actual = net.Total.ToString(),
            });
    }

    static string ExtraDetail(SettlementState trade, LedgerRow entry, Dictionary<Guid, LegInstruction> legs, bool settled)
    {
        if (settled && entry.IsReversal && entry.OriginalOperationId is { } original && legs.TryGetValue(original, out var reversed))
            return $"reverses {reversed.Leg} of a settled trade: {Describe(entry)}";
        var same = legs.Values.FirstOrDefault(leg => leg.UserId == entry.UserId && leg.Currency == entry.Currency && Posted(leg) == entry.Amount);
        return same is not null
            ? $"posts {same.Leg} again ({Describe(entry)}) under another operation id: applied twice"
            : $"{Describe(entry)} ({entry.Reason}) is none of trade {trade.CorrelationId}'s legs nor a reversal of one";
    }

    static void AddInFlight(IReadOnlyList<LedgerRow> entries, Findings findings)
    {
        foreach (var entry in entries)
            Findings.Accumulate(findings.InFlight, entry.Currency, entry.Amount);
    }

    /// <summary>The signed change a leg posts: a debit is negative.</summary>
    public static Amount Posted(LegInstruction leg) => Amount.From(leg.IsDebit ? -leg.Amount : leg.Amount);

    static string Describe(LedgerRow entry) => $"{entry.Amount} {entry.Currency} for user {entry.UserId}";

    static string Describe(LegInstruction leg) => $"{Posted(leg)} {leg.Currency} for user {leg.UserId}";

    static Break Posting(SettlementState trade, string kind, string detail, LedgerRow entry, Amount? expected) => new()
    {
        Kind = kind,
        Detail = detail,
        TradeId = trade.CorrelationId,
        UserId = entry.UserId,
        Currency = entry.Currency,
        OperationIds = [entry.OperationId],
        Expected = expected?.ToString(),
        Actual = entry.Amount.ToString(),
    };

    static Break ForTrade(SettlementState trade, string kind, string detail, IEnumerable<LedgerRow> entries) => new()
    {
        Kind = kind,
        Detail = detail,
        TradeId = trade.CorrelationId,
        OperationIds = [.. entries.Select(e => e.OperationId)],
    };
}
