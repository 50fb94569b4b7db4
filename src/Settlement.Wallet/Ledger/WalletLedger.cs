using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Settlement.Contracts;

namespace Settlement.Wallet.Ledger;

/// <summary>
/// The wallet's balance operations and reads. Every operation is idempotent by its operation id: its first outcome,
/// applied or refused, is stored in the same transaction as its effect and returned to every later call with that id.
/// Refusals are outcomes; exceptions mean faults (<see cref="TransientFaults"/> tells which of them may pass).
/// Thread-safe: each call uses its own connection.
/// </summary>
public sealed class WalletLedger(
    IDbContextFactory<WalletDbContext> contexts, IOptions<WalletOptions> options, ILogger<WalletLedger> logger)
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

    /// <summary>The trade's entries (its legs and their reversals) in posting order.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> GetEntriesOfTradeAsync(Guid tradeId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.LedgerEntries.AsNoTracking().Where(e => e.TradeId == tradeId).OrderBy(e => e.EntryId).ToListAsync(cancellationToken);
    }

    /// <summary>Funds the account, opening it if needed. The entry has no trade and the reason <see cref="LedgerReason.Deposit"/>.</summary>
    public Task<WalletOutcome> DepositAsync(DepositFunds deposit, CancellationToken cancellationToken = default) =>
        PostAsync(Posting(deposit.OperationId, OperationKind.Deposit, null, deposit.UserId, deposit.Currency, deposit.Amount, LedgerReason.Deposit),
            cancellationToken);

    /// <summary>Takes the amount from an existing account; refused rather than taking the balance below zero.</summary>
    public Task<WalletOutcome> DebitAsync(DebitBalance debit, CancellationToken cancellationToken = default) =>
        PostAsync(Posting(debit.OperationId, OperationKind.Debit, debit.TradeId, debit.UserId, debit.Currency, debit.Amount, debit.Reason),
            cancellationToken);

    /// <summary>Adds the amount to the account, opening it if needed.</summary>
    public Task<WalletOutcome> CreditAsync(CreditBalance credit, CancellationToken cancellationToken = default) =>
        PostAsync(Posting(credit.OperationId, OperationKind.Credit, credit.TradeId, credit.UserId, credit.Currency, credit.Amount, credit.Reason),
            cancellationToken);

    /// <summary>
    /// Undoes an applied operation once, with the opposite entry (reason <see cref="LedgerReason.SettlementRollback"/>).
    /// An operation not seen yet is marked, so it is refused when it arrives. Reversing what was already reversed or
    /// refused posts nothing and succeeds with a zero <see cref="WalletOutcome.Change"/>.
    /// </summary>
    public Task<WalletOutcome> ReverseAsync(ReverseOperation reversal, CancellationToken cancellationToken = default)
    {
        var request = new OperationRecord
        {
            OperationId = reversal.OperationId,
            Kind = OperationKind.Reversal,
            TradeId = reversal.TradeId,
            OriginalOperationId = reversal.OriginalOperationId,
        };
        return RunAsync(request, (transaction, ct) => ReverseAsync(transaction, request, ct), cancellationToken);
    }

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

    Task<WalletOutcome> PostAsync(OperationRecord request, CancellationToken cancellationToken) =>
        RunAsync(request, async (transaction, ct) =>
        {
            if (RequestRules.Problem(request) is (var code, var message))
                return await transaction.CompleteAsync(request.Refused(code, message), ct);

            var (userId, currency, amount) = (request.UserId!.Value, request.Currency!, request.Amount!.Value);
            if (request.Kind is not OperationKind.Debit)
            {
                var opened = await transaction.OpenAccountAsync(userId, currency, ct);
                return await ApplyChangeAsync(transaction, request, opened, amount, request.Reason!.Value, request.TradeId, ct);
            }

            return await transaction.LockAccountAsync(userId, currency, ct) is { } account
                ? await ApplyChangeAsync(transaction, request, account, -amount, request.Reason!.Value, request.TradeId, ct)
                : await transaction.CompleteAsync(
                    request.Refused(WalletErrorCode.UnknownAccount, $"User {userId} has no {currency} account."), ct);
        }, cancellationToken);

    static async Task<OperationRecord> ReverseAsync(LedgerTransaction transaction, OperationRecord reversal, CancellationToken cancellationToken)
    {
        var originalId = reversal.OriginalOperationId!.Value;
        if (originalId == reversal.OperationId)
            return await transaction.CompleteAsync(
                reversal.Refused(WalletErrorCode.OperationIdConflict, "A reversal cannot reverse itself."), cancellationToken);

        var mark = $"Operation {originalId} was reversed by {reversal.OperationId} before it arrived.";
        if (await transaction.MarkReversedAsync(originalId, reversal, mark, cancellationToken))
            return await transaction.CompleteAsync(
                reversal.Applied(0m, 0m, $"Operation {originalId} has not arrived: marked, it will be refused when it does."), cancellationToken);

        var original = await transaction.LockOperationAsync(originalId, cancellationToken);
        if (original.Kind is OperationKind.Reversal)
            return await transaction.CompleteAsync(
                reversal.Refused(WalletErrorCode.OperationIdConflict, $"Operation {originalId} is itself a reversal; reversals are not reversed."),
                cancellationToken);
        if (original.ReversedBy is { } earlierReversal)
            return await transaction.CompleteAsync(
                reversal.Applied(0m, 0m, $"Operation {originalId} was already reversed by {earlierReversal}."), cancellationToken);
        if (original.Status is OperationStatus.Refused)
            return await transaction.CompleteAsync(
                reversal.Applied(0m, 0m, $"Operation {originalId} was refused ({original.ErrorCode}): nothing to reverse."), cancellationToken);

        var account = await transaction.LockAccountAsync(original.UserId!.Value, original.Currency!, cancellationToken)
            ?? throw new InvalidOperationException($"Applied operation {originalId} has no account.");
        var outcome = await ApplyChangeAsync(
            transaction, reversal, account, -original.Change!.Value, LedgerReason.SettlementRollback, original.TradeId, cancellationToken);
        if (outcome.Status is OperationStatus.Applied)
            await transaction.SetReversedByAsync(originalId, reversal.OperationId, cancellationToken);
        return outcome;
    }

    /// <summary>
    /// Posts <paramref name="change"/> to the locked account with an entry of <paramref name="reason"/> and
    /// <paramref name="tradeId"/>, or refuses it if the balance would go below zero or not fit exactly.
    /// </summary>
    static async Task<OperationRecord> ApplyChangeAsync(LedgerTransaction transaction, OperationRecord request, Account account,
        decimal change, LedgerReason reason, Guid? tradeId, CancellationToken cancellationToken)
    {
        var balance = $"Balance {Money.Format(account.Available)} {account.Currency} of user {account.UserId}";
        var after = Money.Add(account.Available, change);
        if (after is null)
            return await transaction.CompleteAsync(request.Refused(WalletErrorCode.InvalidAmount,
                $"{balance} changed by {Money.Format(change)} would not fit numeric(38,18) exactly."), cancellationToken);
        if (after < 0m)
            return await transaction.CompleteAsync(request.Refused(WalletErrorCode.InsufficientBalance,
                $"{balance} is less than {Money.Format(-change)}."), cancellationToken);

        return await transaction.PostAsync(request.Applied(change, after.Value), account, reason, tradeId, cancellationToken);
    }

    /// <summary>Claims the operation id and runs <paramref name="apply"/>, or answers with what the id was first used for.</summary>
    async Task<WalletOutcome> RunAsync(
        OperationRecord request, Func<LedgerTransaction, CancellationToken, Task<OperationRecord>> apply, CancellationToken cancellationToken)
    {
        await using var transaction = await LedgerTransaction.BeginAsync(contexts, options.Value.LockTimeout, cancellationToken);
        var earlier = await transaction.ClaimAsync(request, cancellationToken);
        var outcome = earlier switch
        {
            null => await apply(transaction, cancellationToken),
            { Kind: null } => request.Refused(WalletErrorCode.OperationReversed, earlier.Message!),
            _ when earlier.IsSameRequestAs(request) => earlier,
            _ => request.Refused(WalletErrorCode.OperationIdConflict,
                $"Operation id {request.OperationId} was already used for {earlier.Describe()}."),
        };
        await transaction.CommitAsync(cancellationToken);

        Log(outcome, replayed: earlier is not null);
        return outcome.ToOutcome();
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
