using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Contracts;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Wallet;

/// <summary>
/// The chaos switch <c>Wallet:InjectedFaultRate</c>: faults injected before a batch is applied and after it committed
/// are retried like real ones, and no operation is applied twice.
/// </summary>
public class InjectedFaultTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task Under_injected_faults_every_debit_is_answered_and_applied_exactly_once()
    {
        var commands = new WalletCommands(Guid.NewGuid(), Guid.NewGuid());
        await using var bus = await WalletBus.StartAsync(fixture.Servers, options =>
        {
            options.InjectedFaultRate = 0.5;
            options.RetryLimit = 10;
            options.InitialRetryInterval = TimeSpan.FromMilliseconds(5);
            options.MaxRetryInterval = TimeSpan.FromMilliseconds(20);
        });
        await bus.RequestAsync<DepositFunds, FundsDeposited>(commands.Deposit(1_000m));

        // The fault is rolled once per batch: 20 waves of 2 debits make at least 20 batches, so that some are retried.
        List<Response<BalanceDebited, WalletOperationRejected>> answers = [];
        for (var wave = 0; wave < 20; wave++)
            answers.AddRange(await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => bus.RequestAsync<DebitBalance, BalanceDebited>(commands.Debit(2.5m)))));

        Assert.All(answers, answer => Assert.IsType<BalanceDebited>(answer.Message));
        Assert.Contains(answers, answer => ((BalanceDebited)answer.Message).RetryAttempts > 0);
        Assert.Equal(900m, (await bus.GetBalanceAsync(commands.User, WalletCommands.Usdt)).Available);
        var entries = await bus.Services.GetRequiredService<WalletLedger>().GetEntriesOfTradeAsync(commands.Trade, CancellationToken.None);
        Assert.Equal(40, entries.Count);
        Assert.Empty(await bus.ErrorQueueAsync());
    }

    [Fact]
    public async Task A_command_that_always_faults_ends_in_wallet_error_with_the_injected_fault_as_its_reason()
    {
        var commands = new WalletCommands(Guid.NewGuid(), Guid.NewGuid());
        await using var bus = await WalletBus.StartAsync(fixture.Servers, options =>
        {
            options.InjectedFaultRate = 1;
            options.RetryLimit = 2;
            options.InitialRetryInterval = TimeSpan.FromMilliseconds(5);
        });

        await Assert.ThrowsAnyAsync<Exception>(() => bus.RequestAsync<DepositFunds, FundsDeposited>(commands.Deposit(10m)));

        var deadLetters = await Poll.ForAsync( // the fault reaches the requester first
            async () => await bus.ErrorQueueAsync() is { Count: > 0 } queued ? queued : null,
            TimeSpan.FromSeconds(30), () => "Nothing reached wallet_error.");

        var dead = Assert.Single(deadLetters);
        Assert.Contains("Injected transient fault", dead.Headers.GetProperty("MT-Fault-Message").GetString());
        Assert.Equal(2, dead.IntHeader("MT-Fault-RetryCount"));
    }
}
