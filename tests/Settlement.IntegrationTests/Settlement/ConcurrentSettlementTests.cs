using Settlement.Orchestration.Saga;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Settlement;

public class ConcurrentSettlementTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task Ten_trades_published_at_once_all_settle_exactly_once()
    {
        await using var service = await SettlementService.StartAsync(fixture.Servers);
        var market = new Market();
        var trades = new List<global::Settlement.Contracts.TradeExecuted>();
        for (var i = 0; i < 10; i++)
        {
            var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
            await service.DepositAsync(buyer, market.Quote, 25_012.5m);
            await service.DepositAsync(seller, market.Base, 0.5m);
            trades.Add(market.Trade(buyer, seller));
        }

        await Task.WhenAll(trades.Select(service.PublishAsync));
        var records = await Task.WhenAll(trades.Select(t => service.WaitForOutcomeAsync(t.TradeId)));

        Assert.All(records, r => Assert.Equal(SettlementStatus.Settled, r.SettlementStatus));
        foreach (var trade in trades)
        {
            Assert.Equal(0m, await service.BalanceAsync(trade.BuyerUserId, market.Quote));
            Assert.Equal(0.5m, await service.BalanceAsync(trade.BuyerUserId, market.Base));
            Assert.Equal(0m, await service.BalanceAsync(trade.SellerUserId, market.Base));
            Assert.Equal(24_975m, await service.BalanceAsync(trade.SellerUserId, market.Quote));
            Assert.Equal(5, (await service.Ledger.GetEntriesOfTradeAsync(trade.TradeId)).Count);
        }

        Assert.Equal(375m, await service.BalanceAsync(service.FeeWallet, market.Quote));
    }

    [Fact]
    public async Task Two_hundred_trades_on_one_buyer_settle_or_fail_cleanly_never_go_negative_and_conserve_money()
    {
        await using var service = await SettlementService.StartAsync(fixture.Servers);
        var market = new Market();
        var buyer = Guid.NewGuid();

        // Enough for 150 of the 200 trades (each costs the buyer 500 + 0.25 fee): the rest must be refused and rolled back.
        await service.DepositAsync(buyer, market.Quote, 150 * 500.25m);
        var trades = new List<global::Settlement.Contracts.TradeExecuted>();
        for (var i = 0; i < 200; i++)
        {
            var seller = Guid.NewGuid();
            await service.DepositAsync(seller, market.Base, 0.01m);
            trades.Add(market.Trade(buyer, seller, quantity: 0.01m));
        }

        var quoteBefore = await service.BooksAsync(market.Quote);
        var baseBefore = await service.BooksAsync(market.Base);

        await Task.WhenAll(trades.Select(service.PublishAsync));
        var records = await Task.WhenAll(trades.Select(t => service.WaitForOutcomeAsync(t.TradeId, TimeSpan.FromMinutes(3))));

        var settled = records.Count(r => r.CurrentState == "Settled");
        var rolledBack = records.Count(r => r.CurrentState == "RolledBack");
        Assert.Equal(200, settled + rolledBack);
        Assert.Equal(150, settled);
        Assert.All(records.Where(r => r.CurrentState == "RolledBack"), r => Assert.Contains("BuyerDebit refused: InsufficientBalance", r.FailureReason));

        Assert.Equal(0m, await service.BalanceAsync(buyer, market.Quote));
        Assert.Equal(1.5m, await service.BalanceAsync(buyer, market.Base));
        Assert.Equal(150 * 0.75m, await service.BalanceAsync(service.FeeWallet, market.Quote));

        var quoteAfter = await service.BooksAsync(market.Quote);
        var baseAfter = await service.BooksAsync(market.Base);
        Assert.Equal(quoteBefore.Sum, quoteAfter.Sum);
        Assert.Equal(baseBefore.Sum, baseAfter.Sum);
        Assert.True(quoteAfter.Lowest >= 0 && baseAfter.Lowest >= 0);
    }
}
