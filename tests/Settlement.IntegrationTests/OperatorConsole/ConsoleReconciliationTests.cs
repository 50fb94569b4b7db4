using Microsoft.Playwright;
using Npgsql;
using Settlement.IntegrationTests.DeadLetters;
using Settlement.IntegrationTests.Settlement;
using Settlement.Orchestration.Saga;
using Settlement.Testing;
using static Microsoft.Playwright.Assertions;

namespace Settlement.IntegrationTests.OperatorConsole;

/// <summary>Reconciliation from the console: clean books say so; a tampered ledger shows its break, linked to the trade.</summary>
public class ConsoleReconciliationTests(ServersFixture servers, ConsoleBrowser browser) : ConsoleTests(servers, browser)
{
    [Fact]
    public async Task A_ledger_entry_removed_behind_theServices_back_shows_as_a_break_linked_to_its_trade()
    {
        var trade = Market.Trade(Buyer, Seller);
        await Service.PublishAsync(trade);
        await Service.WaitForStateAsync(trade.TradeId, "Settled");
        var page = await ConsoleSession.SignInAsync(Browser, Service);

        await page.GetByRole(AriaRole.Link, new() { Name = "Reconciliation" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Run reconciliation" }).ClickAsync();
        await Expect(page.Locator("#verdict")).ToContainTextAsync("The books balance: no break.");

        await RemoveEntryAsync(OperationIds.For(trade.TradeId, SettlementLeg.BuyerCredit));
        await page.GetByRole(AriaRole.Button, new() { Name = "Run reconciliation" }).ClickAsync();
        await Expect(page.Locator("#verdict")).Not.ToContainTextAsync("no break");
        var row = page.Locator("table[aria-labelledby=breaks] tr", new() { HasText = trade.TradeId.ToString() });
        await Expect(row.First).ToContainTextAsync(OperationIds.For(trade.TradeId, SettlementLeg.BuyerCredit).ToString());
        await ConsoleBrowser.ScreenshotAsync(page, "13-reconciliation-break");

        await row.First.GetByRole(AriaRole.Link, new() { Name = trade.TradeId.ToString() }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Trade {trade.TradeId}" })).ToBeVisibleAsync();
        await Expect(page.Locator("tr[data-leg=BuyerCredit] td").Nth(6)).ToHaveTextAsync("—");
    }

    /// <summary>Deletes the operation's ledger entry, as a bug or an intruder would (past the append-only trigger).</summary>
    async Task RemoveEntryAsync(Guid operationId)
    {
        await using var connection = new NpgsqlConnection(Service.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SET session_replication_role = replica;
            DELETE FROM wallet.ledger_entries WHERE operation_id = @operation;
            """, connection);
        command.Parameters.AddWithValue("operation", operationId);
        await command.ExecuteNonQueryAsync();
    }
}
