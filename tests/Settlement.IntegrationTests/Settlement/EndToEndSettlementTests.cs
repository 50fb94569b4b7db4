using Settlement.Contracts;
using Settlement.Orchestration.Saga;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Settlement;

public class EndToEndSettlementTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task A_trade_published_on_RabbitMQ_settles_and_moves_exact_balances_in_PostgreSQL()
    {
        await using var service = await SettlementService.StartAsync(fixture.Servers);
        var market = new Market();
        var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
        await service.DepositAsync(buyer, market.Quote, 30_000m);
        await service.DepositAsync(seller, market.Base, 2m);
        var trade = market.Trade(buyer, seller);

        await service.PublishAsync(trade);
        var record = await service.WaitForOutcomeAsync(trade.TradeId);

        Assert.Equal("Settled", record.CurrentState);
        Assert.Equal(SettlementStatus.Settled, record.SettlementStatus);
        Assert.NotNull(record.SettledAt);
        Assert.True(record.SettledAt >= record.ExecutedAt);
        Assert.True(record.FeeCollected);
        Assert.Equal(4_987.5m, await service.BalanceAsync(buyer, market.Quote));
        Assert.Equal(0.5m, await service.BalanceAsync(buyer, market.Base));
        Assert.Equal(1.5m, await service.BalanceAsync(seller, market.Base));
        Assert.Equal(24_975m, await service.BalanceAsync(seller, market.Quote));
        Assert.Equal(37.5m, await service.BalanceAsync(service.FeeWallet, market.Quote));

        var entries = await service.Ledger.GetEntriesOfTradeAsync(trade.TradeId);
        Assert.Equal(5, entries.Count);
        Assert.Equal(SettlementPlan.Order.Select(leg => OperationIds.For(trade.TradeId, leg)).Order(), entries.Select(e => e.OperationId).Order());
    }

    [Fact]
    public async Task When_the_seller_lacks_the_base_currency_the_buyer_legs_are_reversed_and_every_balance_is_restored()
    {
        await using var service = await SettlementService.StartAsync(fixture.Servers);
        var market = new Market();
        var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
        await service.DepositAsync(buyer, market.Quote, 30_000m);
        await service.DepositAsync(seller, market.Base, 0.1m);
        var trade = market.Trade(buyer, seller);

        await service.PublishAsync(trade);
        var record = await service.WaitForOutcomeAsync(trade.TradeId);

        Assert.Equal("RolledBack", record.CurrentState);
        Assert.Equal(SettlementStatus.Failed, record.SettlementStatus);
        Assert.Null(record.SettledAt);
        Assert.Contains("SellerDebit refused: InsufficientBalance", record.FailureReason);
        Assert.Equal(["BuyerCredit", "BuyerDebit"], record.ReversedLegs);
        Assert.Equal(30_000m, await service.BalanceAsync(buyer, market.Quote));
        Assert.Equal(0m, await service.BalanceAsync(buyer, market.Base));
        Assert.Equal(0.1m, await service.BalanceAsync(seller, market.Base));
        Assert.Equal(0m, await service.BalanceAsync(seller, market.Quote));

        var entries = await service.Ledger.GetEntriesOfTradeAsync(trade.TradeId);
        Assert.Equal(4, entries.Count);
        Assert.Equal(2, entries.Count(e => e.Reason == LedgerReason.SettlementRollback));
        Assert.Equal(0m, entries.Sum(e => e.Amount * (e.Currency == market.Quote ? 1 : 0)));
    }

    [Fact]
    public async Task An_invalid_trade_is_recorded_failed_and_moves_no_money()
    {
        await using var service = await SettlementService.StartAsync(fixture.Servers);
        var market = new Market();
        var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
        await service.DepositAsync(buyer, market.Quote, 30_000m);
        var trade = market.Trade(buyer, seller) with { Quantity = -1m };

        await service.PublishAsync(trade);
        var record = await service.WaitForOutcomeAsync(trade.TradeId);

        Assert.Equal("Rejected", record.CurrentState);
        Assert.Contains("quantity -1 is not positive", record.FailureReason);
        Assert.Empty(await service.Ledger.GetEntriesOfTradeAsync(trade.TradeId));
        Assert.Equal(30_000m, await service.BalanceAsync(buyer, market.Quote));
    }
}
