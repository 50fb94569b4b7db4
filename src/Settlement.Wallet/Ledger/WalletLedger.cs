using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Settlement.Contracts;

namespace Settlement.Wallet.Ledger;

/// <summary>
/// The wallet's balance operations and reads. Operations are applied in batches, a batch in one transaction
/// (<see cref="ApplyAsync(IReadOnlyList{DebitBalance}, CancellationToken)"/> and its overloads; the single-operation
/// methods are batches of one). Every operation is idempotent by its operation id: its first outcome, applied or
/// refused, is stored in the same transaction as its effect and returned to every later call with that id, within a
/// batch or after it. Refusals are outcomes, one per operation; exceptions mean faults of the whole batch
/// (<see cref="TransientFaults"/> tells which of them may pass), and nothing of a failed batch is kept.
/// Thread-safe: each call uses its own connection.
/// </summary>
public sealed class WalletLedger(
    IDbContextFactory<WalletDbContext> contexts,
    [FromKeyedServices(WalletRegistration.DataSourceKey)] NpgsqlDataSource dataSource,
    IOptions<WalletOptions> options,
    ILogger<WalletLedger> logger)
{
    /// <summary>The account, or null when it was never opened.</summary>
    public async Task<Account?> GetBalanceAsync(Guid userId, string currency, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Accounts.AsNoTracking()
            .SingleOrDefaultAsync(a => a.UserId == userId && a.Currency == currency, cancellationToken);
    }

    /// <summary>All accounts of the user, by currency.</summary>
    public async Task<IReadOnlyList<Account>> GetBalancesAsync(Guid userId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Accounts.AsNoTracking().Where(a => a.UserId == userId).OrderBy(a => a.Currency).ToListAsync(cancellationToken);
    }

    /// <summary>The account's entries in posting order; their amounts add up to its balance.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> GetEntriesAsync(Guid userId, string currency, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.LedgerEntries.AsNoTracking()
            .Where(e => e.UserId == userId && e.Currency == currency).OrderBy(e => e.EntryId).ToListAsync(cancellationToken);
    }

    /// <summary>The account's latest <paramref name="max"/> entries, newest first (by the account's index, however long its history).</summary>
    public async Task<IReadOnlyList<LedgerEntry>> GetLatestEntriesAsync(Guid userId, string currency, int max, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.LedgerEntries.AsNoTracking()
            .Where(e => e.UserId == userId && e.Currency == currency).OrderByDescending(e => e.EntryId).Take(max).ToListAsync(cancellationToken);
    }

    /// <summary>The trade's entries (its legs and their reversals) in posting order.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> GetEntriesOfTradeAsync(Guid tradeId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.LedgerEntries.AsNoTracking().Where(e => e.TradeId == tradeId).OrderBy(e => e.EntryId).ToListAsync(cancellationToken);
    }

    /// <summary>Funds the account, opening it if needed. The entry has no trade and the reason <see cref="LedgerReason.Deposit"/>.</summary>
    public async Task<WalletOutcome> DepositAsync(DepositFunds deposit, CancellationToken cancellationToken = default) =>
        (await ApplyAsync([deposit], cancellationToken))[0];

    /// <summary>Takes the amount from an existing account; refused rather than taking the balance below zero.</summary>
    public async Task<WalletOutcome> DebitAsync(DebitBalance debit, CancellationToken cancellationToken = default) =>
        (await ApplyAsync([debit], cancellationToken))[0];

    /// <summary>Adds the amount to the account, opening it if needed.</summary>
    public async Task<WalletOutcome> CreditAsync(CreditBalance credit, CancellationToken cancellationToken = default) =>
        (await ApplyAsync([credit], cancellationToken))[0];

    /// <summary>
    /// Undoes an applied operation once, with the opposite entry (reason <see cref="LedgerReason.SettlementRollback"/>).
    /// An operation not seen yet is marked, so it is refused when it arrives. Reversing what was already reversed or
    /// refused posts nothing and succeeds with a zero <see cref="WalletOutcome.Change"/>.
    /// </summary>
    public async Task<WalletOutcome> ReverseAsync(ReverseOperation reversal, CancellationToken cancellationToken = default) =>
        (await ApplyAsync([reversal], cancellationToken))[0];

    /// <summary>
    /// Applies the deposits in one transaction, in list order, and returns the outcome of each, in the same order.
    /// See <see cref="ApplyAsync(IReadOnlyList{DebitBalance}, CancellationToken)"/>.
    /// </summary>
    public Task<IReadOnlyList<WalletOutcome>> ApplyAsync(IReadOnlyList<DepositFunds> deposits, CancellationToken cancellationToken = default) =>
        ApplyAsync([.. deposits.Select(Request)], default, [], cancellationToken);

    /// <summary>
    /// Applies the debits in one transaction, in list order, each refused or applied on its own against the running
    /// balance, and returns the outcome of each, in the same order. An operation id used twice, in the list or before,
    /// gets its first outcome (or <see cref="WalletErrorCode.OperationIdConflict"/> for another request). Nothing is
    /// kept when it throws.
    /// </summary>
    public Task<IReadOnlyList<WalletOutcome>> ApplyAsync(IReadOnlyList<DebitBalance> debits, CancellationToken cancellationToken = default) =>
        ApplyAsync([.. debits.Select(Request)], default, [], cancellationToken);

    /// <summary>Applies the credits in one transaction; see <see cref="ApplyAsync(IReadOnlyList{DebitBalance}, CancellationToken)"/>.</summary>
    public Task<IReadOnlyList<WalletOutcome>> ApplyAsync(IReadOnlyList<CreditBalance> credits, CancellationToken cancellationToken = default) =>
        ApplyAsync([.. credits.Select(Request)], default, [], cancellationToken);

    /// <summary>Applies the reversals in one transaction; see <see cref="ReverseAsync"/> and <see cref="ApplyAsync(IReadOnlyList{DebitBalance}, CancellationToken)"/>.</summary>
    public Task<IReadOnlyList<WalletOutcome>> ApplyAsync(IReadOnlyList<ReverseOperation> reversals, CancellationToken cancellationToken = default) =>
        ApplyAsync([.. reversals.Select(Request)], default, [], cancellationToken);

    internal static OperationRecord Request(DepositFunds d) =>
        Posting(d.OperationId, OperationKind.Deposit, null, d.UserId, d.Currency, d.Amount, LedgerReason.Deposit);

    internal static OperationRecord Request(DebitBalance d) =>
        Posting(d.OperationId, OperationKind.Debit, d.TradeId, d.UserId, d.Currency, d.Amount, d.Reason);

    internal static OperationRecord Request(CreditBalance c) =>
        Posting(c.OperationId, OperationKind.Credit, c.TradeId, c.UserId, c.Currency, c.Amount, c.Reason);

    internal static OperationRecord Request(ReverseOperation r) => new()
    {
        OperationId = r.OperationId,
        Kind = OperationKind.Reversal,
        TradeId = r.TradeId,
        OriginalOperationId = r.OriginalOperationId,
    };

    static OperationRecord Posting(
        Guid operationId, OperationKind kind, Guid? tradeId, Guid userId, string? currency, decimal amount, LedgerReason reason) => new()
        {
            OperationId = operationId,
            Kind = kind,
            TradeId = tradeId,
            UserId = userId,
            Currency = currency ?? string.Empty,
            Amount = amount,
            Reason = reason,
        };

    /// <summary>
    /// One READ COMMITTED transaction for the batch: claim every id, read what earlier ids answered, mark and lock the
    /// operations reversals name, open and lock every account in (user id, currency) order, decide each request in
    /// batch order (<see cref="LedgerBatch"/>), write it all, commit: two round trips for postings, four for reversals.
    /// A batch holds one kind of operation (postings or reversals), so an operation and its reversal are never decided
    /// in the same batch.
    /// </summary>
    /// <remarks>
    /// Its span (<c>wallet batch</c>) is a child of <paramref name="parent"/> (or of the current span, when default) and
    /// links to <paramref name="links"/>: the spans of the messages whose commands it applies.
    /// </remarks>
    internal async Task<IReadOnlyList<WalletOutcome>> ApplyAsync(IReadOnlyList<OperationRecord> requests, ActivityContext parent,
        IReadOnlyList<ActivityLink> links, CancellationToken cancellationToken)
    {
        if (requests.Count == 0)
            return [];

        var batch = new LedgerBatch(requests);
        BatchResult result;
        using (var span = WalletActivitySource.Source.StartActivity("wallet batch", ActivityKind.Internal, parent, links: links))
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            var statements = new LedgerStatements(connection);
            try
            {
                // Postings: claim, read, open and lock in one round trip; write and commit in the second.
                var rows = await statements.ClaimAsync(batch.Claims, options.Value.LockTimeout, batch.AccountsToOpen,
                    batch.HasReversals ? null : batch.PostingAccountsToLock, cancellationToken);
                batch.Claimed(rows.Claimed);
                var (marked, originals) = await statements.MarkAndLockAsync(batch.Marks, cancellationToken);
                var accounts = rows.Accounts ?? await statements.LockAccountsAsync(LedgerBatch.AccountsReversed(originals), cancellationToken);
                result = batch.Apply(batch.Earlier(rows.Rows), originals, marked, accounts);
                using (WalletActivitySource.Source.StartActivity("wallet write and commit"))
                    await statements.WriteAndCommitAsync(result, cancellationToken);
            }
            catch
            {
                await statements.RollbackAsync();
                throw;
            }

            span?.SetTag("settlement.detail", $"{requests.Count} {requests[0].Kind}");
        }

        for (var i = 0; i < result.Answers.Count; i++)
            Log(result.Answers[i], result.Replayed[i]);
        return [.. result.Answers.Select(a => a.ToOutcome())];
    }

    void Log(OperationRecord outcome, bool replayed)
    {
        if (outcome.Status is OperationStatus.Refused)
            logger.LogWarning(
                "Wallet refused {Kind} {OperationId} of trade {TradeId} for {UserId} {Currency}: {ErrorCode} {Reason} (replayed: {Replayed})",
                outcome.Kind, outcome.OperationId, outcome.TradeId, outcome.UserId, outcome.Currency, outcome.ErrorCode, outcome.Message, replayed);
        else // Debug: the ledger entry is the record of every change; a log line per leg costs more than it tells
            logger.LogDebug(
                "Wallet applied {Kind} {OperationId} of trade {TradeId} for {UserId} {Currency}: {Change}, balance {BalanceAfter} (replayed: {Replayed})",
                outcome.Kind, outcome.OperationId, outcome.TradeId, outcome.UserId, outcome.Currency, outcome.Change, outcome.BalanceAfter, replayed);
    }
}
