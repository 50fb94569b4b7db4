using Settlement.Contracts;
using Settlement.Orchestration.Saga;

namespace Settlement.UnitTests.Saga;

public class OperatorActionTests
{
    [Fact]
    public async Task Aborting_a_suspended_trade_reverses_its_pending_leg_and_every_applied_leg_last_first()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        h.Wallet.FailTransiently(trade.Op(SettlementLeg.SellerDebit), times: int.MaxValue);
        await h.Publish(trade);
        await h.WaitFor(trade.TradeId, m => m.Suspended);

        await h.SendToSaga(new AbortSettlement { TradeId = trade.TradeId, Reason = "seller account frozen" });
        var record = await h.WaitFor(trade.TradeId, m => m.RolledBack);

        var reversals = h.Wallet.Applied.OfType<ReverseOperation>().Select(r => r.OriginalOperationId);
        Assert.Equal([trade.Op(SettlementLeg.SellerDebit), trade.Op(SettlementLeg.BuyerCredit), trade.Op(SettlementLeg.BuyerDebit)], reversals);
        Assert.Equal(["BuyerCredit", "BuyerDebit"], record.ReversedLegs);
        Assert.Equal(SettlementStatus.Failed, record.SettlementStatus);
        Assert.Contains("Aborted by an operator: seller account frozen", record.FailureReason);
    }

    [Fact]
    public async Task An_abort_of_a_trade_that_is_not_suspended_changes_nothing()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        await h.Publish(trade);
        await h.WaitFor(trade.TradeId, m => m.Settled);

        await h.SendToSaga(new AbortSettlement { TradeId = trade.TradeId, Reason = "too late" });
        await h.Harness.InactivityTask;

        var record = h.Saga.Sagas.Contains(trade.TradeId)!;
        Assert.Equal("Settled", record.CurrentState);
        Assert.Empty(h.Wallet.Received.OfType<ReverseOperation>());
    }

    [Fact]
    public async Task A_resend_request_sends_the_awaited_command_again_and_the_trade_then_settles()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        var sellerDebit = trade.Op(SettlementLeg.SellerDebit);
        h.Wallet.Hold(sellerDebit);
        await h.Publish(trade);
        await h.WaitFor(trade.TradeId, m => m.BuyerCredited);
        await SagaHarness.WaitUntil(() => h.Wallet.Received.OfType<DebitBalance>().Any(c => c.OperationId == sellerDebit));

        h.Wallet.Heal(sellerDebit);
        await h.SendToSaga(new ResendSettlementStep { TradeId = trade.TradeId });
        var record = await h.WaitFor(trade.TradeId, m => m.Settled);

        Assert.Equal(2, h.Wallet.Received.OfType<DebitBalance>().Count(c => c.OperationId == sellerDebit));
        Assert.Equal(5, record.CompletedLegs.Count);
    }
}
