using Settlement.Contracts;
using Settlement.EndToEndTests.Stack;
using Settlement.Testing;

namespace Settlement.EndToEndTests;

/// <summary>
/// PostgreSQL goes away for longer than the retries last. Nothing is lost: every message that could not be handled waits
/// in an error queue, and an operator moves the dead letters back with the management UI's "Move messages" (a shovel).
/// </summary>
[Collection(SplitRolesCollection.Name)]
public sealed class DatabaseOutageTests(SplitRolesStack stack)
{
    const string Vhost = "/";
    static readonly TimeSpan DeadLettered = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Trades_caught_by_a_database_outage_are_dead_lettered_and_suspended_then_settle_once_the_dead_letters_are_moved_back()
    {
        var market = new Market();
        using var api = stack.Api();
        using var management = stack.Management();
        await using var engine = await MatchingEngine.ConnectAsync(stack.BrokerUri);
        var inFlight = new List<TradeExecuted>();
        for (var i = 0; i < 4; i++)
            inFlight.Add(await api.FundedTradeAsync(market));
        var notStarted = new List<TradeExecuted>();
        for (var i = 0; i < 2; i++)
            notStarted.Add(await api.FundedTradeAsync(market));

        // The saga records the trades and sends each buyer debit; the wallet, held back, has not applied one.
        await SettlementStack.PauseAsync(stack.Wallet);
        await Task.WhenAll(inFlight.Select(engine.PublishAsync));
        foreach (var trade in inFlight)
        {
            var waiting = await api.WaitForSettlementAsync(trade.TradeId, Trades.Outcome, "Accepted");
            Assert.Equal("BuyerDebit", waiting.GetProperty("pendingLeg").GetString());
        }

        // The database stops. The wallet fails its debits past the retries (wallet_error), the saga the wallet's faults
        // (settlement-replies_error), and the trades published meanwhile cannot even start (settlement_error).
        await stack.Postgres.StopAsync();
        await SettlementStack.UnpauseAsync(stack.Wallet);
        await Task.WhenAll(notStarted.Select(engine.PublishAsync));
        await WaitForDeadLettersAsync(management, "wallet_error", inFlight);
        await WaitForDeadLettersAsync(management, "settlement-replies_error", inFlight);
        await WaitForDeadLettersAsync(management, "settlement_error", notStarted);

        await stack.Postgres.StartAsync();
        // Connections the API pooled before the restart are broken, and Npgsql finds out only by using one: each such
        // read is answered 500 once and the connection discarded. Asked one after the other, reads answer again.
        await Poll.UntilAsync(async () => (await api.GetAsync($"/api/wallets/{inFlight[0].BuyerUserId}/balances")).IsSuccessStatusCode,
            Trades.Outcome, () => "The wallet's balances are not readable again after the database restarted.");

        // The wallet's faults moved back: the saga records each trade Suspended, waiting for its buyer debit.
        await management.MoveMessagesAsync(Vhost, "settlement-replies_error", "settlement-replies");
        foreach (var trade in inFlight)
        {
            var suspended = await api.WaitForSettlementAsync(trade.TradeId, Trades.Outcome, "Suspended");
            Assert.Equal("SETTLEMENT_FAILED", suspended.GetProperty("status").GetString());
            Assert.Equal("BuyerDebit", suspended.GetProperty("pendingLeg").GetString());
        }

        // The debits and the trades that never started moved back: everything settles, each leg once.
        await management.MoveMessagesAsync(Vhost, "wallet_error", "wallet");
        await management.MoveMessagesAsync(Vhost, "settlement_error", "settlement");
        foreach (var trade in inFlight.Concat(notStarted))
        {
            await api.SettledAsync(trade);
            await api.AssertSettledBalancesAsync(market, trade);
        }

        Assert.Empty(await ErrorQueueMessagesOfAsync(management, [.. inFlight, .. notStarted]));
        var report = await api.ReconciliationAsync();
        Assert.True(report.GetProperty("ok").GetBoolean(), $"reconciliation found breaks: {report}");
    }

    static Task WaitForDeadLettersAsync(RabbitMqManagement management, string queue, IReadOnlyCollection<TradeExecuted> trades) =>
        Poll.UntilAsync(async () =>
        {
            var payloads = (await management.PeekAsync(Vhost, queue, 500)).Select(m => m.Payload).ToList();
            return trades.All(t => payloads.Any(p => p.Contains(t.TradeId.ToString(), StringComparison.Ordinal)));
        }, DeadLettered, () => $"Not every trade's message reached {queue}.", TimeSpan.FromSeconds(1));

    static async Task<List<string>> ErrorQueueMessagesOfAsync(RabbitMqManagement management, IReadOnlyCollection<TradeExecuted> trades)
    {
        var left = new List<string>();
        foreach (var queue in new[] { "wallet_error", "settlement-replies_error", "settlement_error" })
        {
            left.AddRange((await management.PeekAsync(Vhost, queue, 500))
                .Where(m => trades.Any(t => m.Payload.Contains(t.TradeId.ToString(), StringComparison.Ordinal)))
                .Select(m => $"{queue}: {m.Payload}"));
        }

        return left;
    }
}
