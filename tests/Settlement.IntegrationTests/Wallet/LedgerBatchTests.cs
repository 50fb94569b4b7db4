using Settlement.Contracts;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Wallet;

/// <summary>Batches through <see cref="WalletLedger.ApplyAsync(IReadOnlyList{DebitBalance}, CancellationToken)"/>: one transaction, an answer per operation.</summary>
public class LedgerBatchTests(ServersFixture fixture) : LedgerTestBase(fixture)
{
    [Fact]
    public async Task When_a_batch_mixes_applied_refused_repeated_and_reversed_operations_each_gets_its_own_answer()
    {
        await DepositAsync(100m);
        var earlier = Debit(10m);
        var earlierOutcome = await Ledger.DebitAsync(earlier);
        var reversedFirst = Debit(5m);
        await Ledger.ReverseAsync(Reverse(reversedFirst.OperationId));
        var first = Debit(30m);
        var last = Debit(60m);
        var stranger = Guid.NewGuid();

        var outcomes = await Ledger.ApplyAsync([
            first,
            Debit(1_000m),
            Debit(1m) with { UserId = stranger },
            Debit(0m),
            first,
            earlier,
            reversedFirst,
            last,
            first with { Amount = 31m },
        ]);

        Assert.Equal((true, -30m, 60m), (outcomes[0].IsApplied, outcomes[0].Change, outcomes[0].BalanceAfter));
        AssertRefused(outcomes[1], WalletErrorCode.InsufficientBalance);
        AssertRefused(outcomes[2], WalletErrorCode.UnknownAccount);
        AssertRefused(outcomes[3], WalletErrorCode.InvalidAmount);
        Assert.Equal(outcomes[0], outcomes[4]);
        Assert.Equal(earlierOutcome, outcomes[5]);
        AssertRefused(outcomes[6], WalletErrorCode.OperationReversed);
        Assert.Equal((true, -60m, 0m), (outcomes[7].IsApplied, outcomes[7].Change, outcomes[7].BalanceAfter));
        AssertRefused(outcomes[8], WalletErrorCode.OperationIdConflict);

        await AssertBalanceAsync(0m);
        var entries = await Ledger.GetEntriesAsync(User, Usdt);
        Assert.Equal([(100m, 100m), (-10m, 90m), (-30m, 60m), (-60m, 0m)], entries.Select(e => (e.Amount, e.BalanceAfter)));
        Assert.Null(await Ledger.GetBalanceAsync(stranger, Usdt));

        // Each refusal was stored with its operation: asked again, alone, every operation answers the same.
        foreach (var (debit, outcome) in new[] { first, earlier, reversedFirst, last }.Zip([outcomes[0], outcomes[5], outcomes[6], outcomes[7]]))
            Assert.Equal(outcome, await Ledger.DebitAsync(debit));
    }

    [Fact]
    public async Task When_200_debits_race_in_batches_from_several_tasks_exactly_floor_of_balance_over_amount_are_applied()
    {
        await DepositAsync(1_000m);
        var debits = Enumerable.Range(0, 200).Select(_ => Debit(7m)).Chunk(25).ToList();

        var outcomes = (await Task.WhenAll(debits.Select(chunk => Task.Run(() => Ledger.ApplyAsync(chunk))))).SelectMany(o => o).ToList();

        Assert.Equal(142, outcomes.Count(o => o.IsApplied)); // floor(1000 / 7)
        Assert.All(outcomes.Where(o => !o.IsApplied), o => Assert.Equal(WalletErrorCode.InsufficientBalance, o.Error));
        Assert.Equal(Enumerable.Range(0, 142).Select(n => 6m + 7m * n), outcomes.Where(o => o.IsApplied).Select(o => o.BalanceAfter).Order());
        await AssertBalanceAsync(6m);
    }

    [Fact]
    public async Task When_fee_credits_of_many_trades_share_a_batch_each_is_an_entry_of_its_trade_and_the_total_is_exact()
    {
        var feeWallet = Guid.NewGuid();
        var credits = Enumerable.Range(1, 150).Select(n => new CreditBalance
        {
            OperationId = Guid.NewGuid(),
            TradeId = Guid.NewGuid(),
            UserId = feeWallet,
            Currency = Usdt,
            Amount = 0.000000000000000001m * n + 0.1m,
            Reason = LedgerReason.FeeCollection,
        }).ToList();

        var outcomes = await Ledger.ApplyAsync(credits);

        var total = 15m + 0.000000000000011325m; // 150 × 0.1 + (1 + … + 150) × 10^-18
        Assert.All(outcomes, o => Assert.True(o.IsApplied));
        Assert.Equal(total, outcomes[^1].BalanceAfter);
        await AssertBalanceAsync(total, feeWallet);
        var entries = await Ledger.GetEntriesAsync(feeWallet, Usdt);
        Assert.Equal(credits.Select(c => (c.OperationId, (Guid?)c.TradeId, c.Amount, LedgerReason.FeeCollection)),
            entries.Select(e => (e.OperationId, e.TradeId, e.Amount, e.Reason)));
    }

    [Fact]
    public async Task When_a_batch_of_reversals_names_one_operation_twice_it_is_undone_once_and_one_not_arrived_is_marked_once()
    {
        await DepositAsync(100m);
        var debit = Debit(40m);
        await Ledger.DebitAsync(debit);
        var notArrived = Credit(3m);
        var (undo, undoAgain, mark, markAgain) =
            (Reverse(debit.OperationId), Reverse(debit.OperationId), Reverse(notArrived.OperationId), Reverse(notArrived.OperationId));

        var outcomes = await Ledger.ApplyAsync([undo, undoAgain, mark, markAgain, undo]);

        Assert.Equal([40m, 0m, 0m, 0m, 40m], outcomes.Select(o => o.Change));
        Assert.All(outcomes, o => Assert.True(o.IsApplied));
        Assert.Contains($"already reversed by {undo.OperationId}", outcomes[1].Message);
        Assert.Contains($"already reversed by {mark.OperationId}", outcomes[3].Message);
        await AssertBalanceAsync(100m);
        AssertRefused(await Ledger.CreditAsync(notArrived), WalletErrorCode.OperationReversed);
        Assert.Equal(outcomes[0], await Ledger.ReverseAsync(undo));
    }
}
