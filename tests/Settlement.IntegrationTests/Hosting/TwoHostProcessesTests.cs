using Settlement.IntegrationTests.Settlement;
using Settlement.Testing;
using Xunit.Abstractions;

namespace Settlement.IntegrationTests.Hosting;

public class TwoHostProcessesTests(ServersFixture fixture, ITestOutputHelper output) : IClassFixture<ServersFixture>
{
    const int Trades = 1_000;

    [Fact]
    public async Task Two_host_processes_settle_a_thousand_trades_between_them_each_exactly_once_even_when_one_is_stopped_midway()
    {
        await using var sandbox = await ServiceSandbox.CreateAsync(fixture.Servers);
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Settlement"] = sandbox.ConnectionString,
            ["RabbitMq__Uri"] = sandbox.Configuration["RabbitMq:Uri"]!,
            ["Api__Key"] = "two-hosts-test-key-0123456789",
            ["Settlement__FeeWalletUserId"] = sandbox.FeeWallet.ToString(),
            ["MASSTRANSIT_USAGE_TELEMETRY"] = "false",
        };
        await using var first = await HostProcess.StartServiceAsync(environment);
        await using var second = await HostProcess.StartServiceAsync(environment);
        await using var matchingEngine = await Operator.StartAsync(fixture.Servers, sandbox.ConnectionString, sandbox.VirtualHost);

        var started = DateTime.UtcNow;
        var market = new Market();
        var trades = Enumerable.Range(0, Trades).Select(_ => market.Trade(Guid.NewGuid(), Guid.NewGuid(), quantity: 0.01m)).ToList();
        await Parallel.ForEachAsync(trades, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (trade, _) =>
        {
            await matchingEngine.DepositAsync(trade.BuyerUserId, market.Quote, 500.25m);
            await matchingEngine.DepositAsync(trade.SellerUserId, market.Base, 0.01m);
        });
        var funded = DateTime.UtcNow;

        await Task.WhenAll(trades.Select(matchingEngine.PublishAsync));
        var ids = trades.Select(t => t.TradeId).ToList();

        // Stop the first process with SIGTERM while the work is under way: what it had in flight finishes or goes
        // back to the queue, and the second process settles the rest.
        await WaitUntilSettledAsync(matchingEngine, ids, Trades / 5);
        Assert.Equal(0, await first.StopAsync());
        await WaitUntilSettledAsync(matchingEngine, ids, Trades);

        output.WriteLine($"funded in {funded - started}, settled {Trades} trades in {DateTime.UtcNow - funded}");
        Assert.Equal(Trades, await matchingEngine.CountInStateAsync(ids, "Settled"));
        var entries = await matchingEngine.EntriesPerTradeAsync(ids);
        Assert.Equal(Trades, entries.Count);
        Assert.All(entries.Values, count => Assert.Equal(5, count));
        Assert.Equal(Trades * 0.75m, (await matchingEngine.Ledger.GetBalanceAsync(sandbox.FeeWallet, market.Quote))!.Available);

        // Both processes did part of the work: each logged trades it handled.
        Assert.Contains(ids, id => first.Output.Contains(id.ToString()));
        Assert.Contains(ids, id => second.Output.Contains(id.ToString()));

        Assert.Equal(0, await second.StopAsync());
    }

    static async Task WaitUntilSettledAsync(Operator matchingEngine, IReadOnlyCollection<Guid> ids, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (await matchingEngine.CountInStateAsync(ids, "Settled") < count && DateTime.UtcNow < deadline)
            await Task.Delay(250);
    }
}
