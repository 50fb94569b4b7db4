using Microsoft.EntityFrameworkCore;
using Npgsql;
using Settlement.Orchestration;
using Settlement.Orchestration.Saga;

namespace Settlement.Reconciliation;

/// <summary>
/// The few set-based queries a reconciliation runs, all in the caller's one snapshot. Each reads a whole table once;
/// nothing is queried per trade or per account. Money is read as text and parsed exactly (<see cref="Amount"/>).
/// </summary>
static class SnapshotQueries
{
    /// <summary>Large tables take a while to scan; the default 30 s command timeout is too short for them.</summary>
    const int CommandTimeoutSeconds = 600;

    public static async Task<(DateTimeOffset Now, long Accounts, long Entries)> StartAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // READ ONLY must come before the first query of the transaction, which takes the snapshot.
        await using var command = Command(connection,
            "SET TRANSACTION READ ONLY; SELECT now(), (SELECT count(*) FROM wallet.accounts), (SELECT count(*) FROM wallet.ledger_entries)");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public static async Task<List<CurrencySums>> CurrencySumsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT coalesce(l.currency, b.currency), coalesce(l.deposits, 0)::text, coalesce(b.total, 0)::text, coalesce(l.total, 0)::text
            FROM (SELECT currency, sum(amount) FILTER (WHERE reason = 'Deposit') AS deposits, sum(amount) AS total
                  FROM wallet.ledger_entries GROUP BY currency) l
            FULL JOIN (SELECT currency, sum(available) AS total FROM wallet.accounts GROUP BY currency) b ON b.currency = l.currency
            """;
        var sums = new List<CurrencySums>();
        await using var command = Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            sums.Add(new CurrencySums(reader.GetString(0), Amount.Parse(reader.GetString(1)), Amount.Parse(reader.GetString(2)), Amount.Parse(reader.GetString(3))));
        return sums;
    }

    /// <summary>Accounts whose balance is not the sum of their entries, or whose last entry's balance_after is not that sum.</summary>
    public static async Task CheckAccountsAsync(NpgsqlConnection connection, Findings findings, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.user_id, a.currency, a.available::text, coalesce(r.total, 0)::text, last.balance_after::text, last.operation_id
            FROM wallet.accounts a
            LEFT JOIN (SELECT user_id, currency, sum(amount) AS total FROM wallet.ledger_entries GROUP BY user_id, currency) r
                   ON r.user_id = a.user_id AND r.currency = a.currency
            LEFT JOIN LATERAL (SELECT e.balance_after, e.operation_id FROM wallet.ledger_entries e
                               WHERE e.user_id = a.user_id AND e.currency = a.currency
                               ORDER BY e.entry_id DESC LIMIT 1) last ON true
            WHERE a.available <> coalesce(r.total, 0) OR coalesce(last.balance_after, 0) <> coalesce(r.total, 0)
            ORDER BY a.currency, a.user_id
            """;
        await using var command = Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (user, currency) = (reader.GetGuid(0), reader.GetString(1));
            var (available, replay) = (Amount.Parse(reader.GetString(2)), Amount.Parse(reader.GetString(3)));
            var last = reader.IsDBNull(4) ? Amount.Zero : Amount.Parse(reader.GetString(4));
            IReadOnlyList<Guid>? lastOperation = reader.IsDBNull(5) ? null : [reader.GetGuid(5)];

            if (available != replay)
                findings.Add(new Break
                {
                    Kind = BreakKind.BalanceNotReplayed,
                    Detail = $"the {currency} balance of user {user} is {available}, but replaying its ledger entries gives {replay}",
                    UserId = user,
                    Currency = currency,
                    OperationIds = lastOperation,
                    Expected = replay.ToString(),
                    Actual = available.ToString(),
                });
            if (last != replay)
                findings.Add(new Break
                {
                    Kind = BreakKind.BalanceAfterMismatch,
                    Detail = $"the last {currency} ledger entry of user {user} says balance_after {last}, but its entries add up to {replay}",
                    UserId = user,
                    Currency = currency,
                    OperationIds = lastOperation,
                    Expected = replay.ToString(),
                    Actual = last.ToString(),
                });
        }
    }

    /// <summary>Every entry that is not a deposit, with its operation's kind and original, grouped by trade id (null: none).</summary>
    public static async Task<(Dictionary<Guid, List<LedgerRow>> ByTrade, List<LedgerRow> WithoutTrade)> TradeEntriesAsync(
        NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT e.trade_id, e.operation_id, e.user_id, e.currency, e.amount::text, e.reason, o.kind, o.original_operation_id
            FROM wallet.ledger_entries e JOIN wallet.operations o ON o.operation_id = e.operation_id
            WHERE e.trade_id IS NOT NULL OR e.reason <> 'Deposit'
            """;
        var byTrade = new Dictionary<Guid, List<LedgerRow>>();
        var withoutTrade = new List<LedgerRow>();
        await using var command = Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new LedgerRow(
                reader.IsDBNull(0) ? null : reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3),
                Amount.Parse(reader.GetString(4)), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetGuid(7));
            if (row.TradeId is not { } tradeId)
                withoutTrade.Add(row);
            else if (byTrade.TryGetValue(tradeId, out var list))
                list.Add(row);
            else
                byTrade[tradeId] = [row];
        }

        return (byTrade, withoutTrade);
    }

    /// <summary>
    /// Streams every settlement record once, as the saga's state (what <see cref="SettlementPlan"/> computes legs from),
    /// through the service's own mapping of the table, on the caller's connection and snapshot.
    /// </summary>
    public static async IAsyncEnumerable<SettlementState> SettlementsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new DbContextOptionsBuilder<SettlementDbContext>()
            .UseNpgsql(connection, npgsql => npgsql.CommandTimeout(CommandTimeoutSeconds)).Options;
        await using var db = new SettlementDbContext(options);
        await db.Database.UseTransactionAsync(transaction, cancellationToken);
        await foreach (var trade in db.Settlements.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
            yield return trade;
    }

    static NpgsqlCommand Command(NpgsqlConnection connection, string sql) =>
        new(sql, connection) { CommandTimeout = CommandTimeoutSeconds };
}
