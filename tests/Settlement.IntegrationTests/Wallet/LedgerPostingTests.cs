using Settlement.Contracts;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Wallet;

public class LedgerPostingTests(ServersFixture fixture) : LedgerTestBase(fixture)
{
    [Fact]
    public async Task Deposit_debit_and_credit_move_the_balance_and_the_balance_is_the_sum_of_the_entries()
    {
        var deposited = await DepositAsync(100m);
        var debited = await Ledger.DebitAsync(Debit(30.5m));
        var credited = await Ledger.CreditAsync(Credit(0.25m));

        Assert.Equal((OperationKind.Deposit, 100m, 100m), (deposited.Kind, deposited.Change, deposited.BalanceAfter));
        Assert.Equal((OperationKind.Debit, -30.5m, 69.5m), (debited.Kind, debited.Change, debited.BalanceAfter));
        Assert.Equal((OperationKind.Credit, 0.25m, 69.75m), (credited.Kind, credited.Change, credited.BalanceAfter));
        await AssertBalanceAsync(69.75m);

        var entries = await Ledger.GetEntriesAsync(User, Usdt);
        Assert.Equal([LedgerReason.Deposit, LedgerReason.TradeSettlement, LedgerReason.TradeSettlement], entries.Select(e => e.Reason));
        Assert.Equal([null, Trade, Trade], entries.Select(e => e.TradeId));
        Assert.Equal([deposited.OperationId, debited.OperationId, credited.OperationId], entries.Select(e => e.OperationId));
    }

    [Fact]
    public async Task Credit_opens_the_account_it_needs()
    {
        Assert.Null(await Ledger.GetBalanceAsync(User, "BTC"));

        var credited = await Ledger.CreditAsync(Credit(1.5m, currency: "BTC"));

        Assert.True(credited.IsApplied);
        await AssertBalanceAsync(1.5m, currency: "BTC");
    }

    [Fact]
    public async Task All_balances_of_a_user_come_back_by_currency()
    {
        await DepositAsync(5m, currency: "USDT");
        await DepositAsync(2m, currency: "BTC");
        await DepositAsync(3m, currency: "ETH");
        await Ledger.DepositAsync(Commands.Deposit(7m, "BTC") with { UserId = Guid.NewGuid() });

        var balances = await Ledger.GetBalancesAsync(User);

        Assert.Equal([("BTC", 2m), ("ETH", 3m), ("USDT", 5m)], balances.Select(b => (b.Currency, b.Available)));
    }

    [Fact]
    public async Task Entries_of_a_trade_cover_every_account_it_touched()
    {
        var seller = Guid.NewGuid();
        await DepositAsync(50m);
        await Ledger.DepositAsync(Commands.Deposit(2m, "BTC") with { UserId = seller });

        await Ledger.DebitAsync(Debit(40m));
        await Ledger.DebitAsync(Debit(1m, "BTC") with { UserId = seller });
        await Ledger.CreditAsync(Credit(1m, currency: "BTC"));

        var entries = await Ledger.GetEntriesOfTradeAsync(Trade);

        Assert.Equal([(User, Usdt, -40m), (seller, "BTC", -1m), (User, "BTC", 1m)], entries.Select(e => (e.UserId, e.Currency, e.Amount)));
    }

    [Fact]
    public async Task A_debit_above_the_balance_is_refused_with_InsufficientBalance_and_changes_nothing()
    {
        await DepositAsync(10m);

        var refused = await Ledger.DebitAsync(Debit(10.000000000000000001m));

        AssertRefused(refused, WalletErrorCode.InsufficientBalance);
        await AssertBalanceAsync(10m);
        Assert.Single(await Ledger.GetEntriesAsync(User, Usdt));
    }

    [Fact]
    public async Task A_debit_of_the_whole_balance_leaves_zero()
    {
        await DepositAsync(10m);

        var debited = await Ledger.DebitAsync(Debit(10m));

        Assert.Equal(0m, debited.BalanceAfter);
        await AssertBalanceAsync(0m);
    }

