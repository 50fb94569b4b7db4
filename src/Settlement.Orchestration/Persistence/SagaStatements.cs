using Npgsql;
using NpgsqlTypes;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration.Persistence;

/// <summary>
/// The saga step's SQL, all of it: a settlement record is locked and read, then inserted or updated, by these statements
/// and nothing else (EF Core maps the same table for the operators' reads, <see cref="SettlementDbContext"/>). Each text is
/// constant, so the data source prepares it once per connection; a transaction's statements go in two round trips:
/// <c>BEGIN</c> with the locking read, then the write with <c>COMMIT</c>.
/// </summary>
static class SagaStatements
{
    // The two-key advisory lock space; keys made of two ints never collide with single bigint keys (the schema migrator's).
    const int TradeLockClass = 0x5E77;

    const string Columns = """
        trade_id, current_state, symbol, base_currency, quote_currency, buyer_user_id, seller_user_id, price, quantity,
        buyer_fee, seller_fee, is_buyer_maker, executed_at, fee_wallet_user_id, settlement_status, settled_at,
        settlement_retry_count, failure_reason, pending_leg, completed_legs, reversed_legs, fee_collected, suspended_from,
        created_at, updated_at, version
        """;

    /// <summary>How many columns <see cref="LockRow"/> reads.</summary>
    public const int ColumnCount = 26;

    public const string Begin = "BEGIN ISOLATION LEVEL READ COMMITTED";
    public const string Commit = "COMMIT";
    public const string Rollback = "ROLLBACK";

    public const string LockTrade = "SELECT pg_advisory_xact_lock($1, $2)";

    public const string LockRow = $"SELECT {Columns} FROM settlement.settlements WHERE trade_id = $1 FOR UPDATE";

    public const string Insert = $"""
        INSERT INTO settlement.settlements ({Columns})
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)
        """;

    // What a step may change; the trade itself (symbol, parties, amounts, fee wallet) is fixed once inserted. The version
    // in the WHERE is the one read: a writer that took no lock and changed the row meanwhile makes this update nothing.
    public const string Update = """
        UPDATE settlement.settlements
        SET current_state = $2, settlement_status = $3, settled_at = $4, settlement_retry_count = $5, failure_reason = $6,
            pending_leg = $7, completed_legs = $8, reversed_legs = $9, fee_collected = $10, suspended_from = $11,
            updated_at = $12, version = $13
        WHERE trade_id = $1 AND version = $14
        """;

    /// <summary>The values <see cref="Update"/> writes, as loaded: a step that changed none of them writes nothing.</summary>
    public static string Changeable(SettlementState s) => string.Join('|',
        s.CurrentState, s.SettlementStatus, s.SettledAt?.UtcTicks, s.SettlementRetryCount, s.FailureReason, s.PendingLeg,
        string.Join(',', s.CompletedLegs), string.Join(',', s.ReversedLegs), s.FeeCollected, s.SuspendedFrom, s.UpdatedAt.UtcTicks);

    public static NpgsqlBatchCommand LockTradeCommand(Guid tradeId) =>
        Command(LockTrade, P(TradeLockClass, NpgsqlDbType.Integer), P(LockKey(tradeId), NpgsqlDbType.Integer));

    public static NpgsqlBatchCommand LockRowCommand(Guid tradeId) => Command(LockRow, P(tradeId, NpgsqlDbType.Uuid));

    public static NpgsqlBatchCommand InsertCommand(SettlementState s) => Command(Insert,
        P(s.CorrelationId, NpgsqlDbType.Uuid), Text(s.CurrentState), Text(s.Symbol), Text(s.BaseCurrency), Text(s.QuoteCurrency),
        P(s.BuyerUserId, NpgsqlDbType.Uuid), P(s.SellerUserId, NpgsqlDbType.Uuid), Money(s.Price), Money(s.Quantity),
        Money(s.BuyerFee), Money(s.SellerFee), P(s.IsBuyerMaker, NpgsqlDbType.Boolean), Time(s.ExecutedAt),
        P(s.FeeWalletUserId, NpgsqlDbType.Uuid), Text(s.SettlementStatus), Time(s.SettledAt),
        P(s.SettlementRetryCount, NpgsqlDbType.Integer), Text(s.FailureReason), Text(s.PendingLeg), Texts(s.CompletedLegs),
        Texts(s.ReversedLegs), P(s.FeeCollected, NpgsqlDbType.Boolean), Text(s.SuspendedFrom), Time(s.CreatedAt), Time(s.UpdatedAt),
        P(s.Version, NpgsqlDbType.Integer));

