using MassTransit;
using Settlement.Contracts;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Wallet;

/// <summary>
/// Transient faults made real: the test holds the account's row lock, so the wallet's statement hits its lock timeout
/// (PostgreSQL 55P03, transient) until the test lets go.
/// </summary>
public class WalletRetryTests(ServersFixture fixture) : IClassFixture<ServersFixture>, IAsyncLifetime
{
    static readonly TimeSpan LockTimeout = TimeSpan.FromMilliseconds(200);

    readonly WalletCommands _commands = new(Guid.NewGuid(), Guid.NewGuid());
    WalletBus _bus = null!;

    public async Task InitializeAsync()
    {
        _bus = await WalletBus.StartAsync(fixture.Servers, options =>
        {
            options.LockTimeout = LockTimeout;
            options.RetryLimit = 3;
            options.InitialRetryInterval = TimeSpan.FromMilliseconds(100);
            options.MaxRetryInterval = TimeSpan.FromMilliseconds(400);
        });
        await _bus.RequestAsync<DepositFunds, FundsDeposited>(_commands.Deposit(100m));
    }

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task A_transient_fault_is_retried_and_then_answered_with_the_retry_count()
    {
        var debit = _commands.Debit(10m);
        Task<Response<BalanceDebited, WalletOperationRejected>> request;

        await using (var held = await HoldAccountLockAsync())
        {
            request = _bus.RequestAsync<DebitBalance, BalanceDebited>(debit);
            await held.WaitUntilSomeoneWaitsAsync();
            await Task.Delay(LockTimeout * 2); // the first attempt has given up waiting: it failed and is being retried
        }

        var debited = Assert.IsType<BalanceDebited>((await request).Message);
        Assert.InRange(debited.RetryAttempts, 1, 3);
        Assert.Equal(90m, debited.BalanceAfter);
        Assert.Equal(90m, (await _bus.GetBalanceAsync(_commands.User, "USDT")).Available);
        Assert.Empty(await _bus.ErrorQueueAsync());
    }

    [Fact]
    public async Task A_fault_that_outlasts_the_retries_lands_in_wallet_error_with_the_retry_count_and_changes_nothing()
    {
        var debit = _commands.Debit(10m);

        await using (await HoldAccountLockAsync())
        {
            var fault = await Assert.ThrowsAsync<RequestFaultException>(() => _bus.RequestAsync<DebitBalance, BalanceDebited>(debit));
            Assert.Contains("55P03", string.Join(" ", Flatten(fault.Fault!.Exceptions.Single()).Select(e => e.Message)));
        }

        var failed = await WaitForErrorQueueMessageAsync(debit.OperationId);
        Assert.Equal(3, failed.IntHeader("MT-Fault-RetryCount"));
        Assert.Equal(100m, (await _bus.GetBalanceAsync(_commands.User, "USDT")).Available);

        // Nothing of the failed delivery was kept, so the same command, redelivered once the fault is gone, is applied.
        var redelivered = Assert.IsType<BalanceDebited>((await _bus.RequestAsync<DebitBalance, BalanceDebited>(debit)).Message);
        Assert.Equal((90m, 0), (redelivered.BalanceAfter, redelivered.RetryAttempts));
    }

    Task<QueuedMessage> WaitForErrorQueueMessageAsync(Guid operationId) => Poll.ForAsync(
        async () => (await _bus.ErrorQueueAsync()).FirstOrDefault(m => m.Payload.Contains(operationId.ToString())),
        TimeSpan.FromSeconds(15), () => $"No message of {operationId} reached wallet_error.", TimeSpan.FromMilliseconds(100));

    static IEnumerable<ExceptionInfo> Flatten(ExceptionInfo? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
            yield return exception;
    }

    Task<AccountLock> HoldAccountLockAsync() => AccountLock.HoldAsync(fixture.Servers.PostgresConnectionString, _commands.User, "USDT");
}
