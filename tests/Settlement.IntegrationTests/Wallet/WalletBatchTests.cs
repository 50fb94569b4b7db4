using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Contracts;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Wallet;

/// <summary>
/// Commands sent over the real RabbitMQ, applied in batches that form by themselves (<c>CommandBatches</c>): each command
/// is consumed, retried and answered on its own. <see cref="CommandBatchesTests"/> puts chosen commands into one batch.
/// </summary>
public class WalletBatchTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    static readonly TimeSpan LockTimeout = TimeSpan.FromMilliseconds(200);

    readonly WalletCommands _commands = new(Guid.NewGuid(), Guid.NewGuid());

    [Fact]
    public async Task When_applied_refused_repeated_and_reversed_debits_arrive_together_each_sender_gets_its_own_answer()
    {
        var stranger = Guid.NewGuid();
        var (debit, reversedFirst) = (_commands.Debit(30m), _commands.Debit(5m));
        DebitBalance[] debits = [debit, _commands.Debit(1_000m), _commands.Debit(1m) with { UserId = stranger }, debit, reversedFirst, _commands.Debit(70m)];
        await using var bus = await WalletBus.StartAsync(fixture.Servers);
        await bus.RequestAsync<DepositFunds, FundsDeposited>(_commands.Deposit(100m));
        await bus.RequestAsync<ReverseOperation, OperationReversed>(_commands.Reverse(reversedFirst.OperationId));

        var answers = await Task.WhenAll(debits.Select(bus.RequestAsync<DebitBalance, BalanceDebited>));

        // The commands reach the queue in any order, alone or together: the assertions hold for every order.
        var debited = Assert.IsType<BalanceDebited>(answers[0].Message);
        Assert.Equal((debit.OperationId, 30m), (debited.OperationId, debited.Amount));
        Assert.Equal(WalletErrorCode.InsufficientBalance, Assert.IsType<WalletOperationRejected>(answers[1].Message).Code);
        Assert.Equal(WalletErrorCode.UnknownAccount, Assert.IsType<WalletOperationRejected>(answers[2].Message).Code);
        Assert.Equal(debited, Assert.IsType<BalanceDebited>(answers[3].Message));
        Assert.Equal(WalletErrorCode.OperationReversed, Assert.IsType<WalletOperationRejected>(answers[4].Message).Code);
        Assert.Equal(70m, Assert.IsType<BalanceDebited>(answers[5].Message).Amount);
        Assert.Contains(0m, new[] { debited.BalanceAfter, ((BalanceDebited)answers[5].Message).BalanceAfter });
        Assert.Equal(0m, (await bus.GetBalanceAsync(_commands.User, WalletCommands.Usdt)).Available);
        var entries = await LedgerOf(bus).GetEntriesOfTradeAsync(_commands.Trade);
        Assert.Equal([-70m, -30m], entries.Select(e => e.Amount).Order());
    }

    [Fact]
    public async Task When_200_debits_of_one_account_arrive_over_the_bus_exactly_floor_of_balance_over_amount_are_applied()
    {
        await using var bus = await WalletBus.StartAsync(fixture.Servers);
        await bus.RequestAsync<DepositFunds, FundsDeposited>(_commands.Deposit(1_000m));

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => bus.RequestAsync<DebitBalance, BalanceDebited>(_commands.Debit(7m))));

        Assert.Equal(142, answers.Count(a => a.Message is BalanceDebited)); // floor(1000 / 7)
        Assert.All(answers.Select(a => a.Message).OfType<WalletOperationRejected>(), r => Assert.Equal(WalletErrorCode.InsufficientBalance, r.Code));
        Assert.Equal(6m, (await bus.GetBalanceAsync(_commands.User, WalletCommands.Usdt)).Available);
        var entries = await LedgerOf(bus).GetEntriesAsync(_commands.User, WalletCommands.Usdt);
        Assert.Equal(143, entries.Count);
        Assert.All(entries, e => Assert.True(e.BalanceAfter >= 0m));
    }

    [Fact]
    public async Task When_commands_hit_a_transient_fault_each_is_retried_and_applied_once()
    {
        var debits = Enumerable.Range(0, 5).Select(_ => _commands.Debit(10m)).ToArray();
        await using var bus = await WalletBus.StartAsync(fixture.Servers, options =>
        {
            options.LockTimeout = LockTimeout;
            options.RetryLimit = 3;
            options.InitialRetryInterval = TimeSpan.FromMilliseconds(100);
            options.MaxRetryInterval = TimeSpan.FromMilliseconds(400);
        });
        await bus.RequestAsync<DepositFunds, FundsDeposited>(_commands.Deposit(100m));
        Task<Response<BalanceDebited, WalletOperationRejected>[]> requests;

        await using (var held = await AccountLock.HoldAsync(fixture.Servers.PostgresConnectionString, _commands.User, WalletCommands.Usdt))
        {
            requests = Task.WhenAll(debits.Select(bus.RequestAsync<DebitBalance, BalanceDebited>));
            await held.WaitUntilSomeoneWaitsAsync();
            await Task.Delay(LockTimeout * 2); // the first attempt has given up waiting: it failed and is being retried
        }

        var answers = (await requests).Select(a => Assert.IsType<BalanceDebited>(a.Message)).ToList();
        Assert.Contains(answers, a => a.RetryAttempts >= 1); // the first attempt failed; each answer says its own retries
        Assert.All(answers, a => Assert.InRange(a.RetryAttempts, 0, 3));
        Assert.Equal([50m, 60m, 70m, 80m, 90m], answers.Select(a => a.BalanceAfter).Order());
        Assert.Equal(5, (await LedgerOf(bus).GetEntriesOfTradeAsync(_commands.Trade)).Count);
        Assert.Equal(50m, (await bus.GetBalanceAsync(_commands.User, WalletCommands.Usdt)).Available);
        Assert.Empty(await bus.ErrorQueueAsync());
    }

    [Fact]
    public async Task When_commands_fail_past_their_retries_every_one_lands_in_wallet_error_and_every_sender_gets_its_fault()
    {
        var debits = Enumerable.Range(0, 4).Select(_ => _commands.Debit(10m)).ToArray();
        await using var bus = await WalletBus.StartAsync(fixture.Servers, options =>
        {
            options.LockTimeout = LockTimeout;
            options.RetryLimit = 2;
            options.InitialRetryInterval = TimeSpan.FromMilliseconds(50);
        });
        await bus.RequestAsync<DepositFunds, FundsDeposited>(_commands.Deposit(100m));

        await using (await AccountLock.HoldAsync(fixture.Servers.PostgresConnectionString, _commands.User, WalletCommands.Usdt))
        {
            var faults = await Task.WhenAll(debits.Select(debit =>
                Assert.ThrowsAsync<RequestFaultException>(() => bus.RequestAsync<DebitBalance, BalanceDebited>(debit))));
            Assert.All(faults, fault => Assert.Contains("55P03", string.Join(" ", Flatten(fault.Fault!.Exceptions.Single()).Select(e => e.Message))));
        }

        var dead = await Poll.ForAsync(async () => await bus.ErrorQueueAsync() is { Count: 4 } queued ? queued : null,
            TimeSpan.FromSeconds(30), () => "Not every command reached wallet_error.", TimeSpan.FromMilliseconds(100));
        Assert.All(debits, debit => Assert.Contains(dead, m => m.Payload.Contains(debit.OperationId.ToString())));
        Assert.All(dead, m => Assert.Equal(2, m.IntHeader("MT-Fault-RetryCount")));
        Assert.Equal(100m, (await bus.GetBalanceAsync(_commands.User, WalletCommands.Usdt)).Available);
    }

    static IEnumerable<ExceptionInfo> Flatten(ExceptionInfo? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
            yield return exception;
    }

    static WalletLedger LedgerOf(WalletBus bus) => bus.Services.GetRequiredService<WalletLedger>();
}
