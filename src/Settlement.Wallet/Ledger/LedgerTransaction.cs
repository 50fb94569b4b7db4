using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Settlement.Contracts;

namespace Settlement.Wallet.Ledger;

/// <summary>
/// The statements of one wallet operation, all in one READ COMMITTED transaction. Rows are locked in one order,
/// operations before accounts, and a lock that is not granted within the lock timeout fails the transaction with
/// a transient fault (55P03) rather than waiting without end.
/// </summary>
sealed class LedgerTransaction : IAsyncDisposable
{
    readonly WalletDbContext _db;
    readonly IDbContextTransaction _transaction;

    LedgerTransaction(WalletDbContext db, IDbContextTransaction transaction)
    {
        _db = db;
        _transaction = transaction;
    }

    public static async Task<LedgerTransaction> BeginAsync(
        IDbContextFactory<WalletDbContext> contexts, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var db = await contexts.CreateDbContextAsync(cancellationToken);
        try
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var timeout = $"{(long)lockTimeout.TotalMilliseconds}ms";
            await db.Database.ExecuteSqlAsync($"SELECT set_config('lock_timeout', {timeout}, true)", cancellationToken);
            return new LedgerTransaction(db, transaction);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Claims the operation id for <paramref name="request"/>, or returns what it was first used for. A concurrent
    /// claim of the same id waits here until the first transaction ends, then reads its stored outcome.
    /// </summary>
    public async Task<OperationRecord?> ClaimAsync(OperationRecord request, CancellationToken cancellationToken)
    {
        var claimed = await _db.Database.ExecuteSqlAsync($"""
            INSERT INTO wallet.operations
                (operation_id, kind, trade_id, user_id, currency, amount, reason, original_operation_id, status)
            VALUES ({request.OperationId}, {request.Kind?.ToString()}, {request.TradeId}, {request.UserId}, {request.Currency},
                    {request.Amount}, {request.Reason?.ToString()}, {request.OriginalOperationId}, 'Pending')
            ON CONFLICT (operation_id) DO NOTHING
            """, cancellationToken);
        return claimed == 1
            ? null
            : await _db.Operations.AsNoTracking().SingleAsync(o => o.OperationId == request.OperationId, cancellationToken);
    }

    /// <summary>
    /// Leaves a refused operation <paramref name="operationId"/> marked as reversed by <paramref name="reversal"/>,
    /// unless the operation is already known; true when the mark was left.
    /// </summary>
    public async Task<bool> MarkReversedAsync(Guid operationId, OperationRecord reversal, string message, CancellationToken cancellationToken) =>
        await _db.Database.ExecuteSqlAsync($"""
            INSERT INTO wallet.operations (operation_id, trade_id, status, error_code, message, reversed_by)
            VALUES ({operationId}, {reversal.TradeId}, 'Refused', {nameof(WalletErrorCode.OperationReversed)}, {message}, {reversal.OperationId})
            ON CONFLICT (operation_id) DO NOTHING
            """, cancellationToken) == 1;

    public async Task<OperationRecord> LockOperationAsync(Guid operationId, CancellationToken cancellationToken) =>
        (await _db.Operations.FromSql($"SELECT * FROM wallet.operations WHERE operation_id = {operationId} FOR UPDATE")
            .AsNoTracking().ToListAsync(cancellationToken)).Single();

    public Task SetReversedByAsync(Guid operationId, Guid reversalId, CancellationToken cancellationToken) =>
        _db.Database.ExecuteSqlAsync(
            $"UPDATE wallet.operations SET reversed_by = {reversalId} WHERE operation_id = {operationId}", cancellationToken);

    /// <summary>Locks the account, or returns null when it does not exist.</summary>
    public async Task<Account?> LockAccountAsync(Guid userId, string currency, CancellationToken cancellationToken) =>
        (await _db.Accounts.FromSql($"SELECT * FROM wallet.accounts WHERE user_id = {userId} AND currency = {currency} FOR UPDATE")
            .AsNoTracking().ToListAsync(cancellationToken)).SingleOrDefault();

    /// <summary>Locks the account, opening it with a zero balance first if it does not exist.</summary>
    public async Task<Account> OpenAccountAsync(Guid userId, string currency, CancellationToken cancellationToken)
    {
        await _db.Database.ExecuteSqlAsync($"""
            INSERT INTO wallet.accounts (user_id, currency, available) VALUES ({userId}, {currency}, 0)
            ON CONFLICT (user_id, currency) DO NOTHING
            """, cancellationToken);
        return (await LockAccountAsync(userId, currency, cancellationToken))!;
    }

    /// <summary>Sets the locked account's balance, appends its ledger entry and stores the applied operation.</summary>
    public async Task<OperationRecord> PostAsync(
        OperationRecord applied, Account account, LedgerReason reason, Guid? tradeId, CancellationToken cancellationToken)
    {
        await _db.Database.ExecuteSqlAsync($"""
            UPDATE wallet.accounts SET available = {applied.BalanceAfter}, updated_at = now()
            WHERE user_id = {account.UserId} AND currency = {account.Currency}
            """, cancellationToken);
        await _db.Database.ExecuteSqlAsync($"""
            INSERT INTO wallet.ledger_entries (operation_id, trade_id, user_id, currency, amount, reason, balance_after)
            VALUES ({applied.OperationId}, {tradeId}, {account.UserId}, {account.Currency}, {applied.Change}, {reason.ToString()},
                    {applied.BalanceAfter})
            """, cancellationToken);
        return await CompleteAsync(applied, cancellationToken);
    }

    /// <summary>Stores the outcome of the claimed operation, applied or refused.</summary>
    public async Task<OperationRecord> CompleteAsync(OperationRecord outcome, CancellationToken cancellationToken)
    {
        await _db.Database.ExecuteSqlAsync($"""
            UPDATE wallet.operations
            SET status = {outcome.Status.ToString()}, error_code = {outcome.ErrorCode?.ToString()}, message = {outcome.Message},
                change = {outcome.Change}, balance_after = {outcome.BalanceAfter}
            WHERE operation_id = {outcome.OperationId}
            """, cancellationToken);
        return outcome;
    }

    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _db.DisposeAsync();
    }
}
