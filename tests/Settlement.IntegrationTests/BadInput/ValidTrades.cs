using System.Globalization;
using Settlement.Contracts;
using Settlement.Testing;

namespace Settlement.IntegrationTests.BadInput;

/// <summary>
/// Valid trades between users of their own, published raw over the same exchange as the corpus, around and between the bad
/// input: each must end SETTLED with exact balances, which shows that the service kept settling throughout.
/// </summary>
static class ValidTrades
{
    const decimal BuyerFunds = 30_000m;
    const decimal SellerFunds = 1m;

    /// <summary>Funds a new buyer and seller and returns their trade: 0.5 base at 50,000 quote, fees 12.5 and 25.</summary>
    public static async Task<TradeExecuted> FundAsync(BadInputFixture fixture)
    {
        var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
        await fixture.DepositAsync(buyer, fixture.Market.Quote, BuyerFunds);
        await fixture.DepositAsync(seller, fixture.Market.Base, SellerFunds);
        return fixture.Market.Trade(buyer, seller);
    }

    /// <summary>Publishes the trade in MassTransit's envelope, or with <paramref name="envelope"/> false as plain <c>application/json</c>.</summary>
    public static Task PublishAsync(BadInputFixture fixture, TradeExecuted trade, bool envelope = true)
    {
        var messageId = Guid.NewGuid();
        return envelope
            ? fixture.PublishRawAsync(BadInputFixture.Envelope(Json(trade), CorpusCase.TradeExecutedUrn, messageId),
                CorpusCase.MassTransitJson, messageId, $"valid {trade.TradeId}")
            : fixture.PublishRawAsync(Json(trade), CorpusCase.Json, messageId, $"valid {trade.TradeId}");
    }

    /// <summary>Asserts the trade SETTLED and moved exactly its amounts: nothing more, nothing less.</summary>
    public static async Task AssertSettledAsync(BadInputFixture fixture, TradeExecuted trade)
    {
        var record = await fixture.OutcomeAsync(trade.TradeId);
        Assert.Equal(("Settled", "SETTLED"), (record.CurrentState, record.SettlementStatus));
        var market = fixture.Market;
        Assert.Equal(BuyerFunds - 25_012.5m, await BalanceAsync(fixture, trade.BuyerUserId, market.Quote));
        Assert.Equal(0.5m, await BalanceAsync(fixture, trade.BuyerUserId, market.Base));
        Assert.Equal(SellerFunds - 0.5m, await BalanceAsync(fixture, trade.SellerUserId, market.Base));
        Assert.Equal(24_975m, await BalanceAsync(fixture, trade.SellerUserId, market.Quote));
    }

    static async Task<decimal> BalanceAsync(BadInputFixture fixture, Guid userId, string currency) =>
        (await fixture.Ledger.GetBalanceAsync(userId, currency))?.Available ?? 0m;

    static string Json(TradeExecuted t) => string.Create(CultureInfo.InvariantCulture,
        $$"""{"tradeId":"{{t.TradeId}}","symbol":"{{t.Symbol}}","buyerUserId":"{{t.BuyerUserId}}","sellerUserId":"{{t.SellerUserId}}","price":"{{t.Price}}","quantity":"{{t.Quantity}}","buyerFee":"{{t.BuyerFee}}","sellerFee":"{{t.SellerFee}}","isBuyerMaker":false,"executedAt":"{{t.ExecutedAt:O}}"}""");
}
