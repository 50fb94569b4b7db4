using Settlement.Contracts;
using Settlement.Wallet.Ledger;

namespace Settlement.UnitTests.Wallet;

/// <summary>The in-memory decisions of a batch, from given locked rows: what the SQL around them reads and writes.</summary>
public class LedgerBatchTests
{
    const string Usdt = "USDT";
    static readonly Guid User = Guid.NewGuid();
    static readonly Guid Trade = Guid.NewGuid();
    static readonly AccountKey Account = new(User, Usdt);
    static readonly IReadOnlyDictionary<Guid, OperationRecord> None = new Dictionary<Guid, OperationRecord>();

    [Fact]
    public void When_debits_of_one_account_share_a_batch_each_is_decided_against_the_running_balance()
    {
        OperationRecord[] debits = [Debit(30m), Debit(50m), Debit(40m), Debit(20m)];

        var result = ApplyAll(debits, balance: 100m);

        Assert.Equal([true, true, false, true], result.Answers.Select(a => a.Status is OperationStatus.Applied));
        Assert.Equal(WalletErrorCode.InsufficientBalance, result.Answers[2].ErrorCode);
        Assert.Equal("Balance 20 USDT of user " + User + " is less than 40.", result.Answers[2].Message);
        Assert.Equal([70m, 20m, 0m], result.Postings.Select(p => p.BalanceAfter));
        Assert.Equal(0m, Assert.Single(result.Balances).Value);
        Assert.Equal(4, result.Stored.Count);
    }

    [Fact]
    public void When_many_credits_reach_one_account_each_gets_an_entry_and_the_account_one_final_balance()
    {
        var credits = Enumerable.Range(1, 50).Select(n => Credit(0.000000000000000001m * n)).ToArray();

        var result = ApplyAll(credits, balance: 1m);

        Assert.Equal(50, result.Postings.Count);
        Assert.Equal(1.000000000000001275m, Assert.Single(result.Balances).Value);
        Assert.Equal(result.Postings[^1].BalanceAfter, result.Balances[Account]);
    }

    [Fact]
    public void When_an_id_repeats_in_the_batch_the_repeat_gets_the_first_answer_or_a_conflict_and_is_not_stored_again()
    {
        var debit = Debit(10m);
        OperationRecord[] requests = [debit, debit with { Amount = 10.000m }, debit with { Amount = 11m }];

        var result = ApplyAll(requests, balance: 100m);

        Assert.Equal(result.Answers[0], result.Answers[1]);
        Assert.Equal(WalletErrorCode.OperationIdConflict, result.Answers[2].ErrorCode);
        Assert.Equal([false, true, true], result.Replayed);
        Assert.Single(result.Postings);
        Assert.Single(result.Stored);
        Assert.Single(new LedgerBatch(requests).Claims);
    }

    [Fact]
    public void When_an_id_was_used_before_its_stored_outcome_is_answered_and_a_mark_refuses_it()
    {
        var applied = Debit(10m).Applied(-10m, 90m);
        var marked = Debit(5m);
        var mark = new OperationRecord { OperationId = marked.OperationId, Status = OperationStatus.Refused, Message = "reversed first" };
        var batch = new LedgerBatch([applied with { Status = OperationStatus.Pending }, marked]);
        batch.Claimed([]);
        var rows = new Dictionary<Guid, OperationRecord> { [applied.OperationId] = applied, [marked.OperationId] = mark };

        var result = batch.Apply(batch.Earlier(rows), None, new HashSet<Guid>(), new Dictionary<AccountKey, decimal>());

        Assert.Equal(applied, result.Answers[0]);
        Assert.Equal((WalletErrorCode.OperationReversed, "reversed first"), (result.Answers[1].ErrorCode, result.Answers[1].Message));
        Assert.Empty(result.Stored);
        Assert.Equal(new HashSet<Guid> { applied.OperationId, marked.OperationId }, batch.Earlier(rows).Keys.ToHashSet());
    }

    [Fact]
    public void When_some_requests_are_invalid_or_name_no_account_only_those_are_refused()
    {
        OperationRecord[] requests = [Debit(0m), Debit(1m) with { UserId = Guid.NewGuid() }, Credit(1m) with { Currency = "usdt" }, Debit(1m)];
        var batch = new LedgerBatch(requests);
        batch.Claimed(requests.Select(r => r.OperationId));

        var result = batch.Apply(None, None, new HashSet<Guid>(), new Dictionary<AccountKey, decimal> { [Account] = 5m });

        Assert.Equal([WalletErrorCode.InvalidAmount, WalletErrorCode.UnknownAccount, WalletErrorCode.InvalidCurrency, null],
            result.Answers.Select(a => a.ErrorCode));
        Assert.Empty(batch.AccountsToOpen);
        Assert.Equal([new AccountKey(requests[1].UserId!.Value, Usdt), Account], batch.PostingAccountsToLock);
    }

