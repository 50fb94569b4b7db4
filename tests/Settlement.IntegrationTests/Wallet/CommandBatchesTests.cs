using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Settlement.Contracts;
using Settlement.Testing;
using Settlement.Wallet;
using Settlement.Wallet.Consumers;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Wallet;

/// <summary>
/// Batches that form by themselves, on the real database: one transaction per command type at a time, so the commands
/// that arrive while a transaction waits on a held account go, all of them, into the next one.
/// </summary>
public sealed class CommandBatchesTests(ServersFixture fixture) : IClassFixture<ServersFixture>, IDisposable
{
    readonly WalletCommands _commands = new(Guid.NewGuid(), Guid.NewGuid());
    readonly List<ServiceProvider> _providers = [];

    [Fact]
    public async Task Commands_queued_behind_a_busy_transaction_are_applied_in_one_next_transaction_each_with_its_own_outcome()
    {
        var (batches, ledger) = Start(options => options.LockTimeout = TimeSpan.FromSeconds(30));
        await ledger.DepositAsync(_commands.Deposit(101m));
        var (debit, reversedFirst) = (_commands.Debit(30m), _commands.Debit(5m));
        await ledger.ReverseAsync(_commands.Reverse(reversedFirst.OperationId));
        DebitBalance[] queued = [debit, _commands.Debit(1_000m), _commands.Debit(1m) with { UserId = Guid.NewGuid() }, debit, reversedFirst, _commands.Debit(70m)];

        Task<WalletOutcome> blocked;
        Task<WalletOutcome[]> batch;
        await using (var held = await AccountLock.HoldAsync(fixture.Servers.PostgresConnectionString, _commands.User, WalletCommands.Usdt))
        {
            blocked = batches.ApplyAsync(_commands.Debit(1m), CancellationToken.None);
            await held.WaitUntilSomeoneWaitsAsync();
            batch = Task.WhenAll(queued.Select(d => batches.ApplyAsync(d, CancellationToken.None)));
        }

        Assert.Equal(100m, (await blocked).BalanceAfter);
        var outcomes = await batch;
        Assert.Equal((30m, 70m), (-outcomes[0].Change, outcomes[0].BalanceAfter)); // applied in arrival order
        Assert.Equal(WalletErrorCode.InsufficientBalance, outcomes[1].Error);
        Assert.Equal(WalletErrorCode.UnknownAccount, outcomes[2].Error);
        Assert.Equal(outcomes[0], outcomes[3]); // a repeat gets the first outcome
        Assert.Equal(WalletErrorCode.OperationReversed, outcomes[4].Error);
        Assert.Equal((-70m, 0m), (outcomes[5].Change, outcomes[5].BalanceAfter));
        var entries = await ledger.GetEntriesOfTradeAsync(_commands.Trade);
        Assert.Equal([-1m, -30m, -70m], entries.Select(e => e.Amount));
        Assert.Single(entries.Skip(1).Select(e => e.CreatedAt).Distinct()); // the two queued debits: one transaction
        Assert.NotEqual(entries[0].CreatedAt, entries[1].CreatedAt);
        Assert.Equal(0m, (await ledger.GetBalanceAsync(_commands.User, WalletCommands.Usdt))!.Available);
    }

    [Fact]
    public async Task A_queue_longer_than_the_message_limit_is_applied_in_batches_of_that_limit()
    {
        var (batches, ledger) = Start(options => (options.LockTimeout, options.BatchMessageLimit) = (TimeSpan.FromSeconds(30), 3));
        await ledger.DepositAsync(_commands.Deposit(100m));

        Task<WalletOutcome[]> queued;
        await using (var held = await AccountLock.HoldAsync(fixture.Servers.PostgresConnectionString, _commands.User, WalletCommands.Usdt))
        {
            var blocked = batches.ApplyAsync(_commands.Debit(1m), CancellationToken.None);
            await held.WaitUntilSomeoneWaitsAsync();
            queued = Task.WhenAll(Enumerable.Range(0, 7).Select(_ => batches.ApplyAsync(_commands.Debit(1m), CancellationToken.None)).Append(blocked));
        }

        Assert.All(await queued, outcome => Assert.True(outcome.IsApplied));
        var entries = await ledger.GetEntriesOfTradeAsync(_commands.Trade);
        Assert.Equal([1, 3, 3, 1], entries.GroupBy(e => e.CreatedAt).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.Equal(92m, (await ledger.GetBalanceAsync(_commands.User, WalletCommands.Usdt))!.Available);
    }

    [Fact]
    public async Task A_transient_fault_of_a_batch_is_every_members_fault_and_nothing_of_it_is_kept()
    {
        var (batches, ledger) = Start(options => options.LockTimeout = TimeSpan.FromMilliseconds(300));
        await ledger.DepositAsync(_commands.Deposit(100m));

        Task<WalletOutcome> blocked;
        Task<WalletOutcome>[] queued;
        await using (var held = await AccountLock.HoldAsync(fixture.Servers.PostgresConnectionString, _commands.User, WalletCommands.Usdt))
        {
            blocked = batches.ApplyAsync(_commands.Debit(1m), CancellationToken.None);
            await held.WaitUntilSomeoneWaitsAsync();
            queued = [.. Enumerable.Range(0, 3).Select(_ => batches.ApplyAsync(_commands.Debit(1m), CancellationToken.None))];
            foreach (var member in queued.Append(blocked))
            {
                var fault = await Assert.ThrowsAsync<PostgresException>(() => member);
                Assert.Equal(PostgresErrorCodes.LockNotAvailable, fault.SqlState);
                Assert.True(TransientFaults.IsTransient(fault));
            }
        }

        Assert.Empty(await ledger.GetEntriesOfTradeAsync(_commands.Trade));
        Assert.Equal(100m, (await ledger.GetBalanceAsync(_commands.User, WalletCommands.Usdt))!.Available);
    }

    /// <summary>The wallet's real registration with one transaction per command type at a time.</summary>
    (CommandBatches Batches, WalletLedger Ledger) Start(Action<WalletOptions> configure)
    {
        var provider = new ServiceCollection()
            .AddLogging()
            .AddWallet(options =>
            {
                options.ConnectionString = fixture.Servers.PostgresConnectionString;
                options.BatchConcurrencyLimit = 1;
                configure(options);
            })
            .BuildServiceProvider(validateScopes: true);
        _providers.Add(provider);
        return (provider.GetRequiredService<CommandBatches>(), provider.GetRequiredService<WalletLedger>());
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
            provider.Dispose();
    }
}