    /// <summary>The update from <paramref name="loadedVersion"/> to the instance's version.</summary>
    public static NpgsqlBatchCommand UpdateCommand(SettlementState s, int loadedVersion) => Command(Update,
        P(s.CorrelationId, NpgsqlDbType.Uuid), Text(s.CurrentState), Text(s.SettlementStatus), Time(s.SettledAt),
        P(s.SettlementRetryCount, NpgsqlDbType.Integer), Text(s.FailureReason), Text(s.PendingLeg), Texts(s.CompletedLegs),
        Texts(s.ReversedLegs), P(s.FeeCollected, NpgsqlDbType.Boolean), Text(s.SuspendedFrom), Time(s.UpdatedAt),
        P(s.Version, NpgsqlDbType.Integer), P(loadedVersion, NpgsqlDbType.Integer));

    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    // Every parameter has its type, null or not, so that a statement is prepared once with one set of types.
    static NpgsqlParameter P(object? value, NpgsqlDbType type) => new() { Value = value ?? DBNull.Value, NpgsqlDbType = type };

    static NpgsqlParameter Text(string? value) => P(value, NpgsqlDbType.Text);

    static NpgsqlParameter Texts(List<string> values) => P(values, NpgsqlDbType.Array | NpgsqlDbType.Text);

    static NpgsqlParameter Money(decimal value) => P(value, NpgsqlDbType.Numeric);

    static NpgsqlParameter Time(DateTimeOffset? value) => P(value?.ToUniversalTime(), NpgsqlDbType.TimestampTz);

    /// <summary>The row <see cref="LockRow"/> read, as the state machine's instance.</summary>
    public static SettlementState Read(NpgsqlDataReader row) => new()
    {
        CorrelationId = row.GetGuid(0),
        CurrentState = row.GetString(1),
        Symbol = row.GetString(2),
        BaseCurrency = row.GetString(3),
        QuoteCurrency = row.GetString(4),
        BuyerUserId = row.GetGuid(5),
        SellerUserId = row.GetGuid(6),
        Price = row.GetDecimal(7),
        Quantity = row.GetDecimal(8),
        BuyerFee = row.GetDecimal(9),
        SellerFee = row.GetDecimal(10),
        IsBuyerMaker = row.GetBoolean(11),
        ExecutedAt = row.GetFieldValue<DateTimeOffset>(12),
        FeeWalletUserId = row.GetGuid(13),
        SettlementStatus = row.GetString(14),
        SettledAt = row.IsDBNull(15) ? null : row.GetFieldValue<DateTimeOffset>(15),
        SettlementRetryCount = row.GetInt32(16),
        FailureReason = row.IsDBNull(17) ? null : row.GetString(17),
        PendingLeg = row.IsDBNull(18) ? null : row.GetString(18),
        CompletedLegs = row.GetFieldValue<List<string>>(19),
        ReversedLegs = row.GetFieldValue<List<string>>(20),
        FeeCollected = row.GetBoolean(21),
        SuspendedFrom = row.IsDBNull(22) ? null : row.GetString(22),
        CreatedAt = row.GetFieldValue<DateTimeOffset>(23),
        UpdatedAt = row.GetFieldValue<DateTimeOffset>(24),
        Version = row.GetInt32(25),
    };

    /// <summary>All 16 bytes of the id folded into the int the lock takes: the same in every process (unlike GetHashCode).</summary>
    static int LockKey(Guid tradeId)
    {
        Span<int> words = stackalloc int[4];
        tradeId.TryWriteBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words));
        return words[0] ^ words[1] ^ words[2] ^ words[3];
    }
}
