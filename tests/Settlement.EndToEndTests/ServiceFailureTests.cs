using System.Net;
using Settlement.Contracts;
using Settlement.EndToEndTests.Stack;
using Settlement.Testing;
using Xunit.Abstractions;

namespace Settlement.EndToEndTests;

/// <summary>The service's container dies, or is given a bad setting, and comes back.</summary>
[Collection(OneServiceCollection.Name)]
public sealed class ServiceFailureTests(SettlementStack stack, ITestOutputHelper output)
{
    const int Burst = 300;

    [Fact]
    public async Task The_service_killed_mid_burst_and_started_again_ends_every_trade_and_reconciliation_finds_no_break()
    {
        var market = new Market();
        var trades = new TradeExecuted[Burst];
        using (var api = stack.Api())
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, Burst), new ParallelOptions { MaxDegreeOfParallelism = 8 },
                async (i, _) => trades[i] = await api.FundedTradeAsync(market, 0.01m + i * 0.0001m));
        }

        await using (var engine = await MatchingEngine.ConnectAsync(stack.BrokerUri))
        {
            await Task.WhenAll(trades.Select(engine.PublishAsync));
        }

        var settledBeforeKill = 0;
        using (var api = stack.Api())
        {
            await Poll.UntilAsync(async () => (settledBeforeKill = await SettledAsync(api, trades)) >= Burst / 10,
                Trades.Outcome, () => $"Not even {Burst / 10} of {Burst} trades settled before the kill.", TimeSpan.FromMilliseconds(100));
        }

        await SettlementStack.KillAsync(stack.Service);
        await SettlementStack.RestartAsync(stack.Service);
        output.WriteLine($"killed with {settledBeforeKill} of {Burst} trades settled");
        Assert.InRange(settledBeforeKill, 1, Burst - 1); // mid-burst: the kill came while trades were moving

        using (var api = stack.Api())
        {
            // The dead process's unacknowledged messages are delivered again; a step it committed without sending the
            // next command is resent by the stuck-saga sweeper after the step timeout (30 s).
            foreach (var trade in trades)
                await api.SettledAsync(trade, TimeSpan.FromMinutes(3));
            foreach (var trade in trades)
                await api.AssertSettledBalancesAsync(market, trade);

            var report = await api.ReconciliationAsync();
            Assert.True(report.GetProperty("ok").GetBoolean(), $"reconciliation found breaks: {report}");
            Assert.Equal(0, report.GetProperty("breaks_total").GetInt32());
            Assert.Equal(0, report.GetProperty("double_applied").GetInt32());
        }
    }

    [Fact]
    public async Task The_service_restarted_with_a_bad_setting_exits_non_zero_naming_the_setting_and_starts_again_with_good_ones()
    {
        await stack.Service.StopAsync();
        var settings = stack.Settings("saga,wallet");
        settings["Settlement__RetryLimit"] = "99";
        await using var misconfigured = stack.ServiceContainer("misconfigured", settings, waitUntilReady: false);

        await misconfigured.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var exitCode = await misconfigured.GetExitCodeAsync(timeout.Token);

        var logs = await SettlementStack.LogsAsync(misconfigured);
        Assert.NotEqual(0L, exitCode);
        Assert.Contains("RetryLimit", logs);
        Assert.Contains("OptionsValidationException", logs);

        await SettlementStack.RestartAsync(stack.Service);
        using var api = stack.Api();
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/health/ready")).StatusCode);
        var market = new Market();
        var trade = await api.FundedTradeAsync(market);
        await using var engine = await MatchingEngine.ConnectAsync(stack.BrokerUri);
        await engine.PublishAsync(trade);
        await api.SettledAsync(trade);
        await api.AssertSettledBalancesAsync(market, trade);
    }

    /// <summary>How many of <paramref name="trades"/> are settled, by the API's list of settled records.</summary>
    static async Task<int> SettledAsync(HttpClient api, IReadOnlyCollection<TradeExecuted> trades)
    {
        var ids = trades.Select(t => t.TradeId).ToHashSet();
        var settled = 0;
        string? after = null;
        do
        {
            var page = await (await api.GetAsync($"/api/settlements?status=SETTLED&pageSize=500{(after is null ? "" : $"&after={Uri.EscapeDataString(after)}")}")).JsonAsync();
            settled += page.GetProperty("items").EnumerateArray().Count(r => ids.Contains(r.GetProperty("tradeId").GetGuid()));
            after = page.GetProperty("next").GetString();
        }
        while (after is not null);
        return settled;
    }
}
