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
    protected const string Usdt = WalletCommands.Usdt;

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

    protected WalletCommands Commands { get; } = new(Guid.NewGuid(), Guid.NewGuid());

    protected Guid User => Commands.User;

    protected Guid Trade => Commands.Trade;

    protected Task<WalletOutcome> DepositAsync(decimal amount, string currency = Usdt) => Ledger.DepositAsync(Commands.Deposit(amount, currency));

    protected DebitBalance Debit(decimal amount, string currency = Usdt) => Commands.Debit(amount, currency);

    protected CreditBalance Credit(decimal amount, string currency = Usdt) => Commands.Credit(amount, currency);

    protected ReverseOperation Reverse(Guid originalOperationId) => Commands.Reverse(originalOperationId);

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
