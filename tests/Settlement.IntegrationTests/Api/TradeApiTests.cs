using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Api;

public class TradeApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    readonly HttpClient _client = api.Client;
    readonly Market _market = new();
    readonly Guid _buyer = Guid.NewGuid();
    readonly Guid _seller = Guid.NewGuid();

    [Fact]
    public async Task A_trade_with_amounts_as_strings_and_no_id_or_time_is_published_with_a_new_id_and_its_exact_amounts()
    {
        var body = TradeJson();
        body.Remove("tradeId");
        body.Remove("executedAt");
        body["price"] = "50000.000000000000000001";
        body["quantity"] = "2";

        var response = await _client.PostJsonAsync("/api/trades", body.ToJsonString());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.JsonAsync();
        var tradeId = accepted.GetProperty("tradeId").GetGuid();
        Assert.NotEqual(Guid.Empty, tradeId);
        Assert.Equal($"/api/settlements/{tradeId}", response.Headers.Location?.OriginalString);
        Assert.InRange(accepted.GetProperty("executedAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);

        // Nobody was funded: the trade fails at the buyer's debit, but its record keeps the amounts to the last digit.
        var settlement = await _client.WaitForSettlementAsync(tradeId, "RolledBack");
        Assert.Equal(50_000.000000000000000001m, settlement.GetProperty("trade").Money("price"));
        Assert.Equal(2m, settlement.GetProperty("trade").Money("quantity"));
    }

    [Theory]
    [InlineData("price", "0", "price 0 is not positive")]
    [InlineData("price", "-5", "price -5 is not positive")]
    [InlineData("quantity", "\"0\"", "quantity 0 is not positive")]
    [InlineData("buyerFee", "-1", "buyer fee -1 is negative")]
    [InlineData("sellerFee", "30000", "seller fee 30000 exceeds price × quantity")]
    [InlineData("symbol", "\"BTCUSDT\"", "symbol 'BTCUSDT' is not BASE/QUOTE")]
    [InlineData("symbol", "\"btc/usdt\"", "symbol 'btc/usdt' is not BASE/QUOTE")]
    [InlineData("price", "\"0.1234567890123456789\"", "price 0.1234567890123456789 has more than 18 decimal places")]
    [InlineData("quantity", "0.0000000000000000001", "quantity 0.0000000000000000001 has more than 18 decimal places")]
    [InlineData("price", "1e30", "$.price", "'1e30' is too large")]
    [InlineData("price", "\"1e30\"", "$.price", "'1e30' is too large")]
    [InlineData("price", "0.00000000000000000000000000001", "$.price", "29 decimal places")]
    [InlineData("price", "1234567890123456789012345678.9", "$.price", "29 significant digits")]
    [InlineData("price", "\"fifty\"", "$.price", "'fifty' is not a number")]
    [InlineData("price", "true", "$.price", "Expected a number")]
    [InlineData("buyerUserId", "\"not-a-guid\"", "$.buyerUserId", "Guid")]
    [InlineData("executedAt", "\"yesterday\"", "$.executedAt")]
    [InlineData("price", "null", "Missing required field: price")]
    [InlineData("tradeId", "\"00000000-0000-0000-0000-000000000000\"", "tradeId is the empty GUID")]
    public async Task A_trade_with_a_bad_field_is_400_naming_the_problem_and_is_never_published(string field, string json, params string[] mentions)
    {
        var body = TradeJson();
        body[field] = JsonNode.Parse(json);

        await (await _client.PostJsonAsync("/api/trades", body.ToJsonString())).AssertProblemAsync(HttpStatusCode.BadRequest, mentions);
        await AssertNeverPublishedAsync(body);
    }

    [Fact]
    public async Task A_trade_between_a_user_and_themself_is_400_and_is_never_published()
    {
        var body = TradeJson();
        body["sellerUserId"] = _buyer;

        await (await _client.PostJsonAsync("/api/trades", body.ToJsonString()))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "buyer and seller are the same user");
        await AssertNeverPublishedAsync(body);
    }

    [Theory]
    [InlineData("{}", "Missing required fields: symbol, buyerUserId, sellerUserId, price, quantity, buyerFee, sellerFee.")]
    [InlineData("{\"symbol\": \"B/Q\", ", "Malformed request body")]
    [InlineData("{\"symbol\": \"B/Q\"}}", "Malformed request body")]
    [InlineData("", "Malformed request body", "does not contain any JSON")]
    [InlineData("null", "The request body is null")]
    [InlineData("[1, 2]", "the body must be a JSON object")]
    public async Task A_body_that_is_not_a_trade_is_400_saying_what_is_wrong(string json, params string[] mentions) =>
        await (await _client.PostJsonAsync("/api/trades", json)).AssertProblemAsync(HttpStatusCode.BadRequest, mentions);

    [Fact]
    public async Task A_body_that_is_not_JSON_is_415()
    {
        var response = await _client.PostAsync("/api/trades", new StringContent("symbol=B/Q"));
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "Content-Type: application/json");
    }

    /// <summary>A valid trade between this test's buyer and seller, as JSON to spoil one field of.</summary>
    JsonObject TradeJson() => JsonSerializer.SerializeToNode(_market.Trade(_buyer, _seller), JsonSerializerOptions.Web)!.AsObject();

    /// <summary>
    /// No record of the refused trade after a valid one, posted later, has settled: had the refused one been published,
    /// the saga would have recorded it (even an invalid trade is recorded, as Rejected).
    /// </summary>
    async Task AssertNeverPublishedAsync(JsonObject refused)
    {
        var valid = _market.Trade(_buyer, _seller);
        await _client.PostTradeAsync(valid);
        await _client.WaitForSettlementAsync(valid.TradeId, "RolledBack");

        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"/api/settlements/{refused["tradeId"]!.GetValue<Guid>()}")).StatusCode);
    }
}
