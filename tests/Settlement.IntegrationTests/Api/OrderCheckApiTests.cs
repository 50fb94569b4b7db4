using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Settlement.Host.Api;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Api;

public class OrderCheckApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    readonly HttpClient _client = api.Client;
    readonly Market _market = new();
    readonly Guid _user = Guid.NewGuid();

    [Fact]
    public async Task A_buy_covered_by_the_quote_balance_is_sufficient_and_reserves_nothing()
    {
        await _client.DepositAsync(_user, _market.Quote, 30_000m);

        var check = await CheckAsync(new { userId = _user, side = "buy", symbol = _market.Symbol, price = "50000", quantity = 0.5m, fee = 12.5m });

        Assert.True(check.GetProperty("sufficient").GetBoolean());
        Assert.Equal((25_012.5m, 30_000m), (check.Money("required"), check.Money("available")));
        Assert.Equal(_market.Quote, check.GetProperty("currency").GetString());
        Assert.Equal(30_000m, await _client.BalanceAsync(_user, _market.Quote));
    }

    [Fact]
    public async Task A_buy_the_quote_balance_does_not_cover_is_refused_with_a_message_logged_and_counted()
    {
        await _client.DepositAsync(_user, _market.Quote, 25_000m);
        using var refusals = new RefusalCounter();

        var check = await CheckAsync(new { userId = _user, side = "buy", symbol = _market.Symbol, price = 50_000m, quantity = 0.5m, fee = 12.5m });

        Assert.False(check.GetProperty("sufficient").GetBoolean());
        Assert.Equal((25_012.5m, 25_000m), (check.Money("required"), check.Money("available")));
        Assert.Equal($"Insufficient funds: the buy order needs 25012.5 {_market.Quote} (price × quantity + fee) but user {_user} has 25000 {_market.Quote} available.",
            check.GetProperty("message").GetString());
        Assert.Equal([("buy", 1L)], refusals.Measurements);
    }

    [Fact]
    public async Task A_sell_needs_the_quantity_in_the_base_currency_and_not_the_fee()
    {
        await _client.DepositAsync(_user, _market.Base, 0.4m);
        var sell = new { userId = _user, side = "SELL", symbol = _market.Symbol, price = 50_000m, quantity = 0.5m, fee = 25m };

        var shortOfBase = await CheckAsync(sell);
        await _client.DepositAsync(_user, _market.Base, 0.1m);
        var covered = await CheckAsync(sell);

        Assert.False(shortOfBase.GetProperty("sufficient").GetBoolean());
        Assert.Equal((0.5m, 0.4m, _market.Base), (shortOfBase.Money("required"), shortOfBase.Money("available"), shortOfBase.GetProperty("currency").GetString()));
        Assert.True(covered.GetProperty("sufficient").GetBoolean());
    }

    [Fact]
    public async Task A_user_without_an_account_has_nothing_available()
    {
        var check = await CheckAsync(new { userId = _user, side = "buy", symbol = _market.Symbol, price = 1m, quantity = 1m });

        Assert.False(check.GetProperty("sufficient").GetBoolean());
        Assert.Equal((1m, 0m), (check.Money("required"), check.Money("available")));
    }

    [Theory]
    [InlineData("{ \"side\": \"buy\", \"symbol\": \"B/Q\", \"price\": 1, \"quantity\": 1 }", "Missing required field: userId")]
    [InlineData("{ \"userId\": \"$user\", \"side\": \"hold\", \"symbol\": \"B/Q\", \"price\": 1, \"quantity\": 1 }", "side 'hold' is neither buy nor sell")]
    [InlineData("{ \"userId\": \"$user\", \"side\": \"buy\", \"symbol\": \"BQ\", \"price\": 1, \"quantity\": 1 }", "symbol 'BQ' is not BASE/QUOTE")]
    [InlineData("{ \"userId\": \"$user\", \"side\": \"buy\", \"symbol\": \"B/Q\", \"price\": 1, \"quantity\": 0 }", "quantity 0 is not positive")]
    [InlineData("{ \"userId\": \"$user\", \"side\": \"buy\", \"symbol\": \"B/Q\", \"price\": -1, \"quantity\": 1 }", "price -1 is not positive")]
    [InlineData("{ \"userId\": \"$user\", \"side\": \"buy\", \"symbol\": \"B/Q\", \"price\": 1, \"quantity\": 1, \"fee\": -1 }", "fee -1 is negative")]
    [InlineData("{ \"userId\": \"$user\", \"side\": \"buy\", \"symbol\": \"B/Q\", \"price\": 1e30, \"quantity\": 1 }", "$.price", "too large")]
    [InlineData("{ \"userId\": \"$user\", \"side\": \"buy\", \"symbol\": \"B/Q\", \"price\": 1, \"quantity\": 1 ", "Malformed request body")]
    public async Task An_order_the_check_cannot_use_is_400_saying_what_is_wrong(string json, params string[] mentions)
    {
        using var refusals = new RefusalCounter();

        await (await _client.PostJsonAsync("/api/orders/check", json.Replace("$user", _user.ToString())))
            .AssertProblemAsync(HttpStatusCode.BadRequest, mentions);
        Assert.Empty(refusals.Measurements);
    }

    async Task<JsonElement> CheckAsync(object order)
    {
        var response = await _client.PostAsJsonAsync("/api/orders/check", order);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    /// <summary>Records what <c>settlement_pretrade_refusals_total</c> counts while it lives, by <c>side</c> tag.</summary>
    sealed class RefusalCounter : IDisposable
    {
        readonly MeterListener _listener = new();

        public RefusalCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ApiMetrics.MeterName && instrument.Name == "settlement_pretrade_refusals_total")
                    listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                lock (Measurements)
                    Measurements.Add(((string)tags.ToArray().Single(t => t.Key == "side").Value!, value));
            });
            _listener.Start();
        }

        public List<(string Side, long Value)> Measurements { get; } = [];

        public void Dispose() => _listener.Dispose();
    }
}
