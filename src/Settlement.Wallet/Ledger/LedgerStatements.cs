using Npgsql;
using Settlement.Contracts;

namespace Settlement.Wallet.Ledger;

/// <summary>The ids a batch claimed, every claimed id's row (its own claim or an earlier outcome), and the accounts it locked.</summary>
sealed record ClaimedRows(IReadOnlySet<Guid> Claimed, IReadOnlyDictionary<Guid, OperationRecord> Rows, IReadOnlyDictionary<AccountKey, decimal>? Accounts);

/// <summary>
/// The wallet's balance-changing SQL, all of it, run on one connection inside the batch's READ COMMITTED transaction,
/// which <see cref="ClaimAsync"/> begins and <see cref="WriteAndCommitAsync"/> commits (raw <c>BEGIN</c> and <c>COMMIT</c>,
/// each in the round trip of the statements beside it). Every statement works on a whole batch at once (arrays sent as
/// parameters and read back with <c>unnest</c>), and statements that do not depend on each other share one round trip
/// (<see cref="NpgsqlBatch"/>): a batch of postings takes two. Rows are locked in one fixed order: operation rows by
/// operation id, then accounts by (user id, currency), so two batches never wait for each other in a cycle. The data
/// source prepares these statements on each connection once they are used a few times.
/// </summary>
sealed class LedgerStatements(NpgsqlConnection connection)
{
    const string Begin = "BEGIN ISOLATION LEVEL READ COMMITTED";
    const string Commit = "COMMIT";

    const string OperationColumns =
        "operation_id, kind, trade_id, user_id, currency, amount, reason, original_operation_id, status, error_code, message, change, balance_after, reversed_by, created_at";

    const string SetLockTimeout = "SELECT set_config('lock_timeout', $1, true)";

    // A concurrent claim of the same id waits here until the other transaction ends; its row is then read as earlier.
    const string Claim = """
        INSERT INTO wallet.operations (operation_id, kind, trade_id, user_id, currency, amount, reason, original_operation_id, status)
        SELECT c.operation_id, c.kind, c.trade_id, c.user_id, c.currency, c.amount, c.reason, c.original_operation_id, 'Pending'
        FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::numeric[], $7::text[], $8::uuid[])
            AS c (operation_id, kind, trade_id, user_id, currency, amount, reason, original_operation_id)
        ORDER BY c.operation_id
        ON CONFLICT (operation_id) DO NOTHING
        RETURNING operation_id
        """;

    const string ReadOperations = $"SELECT {OperationColumns} FROM wallet.operations WHERE operation_id = ANY ($1)";

    const string Mark = """
        INSERT INTO wallet.operations (operation_id, trade_id, status, error_code, message, reversed_by)
        SELECT m.operation_id, m.trade_id, 'Refused', 'OperationReversed', m.message, m.reversed_by
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[]) AS m (operation_id, trade_id, message, reversed_by)
        ORDER BY m.operation_id
        ON CONFLICT (operation_id) DO NOTHING
        RETURNING operation_id
        """;

    const string LockOperations =
        $"SELECT {OperationColumns} FROM wallet.operations WHERE operation_id = ANY ($1) ORDER BY operation_id FOR UPDATE";

    // Only for the operations this transaction claimed: their rows, inserted by the claim just before, are the only Pending
    // rows it can see (another's claim is not committed, and a committed row is never Pending). A repeated credit opens
    // nothing, so a credit refused because its reversal came first leaves no account behind.
    const string OpenAccounts = """
        INSERT INTO wallet.accounts (user_id, currency, available)
        SELECT DISTINCT a.user_id, a.currency, 0
        FROM unnest($1::uuid[], $2::text[], $3::uuid[]) AS a (user_id, currency, operation_id)
        JOIN wallet.operations o ON o.operation_id = a.operation_id AND o.status = 'Pending'
        ORDER BY a.user_id, a.currency
        ON CONFLICT (user_id, currency) DO NOTHING
        """;

    const string LockAccounts = """
        SELECT a.user_id, a.currency, a.available FROM wallet.accounts a
        WHERE (a.user_id, a.currency) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))
        ORDER BY a.user_id, a.currency
        FOR UPDATE OF a
        """;

    const string SetBalances = """
        UPDATE wallet.accounts a SET available = b.available, updated_at = now()
        FROM unnest($1::uuid[], $2::text[], $3::numeric[]) AS b (user_id, currency, available)
        WHERE a.user_id = b.user_id AND a.currency = b.currency
        """;

    // Inserted in posting order, so entry_id order and every account's running balance_after agree.
    const string AppendEntries = """
        INSERT INTO wallet.ledger_entries (operation_id, trade_id, user_id, currency, amount, reason, balance_after)
        SELECT e.operation_id, e.trade_id, e.user_id, e.currency, e.amount, e.reason, e.balance_after
        FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::numeric[], $6::text[], $7::numeric[]) WITH ORDINALITY
            AS e (operation_id, trade_id, user_id, currency, amount, reason, balance_after, posting)
        ORDER BY e.posting
        """;

