using System.Net;
using System.Net.Http.Json;
using Settlement.Contracts;
using Settlement.IntegrationTests.Settlement;
using Settlement.IntegrationTests.Wallet;
using Settlement.Operations.DeadLetters;
using Settlement.Orchestration.Saga;
using Settlement.Testing;

namespace Settlement.IntegrationTests.DeadLetters;

/// <summary>
/// Real dead letters: the test holds the seller's base-currency account, so the wallet's SellerDebit times out on every
/// attempt, lands in <c>wallet_error</c> after its 3 retries, and the trade waits Suspended. Replaying it settles the trade.
/// On the shared single node with classic queues; <c>QuorumDeadLetterReplayTests</c> runs the same on a quorum cluster.
/// </summary>
public class DeadLetterReplayTests(ServersFixture fixture) : IClassFixture<ServersFixture>, IAsyncLifetime
{
    /// <summary>The servers the service runs on.</summary>
    protected virtual TestServers Servers => fixture.Servers;

    /// <summary>Settings on top of the sandbox's: none here.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    private protected ServiceWithApi Service => _service;

    private protected const string WalletError = "wallet_error";

    readonly Market _market = new();
    readonly Guid _buyer = Guid.NewGuid();
    readonly Guid _seller = Guid.NewGuid();
    ServiceWithApi _service = null!;

