using Settlement.Contracts;
using Settlement.EndToEndTests.Stack;
using Settlement.Testing;

namespace Settlement.EndToEndTests;

/// <summary>Trades published on the broker as the matching engine does, and what the admin API then shows.</summary>
[Collection(OneServiceCollection.Name)]
public sealed class TradeFlowTests(SettlementStack stack) : IAsyncLifetime
{
    MatchingEngine _engine = null!;
    HttpClient _api = null!;

    public async Task InitializeAsync()
    {
        _api = stack.Api();
        _engine = await MatchingEngine.ConnectAsync(stack.BrokerUri);
    }

    public async Task DisposeAsync()
    {
        await _engine.DisposeAsync();
        _api.Dispose();
    }

    [Fact]
    public async Task Trades_on_several_symbols_settle_with_exact_balances_for_buyers_sellers_and_the_fee_wallet()
    {
        var markets = Enumerable.Range(0, 3).Select(_ => new Market()).ToList();
        var trades = new List<(Market Market, TradeExecuted Trade)>();
        foreach (var market in markets)
        {
            // One buyer and one seller per symbol, two trades each: 0.5 and 0.1 at 50,000.
            var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
            await _api.DepositAsync(buyer, market.Quote, 31_000m);
            await _api.DepositAsync(seller, market.Base, 1m);
            trades.Add((market, market.Trade(buyer, seller, 0.5m)));
            trades.Add((market, market.Trade(buyer, seller, 0.1m)));
        }

        await Task.WhenAll(trades.Select(t => _engine.PublishAsync(t.Trade)));

        var records = new List<System.Text.Json.JsonElement>();
        foreach (var (_, trade) in trades)
            records.Add(await _api.SettledAsync(trade));
        Assert.All(records, record => Assert.Equal("SETTLED", record.GetProperty("status").GetString()));
        var feeWallet = Guid.Parse(records[0].GetProperty("feeWalletUserId").GetString()!);

        foreach (var market in markets)
        {
            var (buyer, seller) = (trades.First(t => t.Market == market).Trade.BuyerUserId, trades.First(t => t.Market == market).Trade.SellerUserId);
            // Buyer: 31,000 − (25,000 + 12.5) − (5,000 + 2.5); seller: (25,000 − 25) + (5,000 − 5); fees: 37.5 + 7.5.
            Assert.Equal(985m, await _api.BalanceAsync(buyer, market.Quote));
            Assert.Equal(0.6m, await _api.BalanceAsync(buyer, market.Base));
            Assert.Equal(0.4m, await _api.BalanceAsync(seller, market.Base));
            Assert.Equal(29_970m, await _api.BalanceAsync(seller, market.Quote));
            Assert.Equal(45m, await _api.BalanceAsync(feeWallet, market.Quote));
        }
    }

    [Theory]
    [InlineData("buyer")]
    [InlineData("seller")]
    public async Task A_refused_leg_rolls_the_trade_back_and_leaves_every_balance_as_it_was(string shortOfFunds)
    {
        var market = new Market();
        var trade = market.Trade(Guid.NewGuid(), Guid.NewGuid());
        var buyerQuote = shortOfFunds == "buyer" ? trade.BuyerPays() - 0.01m : trade.BuyerPays();
        var sellerBase = shortOfFunds == "seller" ? trade.Quantity / 2 : trade.Quantity;
        await _api.DepositAsync(trade.BuyerUserId, market.Quote, buyerQuote);
        await _api.DepositAsync(trade.SellerUserId, market.Base, sellerBase);

        await _engine.PublishAsync(trade);

        var record = await _api.WaitForSettlementAsync(trade.TradeId, Trades.Outcome, "RolledBack", "Settled");
        Assert.Equal("RolledBack", record.GetProperty("state").GetString());
        Assert.Equal("SETTLEMENT_FAILED", record.GetProperty("status").GetString());
        var refusedLeg = shortOfFunds == "buyer" ? "BuyerDebit" : "SellerDebit";
        Assert.Contains($"{refusedLeg} refused", record.GetProperty("failureReason").GetString());
        Assert.Contains("InsufficientBalance", record.GetProperty("failureReason").GetString());
        // The buyer's legs applied before a refused seller debit were reversed.
        var completed = record.GetProperty("completedLegs").EnumerateArray().Select(l => l.GetString()).ToList();
        var reversed = record.GetProperty("reversedLegs").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.Equal(completed.Order(), reversed.Order());

        Assert.Equal(buyerQuote, await _api.BalanceAsync(trade.BuyerUserId, market.Quote));
        Assert.Equal(0m, await _api.BalanceAsync(trade.BuyerUserId, market.Base));
        Assert.Equal(sellerBase, await _api.BalanceAsync(trade.SellerUserId, market.Base));
        Assert.Equal(0m, await _api.BalanceAsync(trade.SellerUserId, market.Quote));
        Assert.Equal(0m, await _api.BalanceAsync(Guid.Parse(record.GetProperty("feeWalletUserId").GetString()!), market.Quote));
    }

    [Fact]
    public async Task The_same_trade_published_twice_and_again_after_it_settled_moves_the_money_once()
    {
        var market = new Market();
        var trade = await _api.FundedTradeAsync(market);

        await Task.WhenAll(_engine.PublishAsync(trade), _engine.PublishAsync(trade));
        await _api.SettledAsync(trade);
        await _engine.PublishAsync(trade);

        // The service says, in its log, that it saw each copy after the first and ignored it.
        await Poll.UntilAsync(async () => (await DuplicatesLoggedAsync(trade)) >= 2, Trades.Outcome,
            () => $"The service did not log both repeats of trade {trade.TradeId} as duplicates.", TimeSpan.FromMilliseconds(500));

        var record = await _api.SettledAsync(trade);
        Assert.Equal("SETTLED", record.GetProperty("status").GetString());
        await _api.AssertSettledBalancesAsync(market, trade);
        Assert.Equal(trade.BuyerFee + trade.SellerFee,
            await _api.BalanceAsync(Guid.Parse(record.GetProperty("feeWalletUserId").GetString()!), market.Quote));
        Assert.Equal(0, (await _api.ReconciliationAsync()).GetProperty("double_applied").GetInt32());
    }

    async Task<int> DuplicatesLoggedAsync(TradeExecuted trade) =>
        (await SettlementStack.LogsAsync(stack.Service)).Split('\n')
            .Count(line => line.Contains("Duplicate TradeExecuted", StringComparison.Ordinal) && line.Contains(trade.TradeId.ToString(), StringComparison.Ordinal));
}
