using Settlement.Contracts;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Wallet;

public class LedgerReversalTests(ServersFixture fixture) : LedgerTestBase(fixture)
{
    [Fact]
    public async Task Reversing_a_debit_credits_it_back_once_as_a_settlement_rollback()
    {
        var debit = await DebitFromHundredAsync(40m);

        var reversed = await Ledger.ReverseAsync(Reverse(debit.OperationId));

        Assert.True(reversed.IsApplied);
        Assert.Equal((40m, 100m, debit.OperationId), (reversed.Change, reversed.BalanceAfter, reversed.OriginalOperationId));
        await AssertBalanceAsync(100m);
        var rollback = (await Ledger.GetEntriesAsync(User, Usdt))[^1];
        Assert.Equal((reversed.OperationId, LedgerReason.SettlementRollback, 40m, (Guid?)Trade),
            (rollback.OperationId, rollback.Reason, rollback.Amount, rollback.TradeId));
    }

    [Fact]
    public async Task Reversing_a_credit_debits_it_back()
    {
        var credit = Credit(7m);
        await Ledger.CreditAsync(credit);

        var reversed = await Ledger.ReverseAsync(Reverse(credit.OperationId));

        Assert.Equal(-7m, reversed.Change);
        await AssertBalanceAsync(0m);
    }

    [Fact]
    public async Task A_reversal_that_arrives_before_its_operation_makes_the_operation_refused_when_it_arrives()
    {
        await DepositAsync(100m);
        var debit = Debit(40m);

        var reversed = await Ledger.ReverseAsync(Reverse(debit.OperationId));
        var late = await Ledger.DebitAsync(debit);
        var lateRetry = await Ledger.DebitAsync(debit);

        Assert.True(reversed.IsApplied);
        Assert.Equal(0m, reversed.Change);
        AssertRefused(late, WalletErrorCode.OperationReversed);
        Assert.Equal(late, lateRetry);
        await AssertBalanceAsync(100m);
    }

    [Fact]
    public async Task A_late_credit_after_its_reversal_is_refused_too()
    {
        var credit = Credit(3m);

        await Ledger.ReverseAsync(Reverse(credit.OperationId));

        AssertRefused(await Ledger.CreditAsync(credit), WalletErrorCode.OperationReversed);
        Assert.Null(await Ledger.GetBalanceAsync(User, Usdt));
    }

    [Fact]
    public async Task Reversing_twice_with_the_same_reversal_id_posts_once_and_answers_the_same()
    {
        var debit = await DebitFromHundredAsync(40m);
        var reversal = Reverse(debit.OperationId);

        var first = await Ledger.ReverseAsync(reversal);
        var second = await Ledger.ReverseAsync(reversal);

        Assert.Equal(first, second);
        Assert.Equal(40m, second.Change);
        await AssertBalanceAsync(100m);
    }

    [Fact]
    public async Task Reversing_again_with_another_reversal_id_posts_nothing_and_succeeds_with_amount_zero()
    {
        var debit = await DebitFromHundredAsync(40m);
        await Ledger.ReverseAsync(Reverse(debit.OperationId));

        var again = await Ledger.ReverseAsync(Reverse(debit.OperationId));

        Assert.True(again.IsApplied);
        Assert.Equal(0m, again.Change);
        Assert.Contains("already reversed", again.Message);
        await AssertBalanceAsync(100m);
        Assert.Equal(3, (await Ledger.GetEntriesAsync(User, Usdt)).Count);
    }

    [Fact]
    public async Task Reversing_a_marked_operation_again_posts_nothing()
    {
        var debit = Debit(1m);
        await Ledger.ReverseAsync(Reverse(debit.OperationId));

        var again = await Ledger.ReverseAsync(Reverse(debit.OperationId));

        Assert.Equal((true, 0m), (again.IsApplied, again.Change));
        Assert.Null(await Ledger.GetBalanceAsync(User, Usdt));
    }

    [Fact]
    public async Task Reversing_a_credit_whose_money_was_spent_is_refused_with_InsufficientBalance_and_changes_nothing()
    {
        var credit = Credit(10m);
        await Ledger.CreditAsync(credit);
        await Ledger.DebitAsync(Debit(8m));
        var reversal = Reverse(credit.OperationId);

        var refused = await Ledger.ReverseAsync(reversal);

        AssertRefused(refused, WalletErrorCode.InsufficientBalance);
        await AssertBalanceAsync(2m);
        Assert.Equal(refused, await Ledger.ReverseAsync(reversal));

        await DepositAsync(8m);
        var retriedWithNewId = await Ledger.ReverseAsync(Reverse(credit.OperationId));
        Assert.Equal(-10m, retriedWithNewId.Change);
        await AssertBalanceAsync(0m);
    }

    [Fact]
    public async Task Reversing_a_refused_operation_has_nothing_to_reverse_and_succeeds_with_amount_zero()
    {
        await DepositAsync(5m);
        var debit = Debit(10m);
        await Ledger.DebitAsync(debit);

        var reversed = await Ledger.ReverseAsync(Reverse(debit.OperationId));

        Assert.Equal((true, 0m), (reversed.IsApplied, reversed.Change));
        Assert.Contains("nothing to reverse", reversed.Message);
        await AssertBalanceAsync(5m);
    }

    [Fact]
    public async Task A_reversal_of_a_reversal_or_of_itself_is_refused_with_OperationIdConflict()
    {
        var debit = await DebitFromHundredAsync(40m);
        var reversal = Reverse(debit.OperationId);
        await Ledger.ReverseAsync(reversal);

        AssertRefused(await Ledger.ReverseAsync(Reverse(reversal.OperationId)), WalletErrorCode.OperationIdConflict);
        var self = Guid.NewGuid();
        AssertRefused(await Ledger.ReverseAsync(Reverse(self) with { OperationId = self }), WalletErrorCode.OperationIdConflict);
        await AssertBalanceAsync(100m);
    }

    [Fact]
    public async Task A_deposit_can_be_reversed_and_its_rollback_entry_has_no_trade()
    {
        var deposit = await DepositAsync(10m);

        var reversed = await Ledger.ReverseAsync(Reverse(deposit.OperationId));

        Assert.Equal(-10m, reversed.Change);
        await AssertBalanceAsync(0m);
        Assert.Null((await Ledger.GetEntriesAsync(User, Usdt))[^1].TradeId);
        Assert.Equal(OperationKind.Reversal, reversed.Kind);
    }

    /// <summary>Funds the account with 100 and debits <paramref name="amount"/> from it.</summary>
    async Task<DebitBalance> DebitFromHundredAsync(decimal amount)
    {
        await DepositAsync(100m);
        var debit = Debit(amount);
        Assert.True((await Ledger.DebitAsync(debit)).IsApplied);
        return debit;
    }
}