    [Fact]
    public async Task A_debit_of_an_account_that_does_not_exist_is_refused_with_UnknownAccount()
    {
        var refused = await Ledger.DebitAsync(Debit(1m));

        AssertRefused(refused, WalletErrorCode.UnknownAccount);
        Assert.Null(await Ledger.GetBalanceAsync(User, Usdt));
    }

    [Fact]
    public async Task An_empty_user_id_is_refused_with_UnknownAccount()
    {
        var refused = await Ledger.CreditAsync(Credit(1m) with { UserId = Guid.Empty });

        AssertRefused(refused, WalletErrorCode.UnknownAccount);
        Assert.Null(await Ledger.GetBalanceAsync(Guid.Empty, Usdt));
    }

    [Theory]
    [InlineData("0.123456789012345678")]
    [InlineData("12345678901.123456789012345678")]
    [InlineData("0.000000000000000001")]
    [InlineData("99999999999999999999")]
    public async Task Amounts_with_up_to_18_decimal_places_are_kept_exactly(string text)
    {
        var amount = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

        var deposited = await DepositAsync(amount);

        Assert.Equal(amount, deposited.BalanceAfter);
        await AssertBalanceAsync(amount);
        var entry = Assert.Single(await Ledger.GetEntriesAsync(User, Usdt));
        Assert.Equal(text, entry.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.'));
    }

    [Fact]
    public async Task Sums_of_18_decimal_amounts_are_exact()
    {
        await DepositAsync(0.000000000000000001m);
        await Ledger.CreditAsync(Credit(70000000000m));
        await Ledger.DebitAsync(Debit(0.100000000000000001m));

        await AssertBalanceAsync(69999999999.9m);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("-0.000000000000000001")]
    [InlineData("0.0000000000000000001")]
    [InlineData("1.1234567890123456789")]
    [InlineData("100000000000000000000")]
    [InlineData("79228162514264337593543950335")]
    public async Task Zero_negative_over_precise_and_oversized_amounts_are_refused_with_InvalidAmount(string text)
    {
        var amount = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        await DepositAsync(5m);

        AssertRefused(await DepositAsync(amount), WalletErrorCode.InvalidAmount);
        AssertRefused(await Ledger.CreditAsync(Credit(amount)), WalletErrorCode.InvalidAmount);
        AssertRefused(await Ledger.DebitAsync(Debit(amount)), WalletErrorCode.InvalidAmount);
        await AssertBalanceAsync(5m);
    }

    [Fact]
    public async Task A_credit_the_balance_could_not_hold_exactly_is_refused_with_InvalidAmount()
    {
        await DepositAsync(99999999999999999999m);
        AssertRefused(await Ledger.CreditAsync(Credit(1m)), WalletErrorCode.InvalidAmount);

        await DepositAsync(80000000000m, currency: "BTC");
        AssertRefused(await Ledger.CreditAsync(Credit(0.000000000000000001m, currency: "BTC")), WalletErrorCode.InvalidAmount);

        await AssertBalanceAsync(99999999999999999999m);
        await AssertBalanceAsync(80000000000m, currency: "BTC");
    }

    [Theory]
    [InlineData("")]
    [InlineData("usdt")]
    [InlineData("US-DT")]
    [InlineData(" USDT")]
    [InlineData("USDT\n")]
    [InlineData("ABCDEFGHIJKLMNOPQ")]
    [InlineData(null)]
    public async Task Malformed_currencies_are_refused_with_InvalidCurrency(string? currency)
    {
        AssertRefused(await DepositAsync(1m, currency: currency!), WalletErrorCode.InvalidCurrency);
        AssertRefused(await Ledger.DebitAsync(Debit(1m, currency: currency!)), WalletErrorCode.InvalidCurrency);
        Assert.Empty(await Ledger.GetBalancesAsync(User));
    }

    [Fact]
    public async Task Sixteen_character_currency_codes_of_letters_and_digits_are_accepted()
    {
        Assert.True((await DepositAsync(1m, currency: "ABCDEFGHIJ012345")).IsApplied);
        await AssertBalanceAsync(1m, currency: "ABCDEFGHIJ012345");
    }
}
