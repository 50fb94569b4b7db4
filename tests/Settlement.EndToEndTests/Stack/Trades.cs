using System.Text.Json;
using Settlement.Contracts;
using Settlement.Testing;

namespace Settlement.EndToEndTests.Stack;

/// <summary>Funding the users of a trade through the admin API, and waiting for trades to end.</summary>
public static class Trades
{
    /// <summary>How long a trade may take to end when nothing is wrong; a restarted container, a sweep or a replay take longer.</summary>
    public static readonly TimeSpan Outcome = TimeSpan.FromSeconds(60);

    /// <summary>What the buyer pays: price × quantity + the buyer's fee, in the quote currency.</summary>
    public static decimal BuyerPays(this TradeExecuted trade) => trade.Price * trade.Quantity + trade.BuyerFee;

    /// <summary>What the seller receives: price × quantity − the seller's fee, in the quote currency.</summary>
    public static decimal SellerReceives(this TradeExecuted trade) => trade.Price * trade.Quantity - trade.SellerFee;

    /// <summary>A trade between two new users, each funded with exactly what it takes: afterwards the buyer has no quote and the seller no base left.</summary>
    public static async Task<TradeExecuted> FundedTradeAsync(this HttpClient api, Market market, decimal quantity = 0.5m)
    {
        var trade = market.Trade(Guid.NewGuid(), Guid.NewGuid(), quantity);
        await api.DepositAsync(trade.BuyerUserId, market.Quote, trade.BuyerPays());
        await api.DepositAsync(trade.SellerUserId, market.Base, trade.Quantity);
        return trade;
    }

    /// <summary>Waits until the trade is Settled and returns its record.</summary>
    public static Task<JsonElement> SettledAsync(this HttpClient api, TradeExecuted trade, TimeSpan? timeout = null) =>
        api.WaitForSettlementAsync(trade.TradeId, timeout ?? Outcome, "Settled");

    /// <summary>The balances of a funded trade once it settled: the base went to the buyer, the quote less the fee to the seller.</summary>
    public static async Task AssertSettledBalancesAsync(this HttpClient api, Market market, TradeExecuted trade)
    {
        Assert.Equal(0m, await api.BalanceAsync(trade.BuyerUserId, market.Quote));
        Assert.Equal(trade.Quantity, await api.BalanceAsync(trade.BuyerUserId, market.Base));
        Assert.Equal(0m, await api.BalanceAsync(trade.SellerUserId, market.Base));
        Assert.Equal(trade.SellerReceives(), await api.BalanceAsync(trade.SellerUserId, market.Quote));
    }

    /// <summary>Reconciliation through the API: the whole ledger and every settlement record.</summary>
    public static async Task<JsonElement> ReconciliationAsync(this HttpClient api)
    {
        var response = await api.GetAsync("/api/reconciliation");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
