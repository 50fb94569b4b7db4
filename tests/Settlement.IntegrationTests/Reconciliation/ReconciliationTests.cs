using Settlement.Contracts;
using Settlement.Orchestration.Saga;
using Settlement.Reconciliation;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Reconciliation;

/// <summary>
/// Books made by real settlements reconcile clean; each kind of tampering, done in SQL afterwards, shows up as exactly
/// the breaks it causes, with the ids involved.
/// </summary>
public class ReconciliationTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task Books_after_real_settlements_and_a_rollback_reconcile_without_a_break()
    {
        var books = await SettledBooks.CreateAsync(fixture.Servers);

        var report = await books.ReconcileAsync();

        Assert.True(report.Ok, string.Join("\n", report.Breaks.Select(b => b.Detail)));
        Assert.Empty(report.Breaks);
        Assert.Equal(0, report.BreaksTotal);
        Assert.Equal(0, report.DoubleApplied);
        Assert.Equal(new TradeCounts { Total = 3, Settled = 2, RolledBack = 1 }, report.Trades);
        Assert.Equal(
            [
                new CurrencyBooks(books.Market.Base, "1.2", "1.2", "1.2", "0", "0", true),
                new CurrencyBooks(books.Market.Quote, "80000", "80000", "80000", "0", "0", true),
            ],
            report.Currencies);
        Assert.Empty(report.AwaitingReplay);
        Assert.Empty(report.FeeNotCollected);
    }

    [Fact]
    public async Task A_balance_changed_without_a_ledger_entry_breaks_its_replay_and_the_currency()
    {
        var books = await SettledBooks.CreateAsync(fixture.Servers);
        await books.TamperAsync("UPDATE wallet.accounts SET available = available + 100 WHERE user_id = $1 AND currency = $2",
            false, books.Buyer, books.Market.Quote);

        var report = await books.ReconcileAsync();

        Assert.False(report.Ok);
        Assert.Equal(2, report.BreaksTotal);
        var replay = Assert.Single(report.Breaks, b => b.Kind == BreakKind.BalanceNotReplayed);
        Assert.Equal((books.Buyer, books.Market.Quote, "29975", "30075"), (replay.UserId, replay.Currency, replay.Expected, replay.Actual));
        var conservation = Assert.Single(report.Breaks, b => b.Kind == BreakKind.CurrencyNotConserved);
        Assert.Equal((books.Market.Quote, "80000", "80100"), (conservation.Currency, conservation.Expected, conservation.Actual));
        Assert.Contains("balances", conservation.Detail);
    }

    [Fact]
    public async Task A_settled_trade_missing_a_leg_is_reported_with_the_leg_s_operation_id()
    {
        var books = await SettledBooks.CreateAsync(fixture.Servers);
        var sellerCredit = SettledBooks.Leg(books.SecondSettled, SettlementLeg.SellerCredit);
        await books.RemoveEntryAsync(sellerCredit);

        var report = await books.ReconcileAsync();

        Assert.False(report.Ok);
        var missing = Assert.Single(report.Breaks, b => b.Kind == BreakKind.MissingLeg);
        Assert.Equal((books.SecondSettled, books.Seller, books.Market.Quote, "24975", "0"),
            (missing.TradeId, missing.UserId, missing.Currency, missing.Expected, missing.Actual));
        Assert.Equal([sellerCredit], missing.OperationIds);
        Assert.Contains("SellerCredit", missing.Detail);
        // The seller's 24,975 vanished from both the balances and the ledger.
        Assert.Equal(new Dictionary<string, int> { [BreakKind.CurrencyNotConserved] = 2, [BreakKind.MissingLeg] = 1 }, report.BreakCounts);
        Assert.All(report.Breaks.Where(b => b.Kind == BreakKind.CurrencyNotConserved), b => Assert.Equal(("80000", "55025"), (b.Expected, b.Actual)));
    }

    [Fact]
    public async Task A_leg_posted_twice_for_a_settled_trade_is_an_extra_entry_counted_as_double_applied()
    {
        var books = await SettledBooks.CreateAsync(fixture.Servers);
        var again = Guid.NewGuid();
        await books.PostAsync(again, books.SecondSettled, books.Seller, books.Market.Quote, 24_975m, LedgerReason.TradeSettlement);

        var report = await books.ReconcileAsync();

        Assert.False(report.Ok);
        Assert.Equal(1, report.DoubleApplied);
        var extra = Assert.Single(report.Breaks, b => b.Kind == BreakKind.ExtraEntry);
        Assert.Equal((books.SecondSettled, books.Seller, books.Market.Quote, "24975"), (extra.TradeId, extra.UserId, extra.Currency, extra.Actual));
        Assert.Equal([again], extra.OperationIds);
        Assert.Contains("SellerCredit again", extra.Detail);
        Assert.Equal(new Dictionary<string, int> { [BreakKind.CurrencyNotConserved] = 2, [BreakKind.ExtraEntry] = 1 }, report.BreakCounts);
    }

    [Fact]
    public async Task A_rolled_back_trade_with_a_leg_not_reversed_is_reported_with_that_leg()
    {
        var books = await SettledBooks.CreateAsync(fixture.Servers);
        await books.RemoveEntryAsync(OperationIds.ReversalOf(books.RolledBack, SettlementLeg.BuyerCredit));

        var report = await books.ReconcileAsync();

        Assert.False(report.Ok);
        var kept = Assert.Single(report.Breaks, b => b.Kind == BreakKind.LegNotReversed);
        Assert.Equal((books.RolledBack, books.Buyer, books.Market.Base, "0.5"), (kept.TradeId, kept.UserId, kept.Currency, kept.Actual));
        Assert.Equal([SettledBooks.Leg(books.RolledBack, SettlementLeg.BuyerCredit)], kept.OperationIds);
        // The buyer kept 0.5 base that came from nowhere.
        Assert.Equal(new Dictionary<string, int> { [BreakKind.CurrencyNotConserved] = 2, [BreakKind.LegNotReversed] = 1 }, report.BreakCounts);
        Assert.All(report.Breaks.Where(b => b.Kind == BreakKind.CurrencyNotConserved),
            b => Assert.Equal((books.Market.Base, "1.2", "1.7"), (b.Currency, b.Expected, b.Actual)));
    }

    [Fact]
    public async Task A_trade_pending_longer_than_the_step_timeout_is_stale()
    {
        var books = await SettledBooks.CreateAsync(fixture.Servers);
        await books.TamperAsync("""
            UPDATE settlement.settlements SET current_state = 'SellerDebited', settlement_status = 'PENDING', settled_at = NULL,
                pending_leg = 'SellerCredit', updated_at = now() - interval '10 minutes'
            WHERE trade_id = $1
            """, false, books.SecondSettled);

        var report = await books.ReconcileAsync();

        Assert.False(report.Ok);
        var stale = Assert.Single(report.Breaks);
        Assert.Equal((BreakKind.StalePending, books.SecondSettled), (stale.Kind, stale.TradeId));
        Assert.Equal([SettledBooks.Leg(books.SecondSettled, SettlementLeg.SellerCredit)], stale.OperationIds);
        Assert.Equal(new TradeCounts { Total = 3, Settled = 1, RolledBack = 1, Pending = 1 }, report.Trades);
        // Its legs went through, so nothing is in flight and every currency still balances.
        Assert.All(report.Currencies, c => Assert.True(c.Conserved));
    }

    [Fact]
    public async Task Money_created_from_nothing_breaks_conservation_and_names_the_entry()
    {
        var books = await SettledBooks.CreateAsync(fixture.Servers);
        var (lucky, operation) = (Guid.NewGuid(), Guid.NewGuid());
        await books.PostAsync(operation, tradeId: null, lucky, books.Market.Quote, 1_000m, LedgerReason.TradeSettlement);

        var report = await books.ReconcileAsync();

        Assert.False(report.Ok);
        var conservation = report.Breaks.Where(b => b.Kind == BreakKind.CurrencyNotConserved).ToList();
        Assert.Equal(2, conservation.Count);
        Assert.All(conservation, b => Assert.Equal((books.Market.Quote, "80000", "81000"), (b.Currency, b.Expected, b.Actual)));
        Assert.False(Assert.Single(report.Currencies, c => c.Currency == books.Market.Quote).Conserved);
        var entry = Assert.Single(report.Breaks, b => b.Kind == BreakKind.EntryWithoutTrade);
        Assert.Equal((lucky, books.Market.Quote, "1000"), (entry.UserId, entry.Currency, entry.Actual));
        Assert.Equal([operation], entry.OperationIds);
        Assert.Equal(3, report.BreaksTotal);
    }

    [Fact]
    public async Task Breaks_beyond_the_cap_are_counted_but_not_listed()
    {
        var books = await SettledBooks.CreateAsync(fixture.Servers);
        await books.TamperAsync("UPDATE wallet.accounts SET available = available + 1 WHERE currency IN ($1, $2)",
            false, books.Market.Base, books.Market.Quote);

        var report = await books.ReconcileAsync(maxBreaks: 2);

        Assert.Equal(2, report.BreaksListed);
        Assert.Equal(2, report.Breaks.Count);
        Assert.True(report.BreaksTotal > 2);
        Assert.Equal(report.BreaksTotal, report.BreakCounts.Values.Sum());
    }
}
