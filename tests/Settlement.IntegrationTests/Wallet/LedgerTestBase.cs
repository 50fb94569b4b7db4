using Microsoft.Extensions.DependencyInjection;
using Settlement.Contracts;
using Settlement.Testing;
using Settlement.Wallet;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Wallet;

/// <summary>
/// A <see cref="WalletLedger"/> on the shared test database, from a service provider of its own, with the wallet's real
/// registration. Each test works on a user of its own, so tests run in parallel on one database.
/// </summary>
public abstract class LedgerTestBase : IClassFixture<ServersFixture>, IDisposable
{
    protected const string Usdt = "USDT";

    readonly ServiceProvider _provider;

    protected LedgerTestBase(ServersFixture fixture)
    {
        _provider = new ServiceCollection()
            .AddLogging()
            .AddWallet(options => options.ConnectionString = fixture.Servers.PostgresConnectionString)
            .BuildServiceProvider(validateScopes: true);
        Ledger = _provider.GetRequiredService<WalletLedger>();
    }

    protected WalletLedger Ledger { get; }

    protected Guid User { get; } = Guid.NewGuid();

    protected Guid Trade { get; } = Guid.NewGuid();

    protected Task<WalletOutcome> DepositAsync(decimal amount, Guid? operationId = null, Guid? user = null, string currency = Usdt) =>
        Ledger.DepositAsync(new DepositFunds
        {
            OperationId = operationId ?? Guid.NewGuid(),
            UserId = user ?? User,
            Currency = currency,
            Amount = amount,
        });

    protected static DebitBalance Debit(Guid user, decimal amount, Guid tradeId, string currency = Usdt, Guid? operationId = null) => new()
    {
        OperationId = operationId ?? Guid.NewGuid(),
        TradeId = tradeId,
        UserId = user,
        Currency = currency,
        Amount = amount,
        Reason = LedgerReason.TradeSettlement,
    };

    protected DebitBalance Debit(decimal amount, Guid? operationId = null, string currency = Usdt) =>
        Debit(User, amount, Trade, currency, operationId);

    protected CreditBalance Credit(decimal amount, Guid? operationId = null, string currency = Usdt) => new()
    {
        OperationId = operationId ?? Guid.NewGuid(),
        TradeId = Trade,
        UserId = User,
        Currency = currency,
        Amount = amount,
        Reason = LedgerReason.TradeSettlement,
    };

    protected ReverseOperation Reverse(Guid originalOperationId, Guid? operationId = null) => new()
    {
        OperationId = operationId ?? Guid.NewGuid(),
        OriginalOperationId = originalOperationId,
        TradeId = Trade,
    };

    /// <summary>
    /// Asserts the account's balance, and that it is what its ledger entries add up to, entry by entry, never below zero.
    /// </summary>
    protected async Task AssertBalanceAsync(decimal expected, Guid? user = null, string currency = Usdt)
    {
        var account = await Ledger.GetBalanceAsync(user ?? User, currency);
        Assert.NotNull(account);
        Assert.Equal(expected, account.Available);

        var running = 0m;
        foreach (var entry in await Ledger.GetEntriesAsync(user ?? User, currency))
        {
            running += entry.Amount;
            Assert.Equal(running, entry.BalanceAfter);
            Assert.True(entry.BalanceAfter >= 0m, $"Entry {entry.EntryId} left the balance at {entry.BalanceAfter}.");
        }

        Assert.Equal(expected, running);
    }

    protected static void AssertRefused(WalletOutcome outcome, WalletErrorCode code)
    {
        Assert.False(outcome.IsApplied, $"Expected {code}, but {outcome.OperationId} was applied.");
        Assert.Equal(code, outcome.Error);
        Assert.Equal(0m, outcome.Change);
    }

    public void Dispose()
    {
        _provider.Dispose();
        GC.SuppressFinalize(this);
    }
}
