using Settlement.Contracts;
using Settlement.Orchestration.Saga;

namespace Settlement.UnitTests.Saga;

public class CompensationTests
{
    [Fact]
    public async Task When_buyer_debit_is_refused_no_further_command_is_sent_and_the_trade_fails()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        h.Wallet.Refuse(trade.Op(SettlementLeg.BuyerDebit), WalletErrorCode.InsufficientBalance);

        await h.Publish(trade);
        var record = await h.WaitFor(trade.TradeId, m => m.RolledBack);

        Assert.Equal(SettlementStatus.Failed, record.SettlementStatus);
        Assert.Null(record.SettledAt);
        Assert.Contains("BuyerDebit refused: InsufficientBalance", record.FailureReason);
        Assert.Contains("nothing to roll back", record.FailureReason);
        Assert.Single(h.Wallet.Received);
        Assert.Empty(h.Wallet.Applied);
        Assert.True(await h.Harness.Published.Any<SettlementFailed>(x => x.Context.Message.TradeId == trade.TradeId && x.Context.Message.State == "RolledBack"));
    }

    [Theory]
    [InlineData(SettlementLeg.BuyerCredit, new[] { SettlementLeg.BuyerDebit })]
    [InlineData(SettlementLeg.SellerDebit, new[] { SettlementLeg.BuyerCredit, SettlementLeg.BuyerDebit })]
    [InlineData(SettlementLeg.SellerCredit, new[] { SettlementLeg.SellerDebit, SettlementLeg.BuyerCredit, SettlementLeg.BuyerDebit })]
    public async Task When_a_leg_is_refused_every_completed_leg_is_reversed_last_first(SettlementLeg refused, SettlementLeg[] reversedInOrder)
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        h.Wallet.Refuse(trade.Op(refused), WalletErrorCode.UnknownAccount);

        await h.Publish(trade);
        var record = await h.WaitFor(trade.TradeId, m => m.RolledBack);

        var reversals = h.Wallet.Applied.OfType<ReverseOperation>().ToArray();
        Assert.Equal(reversedInOrder.Select(trade.Op), reversals.Select(r => r.OriginalOperationId));
        Assert.Equal(reversedInOrder.Select(trade.ReversalOp), reversals.Select(r => r.OperationId));
        Assert.Equal(reversedInOrder.Select(l => l.ToString()), record.ReversedLegs);
        Assert.Equal(SettlementStatus.Failed, record.SettlementStatus);
        Assert.Contains($"{refused} refused: UnknownAccount", record.FailureReason);
        Assert.Contains("rolled back", record.FailureReason);
        Assert.DoesNotContain(h.Wallet.Received, c => c is CreditBalance { Reason: LedgerReason.FeeCollection });
    }

    [Fact]
    public async Task When_fee_collection_is_refused_the_trade_still_settles_and_nothing_is_reversed()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        h.Wallet.Refuse(trade.Op(SettlementLeg.FeeCollection), WalletErrorCode.UnknownAccount);

        await h.Publish(trade);
        var record = await h.WaitFor(trade.TradeId, m => m.Settled);

        Assert.Equal(SettlementStatus.Settled, record.SettlementStatus);
        Assert.NotNull(record.SettledAt);
        Assert.False(record.FeeCollected);
        Assert.Empty(h.Wallet.Received.OfType<ReverseOperation>());
        Assert.True(await h.Harness.Published.Any<TradeSettled>(x => x.Context.Message.TradeId == trade.TradeId && !x.Context.Message.FeeCollected));
    }

    [Fact]
    public async Task When_a_reversal_is_refused_the_trade_ends_compensation_failed()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        h.Wallet.Refuse(trade.Op(SettlementLeg.SellerDebit), WalletErrorCode.InsufficientBalance);
        h.Wallet.Refuse(trade.ReversalOp(SettlementLeg.BuyerCredit), WalletErrorCode.InsufficientBalance);

        await h.Publish(trade);
        var record = await h.WaitFor(trade.TradeId, m => m.CompensationFailed);

        Assert.Equal(SettlementStatus.Failed, record.SettlementStatus);
        Assert.Contains("reversal of BuyerCredit refused: InsufficientBalance", record.FailureReason);
        Assert.Empty(record.ReversedLegs);
        Assert.DoesNotContain(h.Wallet.Received.OfType<ReverseOperation>(), r => r.OriginalOperationId == trade.Op(SettlementLeg.BuyerDebit));
        Assert.True(await h.Harness.Published.Any<SettlementFailed>(x => x.Context.Message.TradeId == trade.TradeId && x.Context.Message.State == "CompensationFailed"));
    }
}
