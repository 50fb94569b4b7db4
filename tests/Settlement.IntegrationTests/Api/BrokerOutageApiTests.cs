using System.Net;
using System.Net.Http.Json;
using Settlement.IntegrationTests.Wallet;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Api;

/// <summary>
/// The API on servers of its own, so that its broker can be stopped: the broker confirms a send within 3 s or the request is
/// answered 503, and the wallet gives up waiting for a locked account after 100 ms (to suspend a trade for an abort).
/// </summary>
public sealed class BrokerOutageApiFixture : ApiFixture
{
    protected override bool PrivateServers => true;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["RabbitMq:PublishTimeout"] = "00:00:03",
        ["Wallet:LockTimeout"] = "00:00:00.100",
    };
}

/// <summary>
/// While the broker is down, the routes that send to it answer 503 at <c>RabbitMq:PublishTimeout</c> instead of holding the
/// request, and sending the same trade or abort again once it is back is acted on exactly once.
/// </summary>
public sealed class BrokerOutageApiTests(BrokerOutageApiFixture api) : IClassFixture<BrokerOutageApiFixture>
{
    readonly HttpClient _client = api.Client;
    readonly Market _market = new();

    [Fact]
    public async Task With_the_broker_down_a_trade_and_an_abort_are_answered_503_and_sent_again_once_it_is_back_each_is_acted_on_once()
    {
        var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
        await _client.DepositAsync(buyer, _market.Quote, 60_000m);
        await _client.DepositAsync(seller, _market.Base, 2m);

        // A trade suspended on the seller's debit, waiting for an operator's abort.
        var suspended = _market.Trade(buyer, seller);
        await using (await AccountLock.HoldAsync(api.ConnectionString, seller, _market.Base))
        {
            await _client.PostTradeAsync(suspended);
            await _client.WaitForSettlementAsync(suspended.TradeId, "Suspended");
        }

        var trade = _market.Trade(buyer, seller);
        HttpResponseMessage posted, aborted;
        await api.Servers.StopRabbitMqAsync();
        try
        {
            posted = await _client.PostAsJsonAsync("/api/trades", trade);
            aborted = await _client.PostAsJsonAsync($"/api/settlements/{suspended.TradeId}/abort", new { reason = "seller account frozen" });
        }
        finally
        {
            await api.Servers.StartRabbitMqAsync();
        }

        await posted.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, $"did not confirm trade {trade.TradeId} within 3 s", "RabbitMq:PublishTimeout");
        await aborted.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, $"did not confirm the abort of trade {suspended.TradeId}", "RabbitMq:PublishTimeout");
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], new[] { posted, aborted }.Select(r => r.Headers.RetryAfter?.Delta));
        Assert.Equal("Suspended", (await _client.WaitForSettlementAsync(suspended.TradeId, "Suspended")).GetProperty("state").GetString());

        // Posted again once the broker is back (the bus reconnects on its own): each is acted on once.
        await Poll.UntilAsync(async () => (await _client.PostAsJsonAsync("/api/trades", trade)).StatusCode == HttpStatusCode.Accepted,
            TimeSpan.FromMinutes(2), () => "POST /api/trades was not accepted after the broker came back.", TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Accepted,
            (await _client.PostAsJsonAsync($"/api/settlements/{suspended.TradeId}/abort", new { reason = "seller account frozen" })).StatusCode);

        await _client.WaitForSettlementAsync(trade.TradeId, "Settled");
        await _client.WaitForSettlementAsync(suspended.TradeId, "RolledBack");
        Assert.Equal(60_000m - 25_012.5m, await _client.BalanceAsync(buyer, _market.Quote));
        Assert.Equal(0.5m, await _client.BalanceAsync(buyer, _market.Base));
        Assert.Equal(1.5m, await _client.BalanceAsync(seller, _market.Base));
        Assert.Equal(24_975m, await _client.BalanceAsync(seller, _market.Quote));
    }
}
