using MassTransit;
using Settlement.Contracts;
using Settlement.Orchestration.Saga;

namespace Settlement.UnitTests.Saga;

public class RetryAndDeadLetterTests
{
    [Fact]
    public async Task A_transient_wallet_fault_is_retried_with_backoff_and_the_trade_settles()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        var buyerCredit = trade.Op(SettlementLeg.BuyerCredit);
        h.Wallet.FailTransiently(buyerCredit, times: 2);

        await h.Publish(trade);
        var record = await h.WaitFor(trade.TradeId, m => m.Settled);

        Assert.Equal(3, h.Wallet.Received.OfType<CreditBalance>().Count(c => c.OperationId == buyerCredit));
        Assert.Equal(2, record.SettlementRetryCount);
        Assert.Equal(SettlementStatus.Settled, record.SettlementStatus);
    }

    [Fact]
    public async Task When_retries_run_out_the_command_faults_the_trade_is_suspended_and_a_replay_settles_it()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        var sellerDebit = trade.Op(SettlementLeg.SellerDebit);
        h.Wallet.FailTransiently(sellerDebit, times: int.MaxValue);

        await h.Publish(trade);
        var suspended = await h.WaitFor(trade.TradeId, m => m.Suspended);

        Assert.Equal(4, h.Wallet.Received.OfType<DebitBalance>().Count(c => c.OperationId == sellerDebit));
        Assert.True(await h.Harness.Published.Any<Fault<DebitBalance>>(x => x.Context.Message.Message.OperationId == sellerDebit)
                    || await h.Harness.Sent.Any<Fault<DebitBalance>>(x => x.Context.Message.Message.OperationId == sellerDebit));
        Assert.Equal(SettlementStatus.Failed, suspended.SettlementStatus);
        Assert.Equal(3, suspended.SettlementRetryCount);
        Assert.Contains("SellerDebit failed after 3 retries", suspended.FailureReason);
        Assert.Equal("BuyerCredited", suspended.SuspendedFrom);

        // The operator moves the dead letter back to the wallet's queue once the wallet is healthy again.
        h.Wallet.Heal(sellerDebit);
        await h.ReplayToWallet(h.Wallet.Received.OfType<DebitBalance>().First(c => c.OperationId == sellerDebit));
        var settled = await h.WaitFor(trade.TradeId, m => m.Settled);

        Assert.Equal(SettlementStatus.Settled, settled.SettlementStatus);
        Assert.NotNull(settled.SettledAt);
        Assert.Null(settled.FailureReason);
        Assert.Equal(3, settled.SettlementRetryCount);
        Assert.Equal(5, h.Wallet.Applied.Count);
    }

    [Fact]
    public async Task A_replayed_command_that_is_now_refused_rolls_the_trade_back()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        var buyerCredit = trade.Op(SettlementLeg.BuyerCredit);
        h.Wallet.FailTransiently(buyerCredit, times: int.MaxValue);

        await h.Publish(trade);
        await h.WaitFor(trade.TradeId, m => m.Suspended);

        h.Wallet.Heal(buyerCredit);
        h.Wallet.Refuse(buyerCredit, WalletErrorCode.UnknownAccount);
        await h.ReplayToWallet(h.Wallet.Received.OfType<CreditBalance>().First(c => c.OperationId == buyerCredit));
        var record = await h.WaitFor(trade.TradeId, m => m.RolledBack);

        Assert.Equal(["BuyerDebit"], record.ReversedLegs);
        Assert.Equal(SettlementStatus.Failed, record.SettlementStatus);
    }

    [Fact]
    public async Task When_fee_collection_runs_out_of_retries_the_trade_settles_and_a_replay_collects_the_fee()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        var fee = trade.Op(SettlementLeg.FeeCollection);
        h.Wallet.FailTransiently(fee, times: int.MaxValue);

        await h.Publish(trade);
        var settled = await h.WaitFor(trade.TradeId, m => m.Settled);
        Assert.False(settled.FeeCollected);
        Assert.Equal(3, settled.SettlementRetryCount);

        h.Wallet.Heal(fee);
        await h.ReplayToWallet(h.Wallet.Received.OfType<CreditBalance>().First(c => c.OperationId == fee));
        await SagaHarness.WaitUntil(() => h.Saga.Sagas.Contains(trade.TradeId)!.FeeCollected);

        Assert.Contains("FeeCollection", h.Saga.Sagas.Contains(trade.TradeId)!.CompletedLegs);

        // The same answer again (a second replay) changes nothing.
        await h.SendToSaga(new BalanceCredited { OperationId = fee, TradeId = trade.TradeId, RetryAttempts = 2 });
        await h.Harness.InactivityTask;
        var record = h.Saga.Sagas.Contains(trade.TradeId)!;
        Assert.Single(record.CompletedLegs, leg => leg == "FeeCollection");
        Assert.Equal(3, record.SettlementRetryCount);
    }

    [Fact]
    public async Task A_reversal_that_runs_out_of_retries_suspends_compensation_and_a_replay_finishes_it()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        h.Wallet.Refuse(trade.Op(SettlementLeg.SellerDebit), WalletErrorCode.InsufficientBalance);
        var reversal = trade.ReversalOp(SettlementLeg.BuyerDebit);
        h.Wallet.FailTransiently(reversal, times: int.MaxValue);

        await h.Publish(trade);
        var suspended = await h.WaitFor(trade.TradeId, m => m.Suspended);
        Assert.Equal("Compensating", suspended.SuspendedFrom);
        Assert.Equal(["BuyerCredit"], suspended.ReversedLegs);

        h.Wallet.Heal(reversal);
        await h.ReplayToWallet(h.Wallet.Received.OfType<ReverseOperation>().First(c => c.OperationId == reversal));
        var record = await h.WaitFor(trade.TradeId, m => m.RolledBack);

        Assert.Equal(["BuyerCredit", "BuyerDebit"], record.ReversedLegs);
        Assert.Contains("SellerDebit refused: InsufficientBalance", record.FailureReason);
    }
}
