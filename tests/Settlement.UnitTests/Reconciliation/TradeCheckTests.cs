using Settlement.Orchestration.Saga;
using Settlement.Reconciliation;
using Settlement.UnitTests.Saga;

namespace Settlement.UnitTests.Reconciliation;

public class TradeCheckTests
{
    static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    static SettlementState Trade(string state, bool feeCollected = true)
    {
        var trade = Trades.Record(state);
        trade.FeeCollected = feeCollected;
        trade.UpdatedAt = Now;
        return trade;
    }

    static LedgerRow Entry(SettlementState trade, SettlementLeg leg)
    {
        var instruction = SettlementPlan.Leg(trade, leg);
        return new LedgerRow(trade.CorrelationId, instruction.OperationId, instruction.UserId, instruction.Currency,
            TradeCheck.Posted(instruction), "TradeSettlement", instruction.IsDebit ? "Debit" : "Credit", null);
    }

    static LedgerRow Reversal(SettlementState trade, SettlementLeg leg, Guid? operationId = null)
    {
        var original = Entry(trade, leg);
        return original with
        {
            OperationId = operationId ?? OperationIds.ReversalOf(trade.CorrelationId, leg),
            Amount = -original.Amount,
            Kind = "Reversal",
            OriginalOperationId = original.OperationId,
        };
    }

    static Findings Check(SettlementState trade, params LedgerRow[] entries)
    {
        var findings = new Findings(100);
        TradeCheck.Check(trade, entries, Now, TimeSpan.FromSeconds(30), findings);
        return findings;
    }

    [Fact]
    public void A_settled_trade_without_its_fee_is_a_finding_and_the_owed_fee_keeps_its_currency_conserved()
    {
        var trade = Trade("Settled", feeCollected: false);
        var findings = Check(trade, [.. SettlementPlan.Order.SkipLast(1).Select(leg => Entry(trade, leg))]);

        Assert.Equal(0, findings.Total);
        var fee = Assert.Single(findings.FeesNotCollected);
        Assert.Equal((trade.CorrelationId, trade.FeeWalletUserId, "USDT", "37.5"), (fee.TradeId, fee.FeeWalletUserId, fee.Currency, fee.Amount));

        // Buyer deposited 30,000: after the trade 4,987.5 + seller's 24,975 = 29,962.5, short of the 37.5 fee the wallet is owed.
        var books = CurrencyCheck.Check([new CurrencySums("USDT", Amount.Parse("30000"), Amount.Parse("29962.5"), Amount.Parse("29962.5"))], findings);
        Assert.True(Assert.Single(books).Conserved);
        Assert.Equal(0, findings.Total);
    }

    [Fact]
    public void A_leg_posted_with_another_amount_is_a_wrong_leg_with_both_amounts()
    {
        var trade = Trade("Settled");
        var entries = SettlementPlan.Order.Select(leg => Entry(trade, leg)).ToArray();
        entries[3] = entries[3] with { Amount = Amount.Parse("24976") };

        var wrong = Assert.Single(Check(trade, entries).Breaks);

        Assert.Equal((BreakKind.WrongLeg, "24975", "24976"), (wrong.Kind, wrong.Expected, wrong.Actual));
        Assert.Equal([OperationIds.For(trade.CorrelationId, SettlementLeg.SellerCredit)], wrong.OperationIds);
    }

    [Fact]
    public void A_leg_reversed_by_two_operations_is_reported_once_with_every_operation_id()
    {
        var trade = Trade("RolledBack");
        var manual = Guid.NewGuid();

        var findings = Check(trade, Entry(trade, SettlementLeg.BuyerDebit), Reversal(trade, SettlementLeg.BuyerDebit),
            Reversal(trade, SettlementLeg.BuyerDebit, manual));

        var twice = Assert.Single(findings.Breaks);
        Assert.Equal((BreakKind.LegReversedTwice, "25012.5", "50025"), (twice.Kind, twice.Expected, twice.Actual));
        Assert.Equal(manual, twice.OperationIds![^1]);
    }

    [Fact]
    public void A_suspended_trade_awaits_replay_and_its_moved_money_counts_as_in_flight()
    {
        var trade = Trade("Suspended");
        trade.UpdatedAt = Now.AddHours(-1);

        var findings = Check(trade, Entry(trade, SettlementLeg.BuyerDebit));

        Assert.Equal(0, findings.Total);
        Assert.Equal(trade.CorrelationId, Assert.Single(findings.AwaitingReplay).TradeId);
        Assert.Equal("-25012.5", findings.InFlight["USDT"].ToString());
    }

    [Fact]
    public void A_rejected_trade_with_an_entry_moved_money_it_must_not()
    {
        var trade = Trade("Rejected");
        var found = Assert.Single(Check(trade, Entry(trade, SettlementLeg.BuyerDebit)).Breaks);
        Assert.Equal((BreakKind.RejectedTradeMovedMoney, trade.CorrelationId), (found.Kind, found.TradeId));
    }

    [Theory]
    [InlineData("-123.450000000000000000", "-123.45")]
    [InlineData("0.000000000000000001", "0.000000000000000001")]
    [InlineData("99999999999999999999.999999999999999999", "99999999999999999999.999999999999999999")]
    [InlineData("0.000000000000000000", "0")]
    public void Amounts_keep_every_digit_and_drop_only_trailing_zeros(string text, string written) =>
        Assert.Equal(written, Amount.Parse(text).ToString());

    [Fact]
    public void An_amount_with_more_than_18_decimals_is_refused_not_rounded() =>
        Assert.Throws<FormatException>(() => Amount.Parse("1.0000000000000000001"));
}
