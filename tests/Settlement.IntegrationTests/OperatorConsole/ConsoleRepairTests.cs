using System.Net;
using Microsoft.Playwright;
using Settlement.Contracts;
using Settlement.IntegrationTests.DeadLetters;
using Settlement.IntegrationTests.Settlement;
using Settlement.IntegrationTests.Wallet;
using Settlement.Orchestration.Saga;
using Settlement.Testing;
using static Microsoft.Playwright.Assertions;

namespace Settlement.IntegrationTests.OperatorConsole;

/// <summary>
/// From an alert to a repaired trade in the Browser, on the real service and servers: a trade is forced into Suspended
/// (the test holds the seller's account, so its SellerDebit outlasts its retries and is dead-lettered), then put right
/// from the console by retrying its dead-letter group, or by aborting it.
/// </summary>
public class ConsoleRepairTests(ServersFixture servers, ConsoleBrowser browser) : ConsoleTests(servers, browser)
{
    const string WalletError = "wallet_error";

    [Fact]
    public async Task A_suspended_trade_shows_on_the_overview_and_in_its_group_and_retrying_the_group_settles_it_with_five_legs()
    {
        var trade = await SuspendAsync();
        var page = await ConsoleSession.SignInAsync(Browser, Service);

        // The broker's management API counts a queue's messages with its statistics, every few seconds: the overview
        // (which reloads itself every 15 s) is reloaded here until the count has caught up.
        var deadLetters = page.Locator("table[aria-labelledby=dead-letters] tr", new() { HasText = WalletError }).Locator("td").Nth(1);
        await Poll.UntilAsync(async () => await deadLetters.CountAsync() > 0 && await deadLetters.TextContentAsync() == "1" || (await page.ReloadAsync()) is null,
            TimeSpan.FromSeconds(30), () => $"The overview never counted the dead letter in {WalletError}.");
        await Expect(page.Locator("table[aria-labelledby=by-state] tr", new() { HasText = "Suspended" })).ToContainTextAsync("SETTLEMENT_FAILED");
        await ConsoleBrowser.ScreenshotAsync(page, "03-overview-suspended");
        await page.SetViewportSizeAsync(800, 900);
        await ConsoleBrowser.ScreenshotAsync(page, "03-overview-suspended-800px");
        await page.SetViewportSizeAsync(1280, 900);

        await page.GetByRole(AriaRole.Link, new() { Name = "Dead letters" }).ClickAsync();
        var group = page.Locator("[data-group]", new() { HasText = trade.TradeId.ToString() });
        await Expect(group).ToContainTextAsync("1 × DebitBalance");
        await Expect(group).ToContainTextAsync("Npgsql.PostgresException: 55P03: canceling statement due to lock timeout");
        await ConsoleBrowser.ScreenshotAsync(page, "04-dead-letters");

        // Read the message itself: its headers, and its body with the amount as sent.
        await group.GetByText("Messages").ClickAsync();
        await group.Locator("li a").First.ClickAsync();
        await Expect(page.Locator("#message-body")).ToContainTextAsync($"\"tradeId\": \"{trade.TradeId}\"");
        await Expect(page.Locator("#message-body")).ToContainTextAsync("\"amount\": \"0.5\"");
        await Expect(page.Locator("table[aria-labelledby=headers]")).ToContainTextAsync("MT-Fault-RetryCount");
        await ConsoleBrowser.ScreenshotAsync(page, "05-dead-letter-message");

        await page.GotoAsync("/console/dead-letters");
        await page.Locator("[data-group]", new() { HasText = trade.TradeId.ToString() }).GetByRole(AriaRole.Link, new() { Name = "Retry group…" }).ClickAsync();
        await Expect(page.Locator("#confirm-plan")).ToContainTextAsync($"Moves 1 message from {WalletError} to wallet: the DebitBalance that failed with");
        await ConsoleBrowser.ScreenshotAsync(page, "06-retry-group-confirm");
        await page.GetByRole(AriaRole.Button, new() { Name = "Move 1 message" }).ClickAsync();
        await Expect(page.Locator("#retried")).ToContainTextAsync($"Moved 1 message from {WalletError} to wallet.");
        await ConsoleBrowser.ScreenshotAsync(page, "07-retry-group-done");

        await Service.WaitForStateAsync(trade.TradeId, "Settled");
        await page.GotoAsync($"/console/trades/{trade.TradeId}");
        await Expect(page.Locator("#trade-status")).ToHaveTextAsync(SettlementStatus.Settled);
        await Expect(page.Locator("#trade-state")).ToHaveTextAsync("Settled");
        foreach (var leg in SettlementPlan.Order)
        {
            var row = page.Locator($"tr[data-leg={leg}]");
            await Expect(row).ToContainTextAsync("applied");
            await Expect(row).ToContainTextAsync(OperationIds.For(trade.TradeId, leg).ToString());
        }

        await Expect(page.Locator("tr[data-leg=BuyerDebit]")).ToContainTextAsync("−25012.5");
        await ConsoleBrowser.ScreenshotAsync(page, "08-trade-settled");

        await page.GetByRole(AriaRole.Link, new() { Name = Buyer.ToString() }).First.ClickAsync();
        await Expect(page.Locator($"tr[data-currency={Market.Quote}]")).ToContainTextAsync("34987.5");
        await Expect(page.Locator("table[aria-labelledby=entries]")).ToContainTextAsync(trade.TradeId.ToString());
        await ConsoleBrowser.ScreenshotAsync(page, "09-wallet");
    }

