using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Contracts;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Wallet;

/// <summary>
/// Commands sent over the real RabbitMQ arrive at the wallet in batches. Tests that need several commands in ONE batch
/// give the batch room: a message limit of exactly their count and a time limit long enough for all of them to arrive.
/// </summary>
public class WalletBatchTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    static readonly TimeSpan LockTimeout = TimeSpan.FromMilliseconds(200);

    readonly WalletCommands _commands = new(Guid.NewGuid(), Guid.NewGuid());

    [Fact]
    public async Task When_one_batch_mixes_applied_refused_repeated_and_reversed_debits_each_sender_gets_its_own_answer()
    {
        var stranger = Guid.NewGuid();
        var (debit, reversedFirst) = (_commands.Debit(30m), _commands.Debit(5m));
        DebitBalance[] batch = [debit, _commands.Debit(1_000m), _commands.Debit(1m) with { UserId = stranger }, debit, reversedFirst, _commands.Debit(70m)];
        await using var bus = await WalletBus.StartAsync(fixture.Servers, options => OneBatchOf(options, batch.Length));
        await bus.RequestAsync<DepositFunds, FundsDeposited>(_commands.Deposit(100m));
        await bus.RequestAsync<ReverseOperation, OperationReversed>(_commands.Reverse(reversedFirst.OperationId));

        var answers = await Task.WhenAll(batch.Select(bus.RequestAsync<DebitBalance, BalanceDebited>));

        // The commands reach the queue in any order: the assertions hold for every order.
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
        Assert.Single(entries.Select(e => e.CreatedAt).Distinct()); // posted by one transaction: the batch
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
    public async Task When_a_batch_hits_a_transient_fault_it_is_retried_whole_and_applies_each_operation_once()
    {
        var debits = Enumerable.Range(0, 5).Select(_ => _commands.Debit(10m)).ToArray();
        await using var bus = await WalletBus.StartAsync(fixture.Servers, options =>
        {
            OneBatchOf(options, debits.Length);
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
        Assert.Single(answers.Select(a => a.RetryAttempts).Distinct()); // one batch, retried whole
        Assert.InRange(answers[0].RetryAttempts, 1, 3);
        Assert.Equal([50m, 60m, 70m, 80m, 90m], answers.Select(a => a.BalanceAfter).Order());
        var entries = await LedgerOf(bus).GetEntriesOfTradeAsync(_commands.Trade);
        Assert.Equal(5, entries.Count);
        Assert.Single(entries.Select(e => e.CreatedAt).Distinct()); // posted by one transaction: the retried batch
        Assert.Equal(50m, (await bus.GetBalanceAsync(_commands.User, WalletCommands.Usdt)).Available);
        Assert.Empty(await bus.ErrorQueueAsync());
    }

    [Fact]
    public async Task When_a_batch_fails_past_its_retries_every_command_lands_in_wallet_error_and_every_sender_gets_its_fault()
    {
        var debits = Enumerable.Range(0, 4).Select(_ => _commands.Debit(10m)).ToArray();
        await using var bus = await WalletBus.StartAsync(fixture.Servers, options =>
        {
            OneBatchOf(options, debits.Length);
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
            TimeSpan.FromSeconds(15), () => "Not every command of the batch reached wallet_error.", TimeSpan.FromMilliseconds(100));
        Assert.All(debits, debit => Assert.Contains(dead, m => m.Payload.Contains(debit.OperationId.ToString())));
        Assert.All(dead, m => Assert.Equal(2, m.IntHeader("MT-Fault-RetryCount")));
        Assert.Equal(100m, (await bus.GetBalanceAsync(_commands.User, WalletCommands.Usdt)).Available);
    }

    /// <summary>Room for <paramref name="count"/> commands sent at once to be collected into one batch.</summary>
    static void OneBatchOf(global::Settlement.Wallet.WalletOptions options, int count)
    {
        options.BatchMessageLimit = count;
        options.BatchTimeLimit = TimeSpan.FromSeconds(1);
    }

    static IEnumerable<ExceptionInfo> Flatten(ExceptionInfo? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
            yield return exception;
    }

    static WalletLedger LedgerOf(WalletBus bus) => bus.Services.GetRequiredService<WalletLedger>();
}
