using Settlement.Contracts;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Wallet;

public class LedgerIdempotencyTests(ServersFixture fixture) : LedgerTestBase(fixture)
{
    [Fact]
    public async Task Same_operation_id_twice_changes_the_balance_once_and_answers_the_same_both_times()
    {
        await DepositAsync(100m);
        var debit = Debit(30m);

        var first = await Ledger.DebitAsync(debit);
        await Ledger.CreditAsync(Credit(5m));
        var second = await Ledger.DebitAsync(debit);

        Assert.Equal(first, second);
        Assert.Equal(70m, second.BalanceAfter);
        await AssertBalanceAsync(75m);
        Assert.Single(await Ledger.GetEntriesAsync(User, Usdt), e => e.OperationId == debit.OperationId);
    }

    [Fact]
    public async Task Same_deposit_twice_funds_the_account_once()
    {
        var deposit = Commands.Deposit(10m);

        var first = await Ledger.DepositAsync(deposit);
        var second = await Ledger.DepositAsync(deposit);

        Assert.Equal(first, second);
        await AssertBalanceAsync(10m);
    }

    [Theory]
    [InlineData(5, WalletErrorCode.InsufficientBalance)]
    [InlineData(null, WalletErrorCode.UnknownAccount)]
    public async Task A_refused_debit_stays_refused_with_its_first_answer_even_once_it_could_succeed(int? funds, WalletErrorCode refusal)
    {
        if (funds is { } initial)
            await DepositAsync(initial);
        var debit = Debit(10m);

        var first = await Ledger.DebitAsync(debit);
        await DepositAsync(100m);
        var second = await Ledger.DebitAsync(debit);

        AssertRefused(first, refusal);
        Assert.Equal(first, second);
        await AssertBalanceAsync((funds ?? 0) + 100m);
    }

    [Fact]
    public async Task An_invalid_request_stays_refused_and_its_id_cannot_be_reused_for_a_valid_one()
    {
        await DepositAsync(10m);
        var debit = Debit(0.0000000000000000001m);

        var first = await Ledger.DebitAsync(debit);
        var again = await Ledger.DebitAsync(debit);
        var reused = await Ledger.DebitAsync(debit with { Amount = 1m });

        AssertRefused(first, WalletErrorCode.InvalidAmount);
        Assert.Equal(first, again);
        AssertRefused(reused, WalletErrorCode.OperationIdConflict);
        await AssertBalanceAsync(10m);
    }

    [Fact]
    public async Task An_operation_id_reused_for_another_amount_account_or_kind_is_refused_with_OperationIdConflict()
    {
        await DepositAsync(100m);
        var debit = Debit(10m);
        await Ledger.DebitAsync(debit);

        AssertRefused(await Ledger.DebitAsync(debit with { Amount = 11m }), WalletErrorCode.OperationIdConflict);
        AssertRefused(await Ledger.DebitAsync(debit with { UserId = Guid.NewGuid() }), WalletErrorCode.OperationIdConflict);
        AssertRefused(await Ledger.DebitAsync(debit with { Currency = "BTC" }), WalletErrorCode.OperationIdConflict);
        AssertRefused(await Ledger.DebitAsync(debit with { TradeId = Guid.NewGuid() }), WalletErrorCode.OperationIdConflict);
        AssertRefused(await Ledger.CreditAsync(Credit(10m) with { OperationId = debit.OperationId }), WalletErrorCode.OperationIdConflict);
        AssertRefused(await Ledger.DepositAsync(Commands.Deposit(10m) with { OperationId = debit.OperationId }), WalletErrorCode.OperationIdConflict);
        AssertRefused(await Ledger.ReverseAsync(Reverse(Guid.NewGuid()) with { OperationId = debit.OperationId }), WalletErrorCode.OperationIdConflict);

        await AssertBalanceAsync(90m);
        Assert.True((await Ledger.DebitAsync(debit)).IsApplied);
    }

    [Fact]
    public async Task The_same_amount_written_with_more_zeros_is_the_same_operation()
    {
        await DepositAsync(100m);
        var debit = Debit(10.5m);

        var first = await Ledger.DebitAsync(debit);
        var second = await Ledger.DebitAsync(debit with { Amount = 10.500000m });

        Assert.Equal(first, second);
        await AssertBalanceAsync(89.5m);
    }
}