    [Fact]
    public async Task Aborting_a_suspended_trade_from_its_page_rolls_it_back_and_the_page_shows_each_reversed_leg()
    {
        var trade = await SuspendAsync();
        var page = await ConsoleSession.SignInAsync(Browser, Service);
        await page.GotoAsync($"/console/trades/{trade.TradeId}");
        await Expect(page.Locator("#trade-state")).ToHaveTextAsync("Suspended");
        await Expect(page.Locator("tr[data-leg=SellerDebit]")).ToContainTextAsync("pending");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "retry its dead letter…" })).ToBeVisibleAsync();
        await ConsoleBrowser.ScreenshotAsync(page, "10-trade-suspended");

        await page.GetByRole(AriaRole.Link, new() { Name = "Abort this trade…" }).ClickAsync();
        await Expect(page.Locator("#abort-plan")).ToContainTextAsync("reverses the pending leg SellerDebit first");
        await Expect(page.Locator("#abort-plan")).ToContainTextAsync("each applied leg, last first: BuyerCredit, BuyerDebit");
        await page.GetByLabel("Reason").FillAsync("seller's account locked by a stuck session");
        await ConsoleBrowser.ScreenshotAsync(page, "11-abort-confirm");
        var sent = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Abort the trade" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(HttpStatusCode.OK, (HttpStatusCode)sent.Status);
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Abort sent to the saga");

        await Service.WaitForStateAsync(trade.TradeId, "RolledBack");
        await page.GotoAsync($"/console/trades/{trade.TradeId}");
        await Expect(page.Locator("#trade-state")).ToHaveTextAsync("RolledBack");
        await Expect(page.Locator("dl.record")).ToContainTextAsync("Aborted by an operator: seller's account locked by a stuck session");
        foreach (var leg in new[] { SettlementLeg.BuyerDebit, SettlementLeg.BuyerCredit })
        {
            await Expect(page.Locator($"tr[data-leg={leg}]")).ToContainTextAsync("reversed");
            await Expect(page.Locator($"tr[data-leg={leg}-reversal]")).ToContainTextAsync(OperationIds.ReversalOf(trade.TradeId, leg).ToString());
        }

        await Expect(page.Locator("tr[data-leg=BuyerDebit-reversal]")).ToContainTextAsync("+25012.5");
        await Expect(page.Locator("tr[data-leg=SellerCredit]")).ToContainTextAsync("not applied");
        await ConsoleBrowser.ScreenshotAsync(page, "12-trade-rolled-back");
        Assert.Equal(60_000m, await Service.BalanceAsync(Buyer, Market.Quote));
        Assert.Equal(0m, await Service.BalanceAsync(Buyer, Market.Base));
    }

    /// <summary>Publishes a trade while the seller's base account is held; returns once it is Suspended and its command dead-lettered.</summary>
    async Task<TradeExecuted> SuspendAsync()
    {
        var trade = Market.Trade(Buyer, Seller);
        await using (await AccountLock.HoldAsync(Service.ConnectionString, Seller, Market.Base))
        {
            await Service.PublishAsync(trade);
            var suspended = await Service.WaitForStateAsync(trade.TradeId, "Suspended");
            Assert.Equal((SettlementStatus.Failed, "SellerDebit"), (suspended.SettlementStatus, suspended.PendingLeg));
        }

        // The saga can hear of the fault before MassTransit has moved the message to wallet_error.
        await Poll.UntilAsync(
            async () =>
            {
                using var response = await Service.Api.GetAsync($"/api/dead-letters?queue={WalletError}");
                return response.IsSuccessStatusCode && (await Service.ListAsync(WalletError)).Messages.Any(m => m.TradeId == trade.TradeId);
            },
            TimeSpan.FromSeconds(60), () => $"The trade's command did not reach {WalletError}.");
        return trade;
    }
}
