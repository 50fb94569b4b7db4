using System.Net;
using System.Net.Http.Json;
using Settlement.IntegrationTests.Wallet;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Api;

/// <summary>An <see cref="ApiFixture"/> whose wallet gives up waiting for a locked account after 100 ms.</summary>
public sealed class ImpatientWalletApiFixture : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Wallet:LockTimeout"] = "00:00:00.100",
    };
}

public class AbortApiTests(ImpatientWalletApiFixture api) : IClassFixture<ImpatientWalletApiFixture>
{
    readonly HttpClient _client = api.Client;
    readonly Market _market = new();
    readonly Guid _buyer = Guid.NewGuid();
    readonly Guid _seller = Guid.NewGuid();

    [Fact]
    public async Task Aborting_a_suspended_trade_rolls_it_back_and_restores_every_balance()
    {
        await FundAsync();
        var trade = _market.Trade(_buyer, _seller);

        // The seller's account is locked past the wallet's lock timeout and all its retries: the seller debit lands in
        // wallet_error and the trade waits in Suspended for an operator.
        await using (await AccountLock.HoldAsync(api.ConnectionString, _seller, _market.Base))
        {
            await _client.PostTradeAsync(trade);
            var suspended = await _client.WaitForSettlementAsync(trade.TradeId, "Suspended");
            Assert.Equal("SETTLEMENT_FAILED", suspended.GetProperty("status").GetString());
            Assert.Equal(("SellerDebit", "BuyerCredited"), (suspended.GetProperty("pendingLeg").GetString(), suspended.GetProperty("suspendedFrom").GetString()));
        }

        var response = await _client.PostAsJsonAsync($"/api/settlements/{trade.TradeId}/abort", new { reason = "seller account frozen" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/settlements/{trade.TradeId}", response.Headers.Location?.OriginalString);
        var settlement = await _client.WaitForSettlementAsync(trade.TradeId, "RolledBack");
        Assert.Equal("SETTLEMENT_FAILED", settlement.GetProperty("status").GetString());
        Assert.Contains("Aborted by an operator: seller account frozen", settlement.GetProperty("failureReason").GetString());
        Assert.Equal(["BuyerCredit", "BuyerDebit"], settlement.GetProperty("reversedLegs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(30_000m, await _client.BalanceAsync(_buyer, _market.Quote));
        Assert.Equal(0m, await _client.BalanceAsync(_buyer, _market.Base));
        Assert.Equal(2m, await _client.BalanceAsync(_seller, _market.Base));
        Assert.Equal(0m, await _client.BalanceAsync(_seller, _market.Quote));
    }

    [Fact]
    public async Task Aborting_a_settled_trade_is_409_naming_its_state_and_changes_nothing()
    {
        await FundAsync();
        var trade = _market.Trade(_buyer, _seller);
        await _client.PostTradeAsync(trade);
        var settled = await _client.WaitForSettlementAsync(trade.TradeId, "Settled");

        var response = await _client.PostAsJsonAsync($"/api/settlements/{trade.TradeId}/abort", new { reason = "too late" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, $"Trade {trade.TradeId} is Settled");
        Assert.Equal("Settled", problem.GetProperty("state").GetString());
        await Task.Delay(200);
        Assert.Equal(settled.GetProperty("updatedAt").GetDateTimeOffset(),
            (await (await _client.GetAsync($"/api/settlements/{trade.TradeId}")).JsonAsync()).GetProperty("updatedAt").GetDateTimeOffset());
        Assert.Equal(0.5m, await _client.BalanceAsync(_buyer, _market.Base));
    }

    [Fact]
    public async Task Aborting_an_unknown_trade_is_404()
    {
        var tradeId = Guid.NewGuid();
        await (await _client.PostAsJsonAsync($"/api/settlements/{tradeId}/abort", new { reason = "typo" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, tradeId.ToString());
    }

    [Theory]
    [InlineData("{}", "Missing required field: reason")]
    [InlineData("{ \"reason\": \"   \" }", "Missing required field: reason")]
    [InlineData("{ \"reason\": 42 }", "$.reason")]
    [InlineData("{ \"reason\": ", "Malformed request body")]
    public async Task An_abort_without_a_readable_reason_is_400(string json, params string[] mentions) =>
        await (await _client.PostJsonAsync($"/api/settlements/{Guid.NewGuid()}/abort", json)).AssertProblemAsync(HttpStatusCode.BadRequest, mentions);

    [Fact]
    public async Task An_abort_of_a_malformed_trade_id_is_400() =>
        await (await _client.PostAsJsonAsync("/api/settlements/42/abort", new { reason = "x" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "tradeId '42' is not a GUID");

    async Task FundAsync()
    {
        await _client.DepositAsync(_buyer, _market.Quote, 30_000m);
        await _client.DepositAsync(_seller, _market.Base, 2m);
    }
}