    const string StoreOutcomes = """
        UPDATE wallet.operations o
        SET status = s.status, error_code = s.error_code, message = s.message, change = s.change, balance_after = s.balance_after
        FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::numeric[])
            AS s (operation_id, status, error_code, message, change, balance_after)
        WHERE o.operation_id = s.operation_id
        """;

    const string SetReversedBy = """
        UPDATE wallet.operations o SET reversed_by = r.reversed_by
        FROM unnest($1::uuid[], $2::uuid[]) AS r (operation_id, reversed_by)
        WHERE o.operation_id = r.operation_id
        """;

    /// <summary>
    /// In one round trip: begins the transaction, sets its lock timeout, claims every id, reads every claimed id's row
    /// (those not claimed were used before: their rows are their first outcomes), and, for a batch of postings, opens
    /// <paramref name="accountsToOpen"/> and locks <paramref name="accountsToLock"/> (null: locked later, from the
    /// operations the reversals name).
    /// </summary>
    public async Task<ClaimedRows> ClaimAsync(IReadOnlyList<OperationRecord> claims, TimeSpan lockTimeout,
        IReadOnlyList<(AccountKey Account, Guid OperationId)> accountsToOpen, IReadOnlyList<AccountKey>? accountsToLock,
        CancellationToken cancellationToken)
    {
        HashSet<Guid> claimed = [];
        Dictionary<Guid, OperationRecord> rows = [];
        Dictionary<AccountKey, decimal>? accounts = accountsToLock is null ? null : [];
        List<(NpgsqlBatchCommand, Action<NpgsqlDataReader>?)> steps =
        [
            (new NpgsqlBatchCommand(Begin), null),
            (Command(SetLockTimeout, $"{(long)lockTimeout.TotalMilliseconds}ms"), static _ => { }),
            (Command(Claim, claims.Select(c => c.OperationId), claims.Select(c => c.Kind?.ToString()), claims.Select(c => c.TradeId),
                claims.Select(c => c.UserId), claims.Select(c => c.Currency), claims.Select(c => c.Amount), claims.Select(c => c.Reason?.ToString()),
                claims.Select(c => c.OriginalOperationId)), row => claimed.Add(row.GetGuid(0))),
            (Command(ReadOperations, claims.Select(c => c.OperationId)), row => rows.Add(row.GetGuid(0), ReadOperation(row))),
        ];
        if (accountsToOpen.Count > 0)
        {
            steps.Add((Command(OpenAccounts, accountsToOpen.Select(a => a.Account.UserId), accountsToOpen.Select(a => a.Account.Currency),
                accountsToOpen.Select(a => a.OperationId)), null));
        }

        if (accountsToLock is { Count: > 0 })
            steps.Add(LockAccountsStep(accountsToLock, accounts!));

        await RunAsync(cancellationToken, [.. steps]);
        return new ClaimedRows(claimed, rows, accounts);
    }

    /// <summary>
    /// For a batch with reversals, in one round trip: leaves <paramref name="marks"/> (on operations that have not arrived)
    /// and locks the operations they name, in operation id order. Returns the ids marked and the locked operations.
    /// </summary>
    public async Task<(IReadOnlySet<Guid> Marked, IReadOnlyDictionary<Guid, OperationRecord> Originals)> MarkAndLockAsync(
        IReadOnlyList<ReversalMark> marks, CancellationToken cancellationToken)
    {
        HashSet<Guid> marked = [];
        Dictionary<Guid, OperationRecord> originals = [];
        if (marks.Count > 0)
        {
            await RunAsync(cancellationToken,
                (Command(Mark, marks.Select(m => m.OriginalOperationId), marks.Select(m => m.TradeId), marks.Select(m => m.Message),
                    marks.Select(m => m.ReversalId)), row => marked.Add(row.GetGuid(0))),
                (Command(LockOperations, marks.Select(m => m.OriginalOperationId)), row => originals.Add(row.GetGuid(0), ReadOperation(row))));
        }

        return (marked, originals);
    }

    /// <summary>Locks the accounts, in (user id, currency) order; returns the balances of those that exist.</summary>
    public async Task<IReadOnlyDictionary<AccountKey, decimal>> LockAccountsAsync(IReadOnlyList<AccountKey> accounts, CancellationToken cancellationToken)
    {
        Dictionary<AccountKey, decimal> balances = [];
        if (accounts.Count > 0)
            await RunAsync(cancellationToken, LockAccountsStep(accounts, balances));
        return balances;
    }

