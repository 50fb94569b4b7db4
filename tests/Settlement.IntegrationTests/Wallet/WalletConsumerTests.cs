using Settlement.Contracts;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Wallet;

/// <summary>The wallet's commands sent over the real RabbitMQ to the real consumer registration, answered by request clients.</summary>
public class WalletConsumerTests(ServersFixture fixture) : IClassFixture<ServersFixture>, IAsyncLifetime
{
    readonly WalletCommands _commands = new(Guid.NewGuid(), Guid.NewGuid());
    WalletBus _bus = null!;

    public async Task InitializeAsync() => _bus = await WalletBus.StartAsync(fixture.Servers);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task Deposit_debit_credit_and_balance_are_answered_over_the_bus()
    {
        var deposited = await _bus.RequestAsync<DepositFunds, FundsDeposited>(
            _commands.Deposit(100m));
        var debit = Debit(25.5m);
        var debited = await _bus.RequestAsync<DebitBalance, BalanceDebited>(debit);
        var credit = _commands.Credit(0.000000000000000001m, "BTC");
        var credited = await _bus.RequestAsync<CreditBalance, BalanceCredited>(credit);

        var funds = Assert.IsType<FundsDeposited>(deposited.Message);
        Assert.Equal((_commands.User, "USDT", 100m, 100m), (funds.UserId, funds.Currency, funds.Amount, funds.BalanceAfter));
        var taken = Assert.IsType<BalanceDebited>(debited.Message);
        Assert.Equal(new BalanceDebited
        {
            OperationId = debit.OperationId,
            TradeId = _commands.Trade,
            UserId = _commands.User,
            Currency = "USDT",
            Amount = 25.5m,
            BalanceAfter = 74.5m,
        }, taken);
        var given = Assert.IsType<BalanceCredited>(credited.Message);
        Assert.Equal((credit.OperationId, _commands.Trade, 0.000000000000000001m, 0.000000000000000001m, 0),
            (given.OperationId, given.TradeId, given.Amount, given.BalanceAfter, given.RetryAttempts));

        var usdt = await _bus.GetBalanceAsync(_commands.User, "USDT");
        Assert.Equal((74.5m, true), (usdt.Available, usdt.AccountExists));
        var eth = await _bus.GetBalanceAsync(_commands.User, "ETH");
        Assert.Equal((0m, false), (eth.Available, eth.AccountExists));
    }

    [Fact]
    public async Task A_refusal_is_answered_with_WalletOperationRejected_and_the_same_answer_on_redelivery()
    {
        var debit = Debit(1m);

        var first = await _bus.RequestAsync<DebitBalance, BalanceDebited>(debit);
        var second = await _bus.RequestAsync<DebitBalance, BalanceDebited>(debit);

        var rejected = Assert.IsType<WalletOperationRejected>(first.Message);
        Assert.Equal((debit.OperationId, (Guid?)_commands.Trade, WalletErrorCode.UnknownAccount, 0),
            (rejected.OperationId, rejected.TradeId, rejected.Code, rejected.RetryAttempts));
        var again = Assert.IsType<WalletOperationRejected>(second.Message);
        Assert.Equal(rejected, again);
    }

    [Fact]
    public async Task A_refused_deposit_is_rejected_without_a_trade()
    {
        var response = await _bus.RequestAsync<DepositFunds, FundsDeposited>(
            _commands.Deposit(1m, "usdt"));

        var rejected = Assert.IsType<WalletOperationRejected>(response.Message);
        Assert.Equal((WalletErrorCode.InvalidCurrency, (Guid?)null), (rejected.Code, rejected.TradeId));
    }

    [Fact]
    public async Task A_reversal_is_answered_with_OperationReversed_and_its_signed_amount()
    {
        await _bus.RequestAsync<DepositFunds, FundsDeposited>(
            _commands.Deposit(10m));
        var debit = Debit(4m);
        await _bus.RequestAsync<DebitBalance, BalanceDebited>(debit);
        var reversal = _commands.Reverse(debit.OperationId);

        var first = await _bus.RequestAsync<ReverseOperation, OperationReversed>(reversal);
        var another = await _bus.RequestAsync<ReverseOperation, OperationReversed>(reversal with { OperationId = Guid.NewGuid() });

        var reversed = Assert.IsType<OperationReversed>(first.Message);
        Assert.Equal(new OperationReversed
        {
            OperationId = reversal.OperationId,
            OriginalOperationId = debit.OperationId,
            TradeId = _commands.Trade,
            Amount = 4m,
        }, reversed);
        var noOp = Assert.IsType<OperationReversed>(another.Message);
        Assert.Equal(0m, noOp.Amount);
        Assert.Equal(10m, (await _bus.GetBalanceAsync(_commands.User, "USDT")).Available);
    }

    [Fact]
    public async Task A_reversal_of_spent_money_is_rejected_and_an_operation_after_its_reversal_is_rejected()
    {
        var credit = _commands.Credit(5m);
        await _bus.RequestAsync<CreditBalance, BalanceCredited>(credit);
        await _bus.RequestAsync<DebitBalance, BalanceDebited>(Debit(5m));
        var lateDebit = Debit(1m);
        await _bus.RequestAsync<ReverseOperation, OperationReversed>(
            _commands.Reverse(lateDebit.OperationId));

        var spent = await _bus.RequestAsync<ReverseOperation, OperationReversed>(
            _commands.Reverse(credit.OperationId));
        var late = await _bus.RequestAsync<DebitBalance, BalanceDebited>(lateDebit);

        var refused = Assert.IsType<WalletOperationRejected>(spent.Message);
        Assert.Equal(WalletErrorCode.InsufficientBalance, refused.Code);
        var reversedFirst = Assert.IsType<WalletOperationRejected>(late.Message);
        Assert.Equal(WalletErrorCode.OperationReversed, reversedFirst.Code);
    }

    [Fact]
    public async Task Fifty_deliveries_of_the_same_debit_over_the_bus_apply_it_once()
    {
        await _bus.RequestAsync<DepositFunds, FundsDeposited>(
            _commands.Deposit(100m));
        var debit = Debit(10m);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => _bus.RequestAsync<DebitBalance, BalanceDebited>(debit)));

        Assert.All(responses, r => Assert.Equal(90m, Assert.IsType<BalanceDebited>(r.Message).BalanceAfter));
        Assert.Equal(90m, (await _bus.GetBalanceAsync(_commands.User, "USDT")).Available);
    }

    DebitBalance Debit(decimal amount) => _commands.Debit(amount);
}