    public async Task InitializeAsync()
    {
        _service = await ServiceWithApi.StartAsync(Servers, Settings);
        await _service.DepositAsync(_buyer, _market.Quote, 60_000m);
        await _service.DepositAsync(_seller, _market.Base, 2m);
    }

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task A_seller_debit_that_outlasts_its_retries_is_listed_and_its_retry_through_the_API_settles_the_trade_once()
    {
        var trade = (await SuspendAsync(1)).Single();

        var listing = await _service.ListAsync(WalletError);
        var deadLetter = Assert.Single(listing.Messages);
        Assert.Equal((WalletError, "DebitBalance", trade.TradeId, 3), (deadLetter.Queue, deadLetter.MessageType, deadLetter.TradeId, deadLetter.RetryCount));
        Assert.Equal(["urn:message:Settlement.Contracts:DebitBalance"], deadLetter.MessageTypes);
        Assert.StartsWith("Npgsql.PostgresException: 55P03: canceling statement due to lock timeout", deadLetter.Reason);
        Assert.Equal("Npgsql.PostgresException", deadLetter.ExceptionType);
        Assert.InRange(deadLetter.FaultedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        Assert.EndsWith($"/{_service.VirtualHost}/wallet", deadLetter.InputAddress);
        Assert.Equal("wallet", deadLetter.ReturnQueue);
        Assert.Equal(new ErrorQueueSummary(WalletError, 1, 1), Assert.Single(listing.Queues));
        Assert.Equivalent(listing, await _service.ListAsync(), strict: true);

        var response = await _service.Api.PostAsync($"/api/dead-letters/{WalletError}/{deadLetter.MessageId}/retry", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new RetriedMessage(WalletError, deadLetter.MessageId!, "wallet", "DebitBalance", trade.TradeId),
            await response.Content.ReadFromJsonAsync<RetriedMessage>());

        await AssertSettledOnceAsync([trade]);
        Assert.Empty((await _service.ListAsync(WalletError)).Messages);
        Assert.Empty(await _service.Management.PeekAsync(_service.VirtualHost, WalletError));
    }

    [Fact]
    public async Task An_operator_moving_the_messages_in_the_management_UI_settles_the_suspended_trade()
    {
        var trades = await SuspendAsync(1);

        await _service.Management.MoveMessagesAsync(_service.VirtualHost, WalletError, "wallet");

        await AssertSettledOnceAsync(trades);
        Assert.Empty((await _service.ListAsync(WalletError)).Messages);
    }

    [Fact]
    public async Task Retrying_a_whole_error_queue_moves_every_dead_letter_and_settles_every_suspended_trade()
    {
        var trades = await SuspendAsync(2);

        var response = await _service.Api.PostAsync($"/api/dead-letters/{WalletError}/retry", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var retried = await response.Content.ReadFromJsonAsync<RetriedQueue>();
        Assert.Equal((WalletError, "wallet", 2u, true), (retried!.Queue, retried.Destination, retried.Messages, retried.Completed));
        await AssertSettledOnceAsync(trades);
        Assert.Empty((await _service.ListAsync(WalletError)).Messages);

        var again = await _service.Api.PostAsync($"/api/dead-letters/{WalletError}/retry", null);
        Assert.Equal((HttpStatusCode.OK, 0u), (again.StatusCode, (await again.Content.ReadFromJsonAsync<RetriedQueue>())!.Messages));
    }

    /// <summary>Publishes <paramref name="count"/> trades while the seller's account is held; returns once all are Suspended.</summary>
    private protected async Task<IReadOnlyList<TradeExecuted>> SuspendAsync(int count)
    {
        var trades = Enumerable.Range(0, count).Select(_ => _market.Trade(_buyer, _seller)).ToList();
        await using (await AccountLock.HoldAsync(_service.ConnectionString, _seller, _market.Base))
        {
            foreach (var trade in trades)
                await _service.PublishAsync(trade);
            foreach (var trade in trades)
            {
                var suspended = await _service.WaitForStateAsync(trade.TradeId, "Suspended");
                Assert.Equal((SettlementStatus.Failed, "SellerDebit"), (suspended.SettlementStatus, suspended.PendingLeg));
            }
        }

        await WaitForDeadLettersAsync(count);
        return trades;
    }

    /// <summary>
    /// The saga can hear of the fault before MassTransit has moved the message, and declares <c>wallet_error</c> only with
    /// the first one: wait until the queue exists and holds them all.
    /// </summary>
    Task WaitForDeadLettersAsync(int count) => Poll.UntilAsync(
        async () =>
        {
            using var response = await _service.Api.GetAsync($"/api/dead-letters?queue={WalletError}");
            if (response.StatusCode == HttpStatusCode.NotFound)
                return false;
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<DeadLetterListing>())!.Messages.Count >= count;
        },
        TimeSpan.FromSeconds(60), () => $"Fewer than {count} messages reached {WalletError}.");

    /// <summary>Every trade Settled, each of its five legs posted once (the replayed SellerDebit too), and the books to match.</summary>
    private protected async Task AssertSettledOnceAsync(IReadOnlyList<TradeExecuted> trades)
    {
        foreach (var trade in trades)
        {
            var record = await _service.WaitForStateAsync(trade.TradeId, "Settled");
            Assert.Equal(SettlementStatus.Settled, record.SettlementStatus);
            Assert.NotNull(record.SettledAt);
            Assert.True(record.FeeCollected);
            Assert.Null(record.FailureReason);
            var entries = await _service.EntriesOfTradeAsync(trade.TradeId);
            Assert.Equal(SettlementPlan.Order.Select(leg => OperationIds.For(trade.TradeId, leg)).Order(), entries.Select(e => e.OperationId).Order());
        }

        var n = trades.Count; // 0.5 base at 50,000 each: the buyer pays 25,012.5, the seller receives 24,975, fees 37.5
        Assert.Equal(60_000m - (n * 25_012.5m), await _service.BalanceAsync(_buyer, _market.Quote));
        Assert.Equal(n * 0.5m, await _service.BalanceAsync(_buyer, _market.Base));
        Assert.Equal(2m - (n * 0.5m), await _service.BalanceAsync(_seller, _market.Base));
        Assert.Equal(n * 24_975m, await _service.BalanceAsync(_seller, _market.Quote));
        Assert.Equal(n * 37.5m, await _service.BalanceAsync(_service.FeeWallet, _market.Quote));
    }
}