    /// <summary>Writes what the batch decided and commits, in one round trip: balances, ledger entries, outcomes, reversal marks.</summary>
    public async Task WriteAndCommitAsync(BatchResult result, CancellationToken cancellationToken)
    {
        List<(NpgsqlBatchCommand, Action<NpgsqlDataReader>?)> steps = [];
        if (result.Balances.Count > 0)
        {
            var balances = result.Balances.ToList();
            steps.Add((Command(SetBalances, balances.Select(b => b.Key.UserId), balances.Select(b => b.Key.Currency), balances.Select(b => b.Value)), null));
        }

        if (result.Postings.Count > 0)
        {
            var postings = result.Postings;
            steps.Add((Command(AppendEntries, postings.Select(p => p.OperationId), postings.Select(p => p.TradeId), postings.Select(p => p.Account.UserId),
                postings.Select(p => p.Account.Currency), postings.Select(p => p.Amount), postings.Select(p => p.Reason.ToString()),
                postings.Select(p => p.BalanceAfter)), null));
        }

        if (result.Stored.Count > 0)
        {
            var stored = result.Stored;
            steps.Add((Command(StoreOutcomes, stored.Select(s => s.OperationId), stored.Select(s => s.Status.ToString()),
                stored.Select(s => s.ErrorCode?.ToString()), stored.Select(s => s.Message), stored.Select(s => s.Change),
                stored.Select(s => s.BalanceAfter)), null));
        }

        if (result.ReversedBy.Count > 0)
            steps.Add((Command(SetReversedBy, result.ReversedBy.Keys, result.ReversedBy.Values), null));

        steps.Add((new NpgsqlBatchCommand(Commit), null));
        await RunAsync(cancellationToken, [.. steps]);
    }

    /// <summary>Rolls back a transaction that did not commit; on a broken connection there is nothing left to roll back.</summary>
    public async Task RollbackAsync()
    {
        if (connection.State != System.Data.ConnectionState.Open)
            return;
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The connection broke: the server rolled the transaction back when it lost it.
        }
    }

    static (NpgsqlBatchCommand, Action<NpgsqlDataReader>) LockAccountsStep(IReadOnlyList<AccountKey> accounts, Dictionary<AccountKey, decimal> balances) =>
        (Command(LockAccounts, accounts.Select(a => a.UserId), accounts.Select(a => a.Currency)),
            row => balances.Add(new AccountKey(row.GetGuid(0), row.GetString(1)), row.GetDecimal(2)));

    /// <summary>
    /// Runs the steps in one round trip and hands each row of a step's result to its reader. Steps without a reader
    /// return no rows (Npgsql's reader moves past their results by itself).
    /// </summary>
    async Task RunAsync(CancellationToken cancellationToken, params (NpgsqlBatchCommand Command, Action<NpgsqlDataReader>? Read)[] steps)
    {
        await using var batch = new NpgsqlBatch(connection);
        foreach (var (command, _) in steps)
            batch.BatchCommands.Add(command);

        Action<NpgsqlDataReader>[] readers = [.. steps.Select(s => s.Read).OfType<Action<NpgsqlDataReader>>()];
        if (readers.Length == 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        foreach (var read in readers)
        {
            while (await reader.ReadAsync(cancellationToken))
                read(reader);
            await reader.NextResultAsync(cancellationToken);
        }
    }

    static NpgsqlBatchCommand Command(string sql, params object[] arrays)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var values in arrays)
            command.Parameters.Add(new NpgsqlParameter { Value = ToArray(values) });
        return command;
    }

    static object ToArray(object values) => values switch
    {
        string text => text,
        IEnumerable<Guid> ids => ids.ToArray(),
        IEnumerable<Guid?> ids => ids.ToArray(),
        IEnumerable<string?> texts => texts.ToArray(),
        IEnumerable<decimal> amounts => amounts.ToArray(),
        IEnumerable<decimal?> amounts => amounts.ToArray(),
        _ => throw new ArgumentException($"No array mapping for {values.GetType()}.", nameof(values)),
    };

    static OperationRecord ReadOperation(NpgsqlDataReader row) => new()
    {
        OperationId = row.GetGuid(0),
        Kind = Nullable(row, 1, r => Enum.Parse<OperationKind>(r.GetString(1))),
        TradeId = Nullable(row, 2, r => r.GetGuid(2)),
        UserId = Nullable(row, 3, r => r.GetGuid(3)),
        Currency = row.IsDBNull(4) ? null : row.GetString(4),
        Amount = Nullable(row, 5, r => r.GetDecimal(5)),
        Reason = Nullable(row, 6, r => Enum.Parse<LedgerReason>(r.GetString(6))),
        OriginalOperationId = Nullable(row, 7, r => r.GetGuid(7)),
        Status = Enum.Parse<OperationStatus>(row.GetString(8)),
        ErrorCode = Nullable(row, 9, r => Enum.Parse<WalletErrorCode>(r.GetString(9))),
        Message = row.IsDBNull(10) ? null : row.GetString(10),
        Change = Nullable(row, 11, r => r.GetDecimal(11)),
        BalanceAfter = Nullable(row, 12, r => r.GetDecimal(12)),
        ReversedBy = Nullable(row, 13, r => r.GetGuid(13)),
        CreatedAt = row.GetFieldValue<DateTimeOffset>(14),
    };

    static T? Nullable<T>(NpgsqlDataReader row, int ordinal, Func<NpgsqlDataReader, T> read) where T : struct =>
        row.IsDBNull(ordinal) ? null : read(row);
}
