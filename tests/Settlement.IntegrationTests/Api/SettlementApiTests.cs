using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Settlement.Host.Api;
using Settlement.IntegrationTests.Settlement;
using Settlement.Operations.Trades;
using Settlement.Orchestration.Persistence;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Api;

public class SettlementApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    readonly HttpClient _client = api.Client;
    readonly Market _market = new();

    [Fact]
    public async Task A_trade_posted_after_deposits_settles_and_the_api_shows_it_SETTLED_with_every_balance_moved()
    {
        var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
        await _client.DepositAsync(buyer, _market.Quote, 30_000m);
        await _client.DepositAsync(seller, _market.Base, 2m);
        var feesBefore = await _client.BalanceAsync(api.FeeWallet, _market.Quote);

        var response = await _client.PostAsJsonAsync("/api/trades", _market.Trade(buyer, seller));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var tradeId = (await response.JsonAsync()).GetProperty("tradeId").GetGuid();
        Assert.Equal($"/api/settlements/{tradeId}", response.Headers.Location?.OriginalString);

        var settlement = await _client.WaitForSettlementAsync(tradeId, "Settled");
        Assert.Equal("SETTLED", settlement.GetProperty("status").GetString());
        Assert.True(settlement.GetProperty("settledAt").GetDateTimeOffset() >= settlement.GetProperty("createdAt").GetDateTimeOffset());
        Assert.True(settlement.GetProperty("feeCollected").GetBoolean());
        Assert.Equal(api.FeeWallet, settlement.GetProperty("feeWalletUserId").GetGuid());
        Assert.Equal(0, settlement.GetProperty("retryCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, settlement.GetProperty("failureReason").ValueKind);
        Assert.Equal(JsonValueKind.Null, settlement.GetProperty("pendingLeg").ValueKind);
        Assert.Equal(["BuyerDebit", "BuyerCredit", "SellerDebit", "SellerCredit", "FeeCollection"], Strings(settlement, "completedLegs"));
        Assert.Empty(Strings(settlement, "reversedLegs"));
        var trade = settlement.GetProperty("trade");
        Assert.Equal((_market.Symbol, buyer, seller), (trade.GetProperty("symbol").GetString(), trade.GetProperty("buyerUserId").GetGuid(),
            trade.GetProperty("sellerUserId").GetGuid()));
        Assert.Equal((50_000m, 0.5m, 12.5m, 25m), (trade.Money("price"), trade.Money("quantity"), trade.Money("buyerFee"), trade.Money("sellerFee")));

        Assert.Equal(4_987.5m, await _client.BalanceAsync(buyer, _market.Quote));
        Assert.Equal(0.5m, await _client.BalanceAsync(buyer, _market.Base));
        Assert.Equal(1.5m, await _client.BalanceAsync(seller, _market.Base));
        Assert.Equal(24_975m, await _client.BalanceAsync(seller, _market.Quote));
        Assert.Equal(feesBefore + 37.5m, await _client.BalanceAsync(api.FeeWallet, _market.Quote));
    }

    [Fact]
    public async Task A_trade_the_buyer_cannot_pay_is_SETTLEMENT_FAILED_in_the_api_with_its_reason_and_moves_no_money()
    {
        var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
        await _client.DepositAsync(buyer, _market.Quote, 100m);
        await _client.DepositAsync(seller, _market.Base, 2m);
        var trade = _market.Trade(buyer, seller);

        await _client.PostTradeAsync(trade);
        var settlement = await _client.WaitForSettlementAsync(trade.TradeId, "RolledBack");

        Assert.Equal("SETTLEMENT_FAILED", settlement.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, settlement.GetProperty("settledAt").ValueKind);
        Assert.Contains("BuyerDebit refused: InsufficientBalance", settlement.GetProperty("failureReason").GetString());
        Assert.Empty(Strings(settlement, "completedLegs"));
        Assert.Equal(100m, await _client.BalanceAsync(buyer, _market.Quote));
        Assert.Equal(2m, await _client.BalanceAsync(seller, _market.Base));
        Assert.Equal(0m, await _client.BalanceAsync(buyer, _market.Base));
    }

    [Fact]
    public async Task The_list_filters_by_status_state_and_age_and_pages_with_the_next_cursor()
    {
        // The records of this class's other tests share the database: page from this test's start, and look for its trades.
        var from = SettlementListParameters.EncodeCursor(new SettlementCursor(DateTimeOffset.UtcNow.AddSeconds(-1), Guid.Empty));
        var settled = await SettleAsync(funded: true);
        var failed = await SettleAsync(funded: false);

        var settledPages = await ListAllAsync("status=SETTLED&pageSize=1", from);
        Assert.Contains(settled, settledPages.SelectMany(page => page).Select(Id));
        Assert.DoesNotContain(failed, settledPages.SelectMany(page => page).Select(Id));
        Assert.All(settledPages.SelectMany(page => page), s => Assert.Equal("SETTLED", s.GetProperty("status").GetString()));
        Assert.All(settledPages, page => Assert.Single(page));

        var failedItems = (await ListAllAsync("status=settlement_failed&state=rolledback", from)).SelectMany(page => page).ToList();
        Assert.Contains(failed, failedItems.Select(Id));
        Assert.All(failedItems, s => Assert.Equal("RolledBack", s.GetProperty("state").GetString()));

        Assert.Contains(settled, (await ListAllAsync($"olderThan={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}", from))
            .SelectMany(page => page).Select(Id));
        Assert.Empty((await ListAllAsync("olderThan=10m", from)).SelectMany(page => page));
        Assert.Empty((await ListAllAsync("olderThan=PT10M", from)).SelectMany(page => page));
    }

    [Theory]
    [InlineData("status=DONE", "status 'DONE' is not one of PENDING, SETTLED, SETTLEMENT_FAILED")]
    [InlineData("state=Nowhere", "state 'Nowhere' is not one of", "Suspended")]
    [InlineData("state=Initial", "state 'Initial' is not one of", "Accepted", "CompensationFailed", "Rejected")]
    [InlineData("pageSize=0", "pageSize '0'")]
    [InlineData("pageSize=501", "pageSize '501' is not a whole number from 1 to 500")]
    [InlineData("pageSize=ten", "pageSize 'ten'")]
    [InlineData("olderThan=yesterday", "olderThan 'yesterday'")]
    [InlineData("olderThan=-PT5M", "olderThan '-PT5M'")]
    [InlineData("after=not-a-cursor", "after 'not-a-cursor' is not the 'next' of a page")]
    public async Task A_list_query_the_api_cannot_use_is_400_saying_which_parameter_is_wrong(string query, params string[] mentions) =>
        await (await _client.GetAsync($"/api/settlements?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest, mentions);

    [Fact]
    public async Task An_unknown_trade_is_404_naming_it()
    {
        var tradeId = Guid.NewGuid();
        await (await _client.GetAsync($"/api/settlements/{tradeId}")).AssertProblemAsync(HttpStatusCode.NotFound, tradeId.ToString());
    }

    [Fact]
    public async Task A_malformed_trade_id_is_400() =>
        await (await _client.GetAsync("/api/settlements/not-a-guid")).AssertProblemAsync(HttpStatusCode.BadRequest, "tradeId 'not-a-guid' is not a GUID");

    async Task<Guid> SettleAsync(bool funded)
    {
        var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
        if (funded)
            await _client.DepositAsync(buyer, _market.Quote, 30_000m);
        await _client.DepositAsync(seller, _market.Base, 2m);
        var trade = _market.Trade(buyer, seller);
        await _client.PostTradeAsync(trade);
        await _client.WaitForSettlementAsync(trade.TradeId, funded ? "Settled" : "RolledBack");
        return trade.TradeId;
    }

    /// <summary>Every page of the list from the cursor <paramref name="after"/> on, following <c>next</c> to the last page.</summary>
    async Task<List<List<JsonElement>>> ListAllAsync(string filters, string after)
    {
        List<List<JsonElement>> pages = [];
        for (string? cursor = after; cursor is not null;)
        {
            var response = await _client.GetAsync($"/api/settlements?{filters}&after={cursor}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.JsonAsync();
            pages.Add([.. page.GetProperty("items").EnumerateArray()]);
            cursor = page.GetProperty("next").GetString();
            Assert.True(pages.Count < 10_000, "The pages never ended.");
        }

        return pages;
    }

    static Guid Id(JsonElement settlement) => settlement.GetProperty("tradeId").GetGuid();

    static string[] Strings(JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(e => e.GetString()!)];
}