    [Fact]
    public void When_reversals_share_a_batch_each_original_is_undone_or_marked_once()
    {
        var debit = Debit(40m).Applied(-40m, 60m);
        var refused = Debit(500m).Refused(WalletErrorCode.InsufficientBalance, "no");
        var notArrived = Guid.NewGuid();
        var self = Guid.NewGuid();
        OperationRecord[] reversals =
        [
            Reverse(debit.OperationId), Reverse(debit.OperationId), Reverse(notArrived), Reverse(notArrived),
            Reverse(refused.OperationId), Reverse(self) with { OperationId = self },
        ];
        var batch = new LedgerBatch(reversals);
        batch.Claimed(reversals.Select(r => r.OperationId));
        var mark = new OperationRecord { OperationId = notArrived, Status = OperationStatus.Refused, ReversedBy = reversals[2].OperationId };
        var originals = new Dictionary<Guid, OperationRecord> { [debit.OperationId] = debit, [refused.OperationId] = refused, [notArrived] = mark };

        var result = batch.Apply(None, originals, new HashSet<Guid> { notArrived }, new Dictionary<AccountKey, decimal> { [Account] = 60m });

        Assert.Equal([40m, 0m, 0m, 0m, 0m, 0m], result.Answers.Select(a => a.Change ?? 0m));
        Assert.Contains("already reversed by " + reversals[0].OperationId, result.Answers[1].Message);
        Assert.Contains("has not arrived", result.Answers[2].Message);
        Assert.Contains("already reversed by " + reversals[2].OperationId, result.Answers[3].Message);
        Assert.Contains("nothing to reverse", result.Answers[4].Message);
        Assert.Equal(WalletErrorCode.OperationIdConflict, result.Answers[5].ErrorCode);
        Assert.Equal(reversals[0].OperationId, Assert.Single(result.ReversedBy).Value);
        Assert.Equal((LedgerReason.SettlementRollback, (Guid?)debit.TradeId, 100m), (result.Postings[0].Reason, result.Postings[0].TradeId, result.Balances[Account]));
        Assert.Equal([debit.OperationId, notArrived, refused.OperationId], batch.Marks.Select(m => m.OriginalOperationId));
        Assert.Equal([Account], LedgerBatch.AccountsReversed(originals));
        Assert.Empty(batch.PostingAccountsToLock);
    }

    [Fact]
    public void When_the_credit_to_reverse_was_spent_the_reversal_is_refused_and_a_reversal_of_a_reversal_is_a_conflict()
    {
        var credit = Credit(10m).Applied(10m, 10m);
        var earlierReversal = Reverse(Guid.NewGuid()).Applied(5m, 15m);
        OperationRecord[] reversals = [Reverse(credit.OperationId), Reverse(earlierReversal.OperationId)];
        var batch = new LedgerBatch(reversals);
        batch.Claimed(reversals.Select(r => r.OperationId));
        var originals = new Dictionary<Guid, OperationRecord> { [credit.OperationId] = credit, [earlierReversal.OperationId] = earlierReversal };

        var result = batch.Apply(None, originals, new HashSet<Guid>(), new Dictionary<AccountKey, decimal> { [Account] = 2m });

        Assert.Equal([WalletErrorCode.InsufficientBalance, WalletErrorCode.OperationIdConflict], result.Answers.Select(a => a.ErrorCode));
        Assert.Empty(result.Postings);
        Assert.Empty(result.Balances);
        Assert.Empty(result.ReversedBy);
    }

    static BatchResult ApplyAll(IReadOnlyList<OperationRecord> requests, decimal balance)
    {
        var batch = new LedgerBatch(requests);
        batch.Claimed(requests.Select(r => r.OperationId));
        return batch.Apply(None, None, new HashSet<Guid>(), new Dictionary<AccountKey, decimal> { [Account] = balance });
    }

    static OperationRecord Debit(decimal amount) => Posting(OperationKind.Debit, amount);

    static OperationRecord Credit(decimal amount) => Posting(OperationKind.Credit, amount);

    static OperationRecord Posting(OperationKind kind, decimal amount) => new()
    {
        OperationId = Guid.NewGuid(),
        Kind = kind,
        TradeId = Trade,
        UserId = User,
        Currency = Usdt,
        Amount = amount,
        Reason = LedgerReason.TradeSettlement,
    };

    static OperationRecord Reverse(Guid original) => new()
    {
        OperationId = Guid.NewGuid(),
        Kind = OperationKind.Reversal,
        TradeId = Trade,
        OriginalOperationId = original,
    };
}
