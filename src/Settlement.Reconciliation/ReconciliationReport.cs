using System.Text.Json.Serialization;

namespace Settlement.Reconciliation;

/// <summary>
/// What a reconciliation found, as the command prints it and the route returns it. Money is an exact string. Lists are
/// capped (<see cref="BreaksListed"/> says how many breaks are listed); the counts are always exact.
/// </summary>
public sealed record ReconciliationReport
{
    /// <summary>True when there is no break. Trades awaiting replay and fees not collected are findings, not breaks.</summary>
    [JsonPropertyName("ok")] public required bool Ok { get; init; }

    /// <summary>The database's clock at the start of the snapshot the report describes.</summary>
    [JsonPropertyName("checked_at")] public required DateTimeOffset CheckedAt { get; init; }

    /// <summary>A trade waiting longer than this in a PENDING state is a break (<c>Settlement:StepTimeout</c>).</summary>
    [JsonPropertyName("step_timeout")] public required TimeSpan StepTimeout { get; init; }

    [JsonPropertyName("trades")] public required TradeCounts Trades { get; init; }

    [JsonPropertyName("accounts")] public required long Accounts { get; init; }

    [JsonPropertyName("ledger_entries")] public required long LedgerEntries { get; init; }

    [JsonPropertyName("currencies")] public required IReadOnlyList<CurrencyBooks> Currencies { get; init; }

    /// <summary>Breaks where money was posted more than once: extra entries and legs reversed twice.</summary>
    [JsonPropertyName("double_applied")] public required int DoubleApplied { get; init; }

    /// <summary>Every break kind found, with its exact count.</summary>
    [JsonPropertyName("break_counts")] public required IReadOnlyDictionary<string, int> BreakCounts { get; init; }

    [JsonPropertyName("breaks_total")] public required int BreaksTotal { get; init; }

    [JsonPropertyName("breaks_listed")] public required int BreaksListed { get; init; }

    [JsonPropertyName("breaks")] public required IReadOnlyList<Break> Breaks { get; init; }

    /// <summary>Suspended trades: their command waits in the dead-letter queue; expected until it is replayed (capped list).</summary>
    [JsonPropertyName("awaiting_replay")] public required IReadOnlyList<AwaitingReplay> AwaitingReplay { get; init; }

    /// <summary>Settled trades whose fee leg was not applied (capped list); their fee is owed to the fee wallet.</summary>
    [JsonPropertyName("fee_not_collected")] public required IReadOnlyList<FeeNotCollected> FeeNotCollected { get; init; }
}

public sealed record TradeCounts
{
    [JsonPropertyName("total")] public int Total { get; init; }
    [JsonPropertyName("settled")] public int Settled { get; init; }
    [JsonPropertyName("rolled_back")] public int RolledBack { get; init; }
    [JsonPropertyName("rejected")] public int Rejected { get; init; }
    [JsonPropertyName("suspended")] public int Suspended { get; init; }
    [JsonPropertyName("pending")] public int Pending { get; init; }
    [JsonPropertyName("compensation_failed")] public int CompensationFailed { get; init; }
    [JsonPropertyName("fee_not_collected")] public int FeeNotCollected { get; init; }
}

/// <summary>
/// One currency's books. <c>conserved</c>: balances and ledger_total both equal
/// deposits − fees_not_collected + in_flight (the net of trades not yet settled or rolled back).
/// </summary>
public sealed record CurrencyBooks(
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("deposits")] string Deposits,
    [property: JsonPropertyName("balances")] string Balances,
    [property: JsonPropertyName("ledger_total")] string LedgerTotal,
    [property: JsonPropertyName("fees_not_collected")] string FeesNotCollected,
    [property: JsonPropertyName("in_flight")] string InFlight,
    [property: JsonPropertyName("conserved")] bool Conserved);

/// <summary>One break, with the ids an operator needs to find it. Amounts are signed as posted (a debit is negative).</summary>
public sealed record Break
{
    [JsonPropertyName("kind")] public required string Kind { get; init; }
    [JsonPropertyName("detail")] public required string Detail { get; init; }

    [JsonPropertyName("currency"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Currency { get; init; }

    [JsonPropertyName("user_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? UserId { get; init; }

    [JsonPropertyName("trade_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Guid? TradeId { get; init; }

    [JsonPropertyName("operation_ids"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Guid>? OperationIds { get; init; }

    [JsonPropertyName("expected"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Expected { get; init; }

    [JsonPropertyName("actual"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Actual { get; init; }
}

public sealed record AwaitingReplay(
    [property: JsonPropertyName("trade_id")] Guid TradeId,
    [property: JsonPropertyName("suspended_from")] string? SuspendedFrom,
    [property: JsonPropertyName("pending_leg")] string? PendingLeg,
    [property: JsonPropertyName("since")] DateTimeOffset Since);

public sealed record FeeNotCollected(
    [property: JsonPropertyName("trade_id")] Guid TradeId,
    [property: JsonPropertyName("fee_wallet_user_id")] Guid FeeWalletUserId,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("amount")] string Amount,
    [property: JsonPropertyName("operation_id")] Guid OperationId);
