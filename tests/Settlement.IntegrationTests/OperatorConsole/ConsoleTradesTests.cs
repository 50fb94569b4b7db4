using Microsoft.Playwright;
using Settlement.Contracts;
using Settlement.Orchestration.Saga;
using Settlement.Testing;
using static Microsoft.Playwright.Assertions;

namespace Settlement.IntegrationTests.OperatorConsole;

/// <summary>The trade list: filters and keyset pages as the API has them, and the search box that opens a trade or a wallet.</summary>
public class ConsoleTradesTests(ServersFixture servers, ConsoleBrowser browser) : ConsoleTests(servers, browser)
{
    [Fact]
    public async Task Settled_trades_page_by_two_and_a_trade_id_or_a_user_id_opens_its_page()
    {
        List<TradeExecuted> trades = [Market.Trade(Buyer, Seller, 0.1m), Market.Trade(Buyer, Seller, 0.2m), Market.Trade(Buyer, Seller, 0.3m)];
        foreach (var trade in trades)
        {
            await Service.PublishAsync(trade);
            await Service.WaitForStateAsync(trade.TradeId, "Settled");
        }

        var page = await ConsoleSession.SignInAsync(Browser, Service);
        await page.GetByRole(AriaRole.Link, new() { Name = "Trades" }).ClickAsync();
        await page.GetByLabel("Status").SelectOptionAsync(SettlementStatus.Settled);
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(3);
        await ConsoleBrowser.ScreenshotAsync(page, "14-trades");

        // Two a page, least recently updated first, as GET /api/settlements pages.
        await page.GotoAsync($"/console/trades?status={SettlementStatus.Settled}&pageSize=2");
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(2);
        var firstPage = await page.Locator("tbody tr td:first-child").AllTextContentsAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        var secondPage = await page.Locator("tbody tr td:first-child").AllTextContentsAsync();
        Assert.Equal(trades.Select(t => t.TradeId.ToString()).Order(), firstPage.Concat(secondPage).Order());
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Next page" })).ToHaveCountAsync(0);

        await page.GetByLabel("Trade id or user id").FillAsync(trades[1].TradeId.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await Expect(page.Locator("#trade-state")).ToHaveTextAsync("Settled");
        await Expect(page.Locator("tr[data-leg=BuyerCredit]")).ToContainTextAsync("+0.2");

        await page.GetByRole(AriaRole.Link, new() { Name = "Trades" }).ClickAsync();
        await page.GetByLabel("Trade id or user id").FillAsync(Seller.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Wallet {Seller}" })).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-currency={Market.Base}]")).ToContainTextAsync("1.4");
        await Expect(page.Locator("table[aria-labelledby=entries] tbody tr")).ToHaveCountAsync(7); // a deposit and two legs of each trade
    }
}
