using Settlement.Contracts;
using Settlement.IntegrationTests.Settlement;
using Settlement.IntegrationTests.Wallet;
using Settlement.Orchestration.Saga;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Cluster;

/// <summary>
/// The service on a three-node cluster with quorum queues, every node in its connection: the node that leads the wallet's
/// queue dies (kill -9) while 500 trades settle, and each trade still settles exactly once.
/// </summary>
[Collection(ClusterFixture.Name)]
public sealed class QuorumClusterSettlementTests(ClusterFixture cluster)
{
    const int Pairs = 100;
    const int TradesPerPair = 5;
    const int Trades = Pairs * TradesPerPair;

    [Fact]
    public async Task With_the_node_leading_the_wallet_queue_killed_while_500_trades_settle_every_trade_settles_exactly_once()
    {
        var settings = new Dictionary<string, string?>(cluster.QuorumSettings)
        {
            // Production's schedule, doubling from 1 s, with room to outlast a leader election and a reconnection on a busy
            // machine (7 retries, about 90 s with the 30 s cap). A command that outlasted them would leave its trade
            // Suspended, waiting for a replay: what the dead-letter tests cover, not this one.
            ["Settlement:InitialRetryInterval"] = "00:00:01",
            ["Settlement:RetryLimit"] = "7",
            ["Wallet:InitialRetryInterval"] = "00:00:01",
            ["Wallet:RetryLimit"] = "7",
            // The retry schedule and a minute: a delivery stuck on a send to the lost node is given up after that.
            ["RabbitMq:DeliveryTimeout"] = "00:02:40",
        };
        await using var service = await SettlementService.StartAsync(cluster.Servers, settings: settings);
        using (var management = new RabbitMqManagement(cluster.Servers.RabbitMqManagementUri))
        {
            foreach (var queue in (string[])["settlement", "settlement-replies", "wallet"])
                Assert.Equal((queue, "quorum"), (queue, await management.QueueTypeAsync(service.VirtualHost, queue)));
        }

        var market = new Market();
        var trades = new List<TradeExecuted>();
        for (var pair = 0; pair < Pairs; pair++)
        {
            var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
            await service.DepositAsync(buyer, market.Quote, TradesPerPair * 25_012.5m);
            await service.DepositAsync(seller, market.Base, TradesPerPair * 0.5m);
            trades.AddRange(Enumerable.Range(0, TradesPerPair).Select(_ => market.Trade(buyer, seller)));
        }

        var quoteBefore = await service.BooksAsync(market.Quote);
        var baseBefore = await service.BooksAsync(market.Base);

        await Task.WhenAll(trades.Select(service.PublishAsync));
        await Poll.UntilAsync(async () => await SettledAsync(service) >= Trades / 10, TimeSpan.FromMinutes(2),
            () => "Not even a tenth of the trades settled before the node was to be killed.");
        var leader = await cluster.Servers.RabbitMqQueueLeaderAsync("wallet", service.VirtualHost);
        await cluster.Servers.KillRabbitMqNodeAsync(leader);
        try
        {
            // One count of the records by state every half second, rather than 500 polls every 50 ms: the test should not
            // crowd the service it watches out of the database.
            IReadOnlyDictionary<string, int> states = new Dictionary<string, int>();
            await Poll.UntilAsync(
                async () => SettlementStateMachine.FinalStates.Sum((states = await service.Records.CountByStateAsync()).GetValueOrDefault) == Trades,
                TimeSpan.FromMinutes(5),
                () => $"Not every trade reached an outcome within 5 minutes of the kill: {string.Join(", ", states.Select(s => $"{s.Key} {s.Value}"))}.",
                TimeSpan.FromMilliseconds(500));
        }
        finally
        {
            await cluster.Servers.StartRabbitMqNodeAsync(leader);
        }

        var records = await Task.WhenAll(trades.Select(t => service.WaitForOutcomeAsync(t.TradeId)));

        Assert.All(records, record => Assert.Equal((record.CorrelationId, "Settled"), (record.CorrelationId, record.CurrentState)));
        foreach (var trade in trades)
        {
            var entries = await service.Ledger.GetEntriesOfTradeAsync(trade.TradeId);
            Assert.Equal(SettlementPlan.Order.Select(leg => OperationIds.For(trade.TradeId, leg)).Order(), entries.Select(e => e.OperationId).Order());
        }

        foreach (var (buyer, seller) in trades.Select(t => (t.BuyerUserId, t.SellerUserId)).Distinct())
        {
            Assert.Equal(0m, await service.BalanceAsync(buyer, market.Quote));
            Assert.Equal(TradesPerPair * 0.5m, await service.BalanceAsync(buyer, market.Base));
            Assert.Equal(0m, await service.BalanceAsync(seller, market.Base));
            Assert.Equal(TradesPerPair * 24_975m, await service.BalanceAsync(seller, market.Quote));
        }

        Assert.Equal(Trades * 37.5m, await service.BalanceAsync(service.FeeWallet, market.Quote));
        Assert.Equal(quoteBefore.Sum, (await service.BooksAsync(market.Quote)).Sum);
        Assert.Equal(baseBefore.Sum, (await service.BooksAsync(market.Base)).Sum);
    }

    static async Task<int> SettledAsync(SettlementService service) =>
        (await service.Records.CountByStateAsync()).GetValueOrDefault("Settled");
}
