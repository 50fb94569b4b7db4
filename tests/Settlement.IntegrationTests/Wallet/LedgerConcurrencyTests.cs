using Settlement.Contracts;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Wallet;

public class LedgerConcurrencyTests(ServersFixture fixture) : LedgerTestBase(fixture)
{
    [Fact]
    public async Task Fifty_parallel_debits_of_10_against_100_apply_exactly_10_and_leave_zero()
    {
        await DepositAsync(100m);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Ledger.DebitAsync(Debit(10m)))));

        Assert.Equal(10, outcomes.Count(o => o.IsApplied));
        Assert.All(outcomes.Where(o => !o.IsApplied), o => Assert.Equal(WalletErrorCode.InsufficientBalance, o.Error));
        Assert.Equal(Enumerable.Range(0, 10).Select(n => n * 10m), outcomes.Where(o => o.IsApplied).Select(o => o.BalanceAfter).Order());
        await AssertBalanceAsync(0m);
    }

    [Fact]
    public async Task Fifty_parallel_deliveries_of_the_same_debit_apply_it_once_and_all_get_its_answer()
    {
        await DepositAsync(100m);
        var debit = Debit(10m);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Ledger.DebitAsync(debit))));

        Assert.All(outcomes, o => Assert.Equal(outcomes[0], o));
        Assert.Equal((true, 90m), (outcomes[0].IsApplied, outcomes[0].BalanceAfter));
        await AssertBalanceAsync(90m);
        Assert.Single(await Ledger.GetEntriesAsync(User, Usdt), e => e.OperationId == debit.OperationId);
    }

    [Fact]
    public async Task Parallel_credits_and_debits_on_one_account_lose_no_update()
    {
        await DepositAsync(1000m);

        var credits = Enumerable.Range(0, 25).Select(_ => Task.Run(() => Ledger.CreditAsync(Credit(3m))));
        var debits = Enumerable.Range(0, 25).Select(_ => Task.Run(() => Ledger.DebitAsync(Debit(1m))));
        var outcomes = await Task.WhenAll(credits.Concat(debits));

        Assert.All(outcomes, o => Assert.True(o.IsApplied));
        await AssertBalanceAsync(1050m);
    }

    [Fact]
    public async Task An_operation_racing_its_reversal_ends_either_refused_or_applied_and_reversed_never_half()
    {
        await DepositAsync(1000m);

        for (var round = 0; round < 20; round++)
        {
            var debit = Debit(10m);
            var operation = Task.Run(() => Ledger.DebitAsync(debit));
            var reversal = Task.Run(() => Ledger.ReverseAsync(Reverse(debit.OperationId)));
            var (debited, reversed) = (await operation, await reversal);

            Assert.True(reversed.IsApplied);
            Assert.Equal(debited.IsApplied ? 10m : 0m, reversed.Change);
            if (!debited.IsApplied)
                Assert.Equal(WalletErrorCode.OperationReversed, debited.Error);
        }

        await AssertBalanceAsync(1000m);
    }
}
