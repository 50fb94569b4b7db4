namespace Settlement.Reconciliation;

/// <summary>The kinds of break the reconciliation reports, as they appear in the report's <c>kind</c> field.</summary>
public static class BreakKind
{
    /// <summary>A currency's sum of balances, or of ledger entries, is not what its deposits account for.</summary>
    public const string CurrencyNotConserved = "currency_not_conserved";

    /// <summary>An account's available balance is not the sum of its ledger entries.</summary>
    public const string BalanceNotReplayed = "balance_not_replayed";

    /// <summary>An account's last ledger entry's balance_after is not the sum of its entries: the ledger contradicts itself.</summary>
    public const string BalanceAfterMismatch = "balance_after_mismatch";

    /// <summary>A settled trade lacks the entry of a leg it must have applied.</summary>
    public const string MissingLeg = "missing_leg";

    /// <summary>A leg (or its reversal) was posted with another amount, user or currency than the trade says.</summary>
    public const string WrongLeg = "wrong_leg";

    /// <summary>An entry of a trade that is none of its legs nor a reversal of one of them, or a reversal in a settled trade.</summary>
    public const string ExtraEntry = "extra_entry";

    /// <summary>A rolled-back trade kept a leg: it was applied and never reversed.</summary>
    public const string LegNotReversed = "leg_not_reversed";

    /// <summary>A leg was reversed by more than one entry.</summary>
    public const string LegReversedTwice = "leg_reversed_twice";

    /// <summary>A rolled-back trade's entries do not add up to zero in a currency (when no leg-level break explains it).</summary>
    public const string RolledBackNetNotZero = "rolled_back_net_not_zero";

    /// <summary>A trade ended CompensationFailed: legs stay applied until an operator settles them by hand.</summary>
    public const string CompensationFailed = "compensation_failed";

    /// <summary>A rejected trade (nothing may move) has ledger entries.</summary>
    public const string RejectedTradeMovedMoney = "rejected_trade_moved_money";

    /// <summary>Ledger entries name a trade that has no settlement record, or a non-deposit entry names no trade.</summary>
    public const string EntryWithoutTrade = "entry_without_trade";

    /// <summary>A trade has waited in a PENDING state longer than the step timeout.</summary>
    public const string StalePending = "stale_pending";

    /// <summary>Breaks that mean money was posted more than once: counted in the report's <c>double_applied</c>.</summary>
    public static readonly IReadOnlySet<string> DoubleApplied = new HashSet<string> { ExtraEntry, LegReversedTwice };
}
