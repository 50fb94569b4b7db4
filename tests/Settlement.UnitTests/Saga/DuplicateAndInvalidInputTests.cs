using MassTransit;
using Settlement.Contracts;
using Settlement.Orchestration.Saga;

namespace Settlement.UnitTests.Saga;

public class DuplicateAndInvalidInputTests
{
    [Fact]
    public async Task A_duplicate_TradeExecuted_never_settles_twice()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();

        await h.Publish(trade);
        await h.WaitFor(trade.TradeId, m => m.Settled);
        await h.Publish(trade);
        await h.Harness.InactivityTask;

        Assert.Equal(5, h.Wallet.Received.Count);
        Assert.Equal(1, h.Harness.Published.Select<TradeSettled>().Count(x => x.Context.Message.TradeId == trade.TradeId));
        Assert.False(await h.Harness.Consumed.Any<TradeExecuted>(x => x.Exception is not null));
    }

    [Fact]
    public async Task Late_and_duplicate_answers_for_passed_steps_are_ignored_without_faults()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        await h.Publish(trade);
        var before = await h.WaitFor(trade.TradeId, m => m.Settled);
        var settledAt = before.SettledAt;

        await h.SendToSaga(new BalanceDebited { OperationId = trade.Op(SettlementLeg.BuyerDebit), TradeId = trade.TradeId });
        await h.SendToSaga(new BalanceCredited { OperationId = trade.Op(SettlementLeg.SellerCredit), TradeId = trade.TradeId });
        await h.SendToSaga(new WalletOperationRejected { OperationId = trade.Op(SettlementLeg.SellerDebit), TradeId = trade.TradeId });
        await h.SendToSaga(new BalanceDebited { OperationId = Guid.NewGuid(), TradeId = Guid.NewGuid() });
        await h.Harness.InactivityTask;

        var after = h.Saga.Sagas.Contains(trade.TradeId)!;
        Assert.Equal("Settled", after.CurrentState);
        Assert.Equal(settledAt, after.SettledAt);
        Assert.Equal(5, h.Wallet.Received.Count);
        Assert.False(await h.Harness.Consumed.Any<BalanceDebited>(x => x.Exception is not null));
        Assert.False(await h.Harness.Consumed.Any<WalletOperationRejected>(x => x.Exception is not null));
    }

    [Fact]
    public async Task A_fresh_duplicate_answer_for_the_previous_step_sends_nothing_so_duplicates_do_not_spread_to_later_steps()
    {
        // The wallet answers a command twice when it was resent (the sweeper) or redelivered: the second answer comes as
        // a new message. Answering it with the current command again would make that command answered twice too, and so
        // on to the last leg. Only a redelivered answer (a process died before acknowledging it) makes the saga resend;
        // RestartRecoveryTests shows that one on a real broker.
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();
        var sellerDebit = trade.Op(SettlementLeg.SellerDebit);
        h.Wallet.Hold(sellerDebit);

        await h.Publish(trade);
        await h.WaitFor(trade.TradeId, m => m.BuyerCredited);
        await h.SendToSaga(new BalanceCredited { OperationId = trade.Op(SettlementLeg.BuyerCredit), TradeId = trade.TradeId });
        await h.Harness.InactivityTask;

        Assert.Equal(1, h.Wallet.Received.OfType<DebitBalance>().Count(c => c.OperationId == sellerDebit));
        Assert.False(await h.Harness.Consumed.Any<BalanceCredited>(x => x.Exception is not null));
        h.Wallet.Heal(sellerDebit);
        await h.SendToSaga(new ResendSettlementStep { TradeId = trade.TradeId });
        var record = await h.WaitFor(trade.TradeId, m => m.Settled);
        Assert.Equal(5, record.CompletedLegs.Count);
    }

    public static TheoryData<string, Func<TradeExecuted, TradeExecuted>> InvalidTrades() => new()
    {
        { "symbol", t => t with { Symbol = "BTCUSDT" } },
        { "symbol", t => t with { Symbol = "btc/usdt" } },
        { "symbol", t => t with { Symbol = "BTC/BTC" } },
        { "quantity", t => t with { Quantity = 0m } },
        { "quantity", t => t with { Quantity = -1m } },
        { "price", t => t with { Price = 0m } },
        { "price", t => t with { Price = -50_000m } },
        { "buyer fee", t => t with { BuyerFee = -0.01m } },
        { "seller fee", t => t with { SellerFee = -0.01m } },
        { "seller credit would be negative", t => t with { SellerFee = 25_000.01m } },
        { "same user", t => t with { SellerUserId = t.BuyerUserId } },
        { "BuyerUserId is empty", t => t with { BuyerUserId = Guid.Empty } },
        { "SellerUserId is empty", t => t with { SellerUserId = Guid.Empty } },
        { "more than 18 decimal places", t => t with { Quantity = 0.0000000000000000001m } },
        { "too large", t => t with { Price = 1_000_000_000_000_000_000m, Quantity = 1_000m } },
    };

    [Theory]
    [MemberData(nameof(InvalidTrades))]
    public async Task An_invalid_trade_sends_no_wallet_command_and_is_recorded_failed_with_the_reason(string reason, Func<TradeExecuted, TradeExecuted> spoil)
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = spoil(Trades.BtcUsdt());

        await h.Publish(trade);
        var record = await h.WaitFor(trade.TradeId, m => m.Rejected);

        Assert.Equal(SettlementStatus.Failed, record.SettlementStatus);
        Assert.Contains(reason, record.FailureReason);
        Assert.StartsWith("Invalid trade", record.FailureReason);
        await h.Harness.InactivityTask;
        Assert.Empty(h.Wallet.Received);
    }

    [Fact]
    public async Task An_amount_too_large_for_the_record_is_kept_as_zero_so_the_rejection_can_be_recorded()
    {
        // numeric(38,18) cannot hold 10^20: storing it would fail the insert and send the trade to settlement_error
        // with a database error instead of recording it Rejected with the reason.
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt() with { Quantity = 1e21m, BuyerFee = -1e25m };

        await h.Publish(trade);
        var record = await h.WaitFor(trade.TradeId, m => m.Rejected);

        Assert.Contains("is negative", record.FailureReason);
        Assert.Equal((0m, 0m, trade.Price, trade.SellerFee), (record.Quantity, record.BuyerFee, record.Price, record.SellerFee));
    }

    [Fact]
    public async Task A_trade_without_a_trade_id_is_refused_to_the_error_queue_without_a_record()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt() with { TradeId = Guid.Empty };

        await h.Publish(trade);

        Assert.True(await h.Harness.Consumed.Any<TradeExecuted>(x => x.Exception is InvalidTradeException e && e.Message.Contains("empty TradeId")));
        Assert.Empty(h.Wallet.Received);
        Assert.Null(h.Saga.Sagas.Contains(Guid.Empty));
    }
}
