using Settlement.Contracts;
using Settlement.Orchestration.Saga;

namespace Settlement.UnitTests.Saga;

public class HappyPathTests
{
    [Fact]
    public async Task A_trade_sends_five_wallet_commands_with_exact_amounts_and_ends_settled()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();

        await h.Publish(trade);
        var record = await h.WaitFor(trade.TradeId, m => m.Settled);

        Assert.Equal(SettlementStatus.Settled, record.SettlementStatus);
        Assert.NotNull(record.SettledAt);
        Assert.True(record.FeeCollected);
        Assert.Equal(0, record.SettlementRetryCount);
        Assert.Null(record.FailureReason);
        Assert.Equal(["BuyerDebit", "BuyerCredit", "SellerDebit", "SellerCredit", "FeeCollection"], record.CompletedLegs);

        var applied = h.Wallet.Applied.ToArray();
        Assert.Equal(5, applied.Length);
        AssertCommand<DebitBalance>(applied[0], trade.Op(SettlementLeg.BuyerDebit), trade.BuyerUserId, "USDT", 25_012.5m, LedgerReason.TradeSettlement);
        AssertCommand<CreditBalance>(applied[1], trade.Op(SettlementLeg.BuyerCredit), trade.BuyerUserId, "BTC", 0.5m, LedgerReason.TradeSettlement);
        AssertCommand<DebitBalance>(applied[2], trade.Op(SettlementLeg.SellerDebit), trade.SellerUserId, "BTC", 0.5m, LedgerReason.TradeSettlement);
        AssertCommand<CreditBalance>(applied[3], trade.Op(SettlementLeg.SellerCredit), trade.SellerUserId, "USDT", 24_975m, LedgerReason.TradeSettlement);
        AssertCommand<CreditBalance>(applied[4], trade.Op(SettlementLeg.FeeCollection), SagaHarness.FeeWallet, "USDT", 37.5m, LedgerReason.FeeCollection);

        Assert.True(await h.Harness.Published.Any<TradeSettled>(x => x.Context.Message.TradeId == trade.TradeId && x.Context.Message.FeeCollected));
    }

    [Fact]
    public async Task Wallet_commands_ask_for_their_answers_and_faults_on_the_reply_queue_not_behind_new_trades()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt();

        await h.Publish(trade);
        await h.WaitFor(trade.TradeId, m => m.Settled);

        var commands = h.Harness.Sent.Select(x => x.MessageObject is DebitBalance or CreditBalance).ToArray();
        Assert.Equal(5, commands.Length);
        Assert.All(commands, command =>
        {
            Assert.Equal("settlement-replies", command.Context.ResponseAddress!.AbsolutePath.Split('/')[^1]);
            Assert.Equal(command.Context.ResponseAddress, command.Context.FaultAddress);
        });
        // Every answer came back through the reply queue, and none through the queue new trades arrive on.
        Assert.Equal(5, h.Harness.Consumed.Select(x => x.Context.DestinationAddress!.AbsolutePath.EndsWith("/settlement-replies")).Count());
        Assert.True(h.Harness.Consumed.Select(x => x.MessageObject is TradeExecuted).Any());
    }

    [Fact]
    public async Task Amounts_with_eighteen_decimal_places_are_moved_exactly()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt() with
        {
            Price = 0.000000001m,
            Quantity = 123.000000001m,
            BuyerFee = 0.000000000000000001m,
            SellerFee = 0m,
        };

        await h.Publish(trade);
        await h.WaitFor(trade.TradeId, m => m.Settled);

        var buyerDebit = Assert.IsType<DebitBalance>(h.Wallet.Applied.First());
        Assert.Equal(0.000000123000000002m, buyerDebit.Amount);
        var fee = Assert.IsType<CreditBalance>(h.Wallet.Applied.Last());
        Assert.Equal(0.000000000000000001m, fee.Amount);
    }

    [Fact]
    public async Task A_trade_without_fees_sends_no_fee_command_and_settles()
    {
        await using var h = await SagaHarness.StartAsync();
        var trade = Trades.BtcUsdt() with { BuyerFee = 0m, SellerFee = 0m };

        await h.Publish(trade);
        var record = await h.WaitFor(trade.TradeId, m => m.Settled);

        Assert.Equal(4, h.Wallet.Applied.Count);
        Assert.DoesNotContain(h.Wallet.Received, c => c is CreditBalance { Reason: LedgerReason.FeeCollection });
        Assert.True(record.FeeCollected);
    }

    [Fact]
    public async Task Operation_ids_are_the_same_for_the_same_trade_and_leg_and_differ_otherwise()
    {
        var trade = Guid.NewGuid();
        Assert.Equal(OperationIds.For(trade, SettlementLeg.BuyerDebit), OperationIds.For(trade, SettlementLeg.BuyerDebit));
        Assert.NotEqual(OperationIds.For(trade, SettlementLeg.BuyerDebit), OperationIds.For(trade, SettlementLeg.BuyerCredit));
        Assert.NotEqual(OperationIds.For(trade, SettlementLeg.BuyerDebit), OperationIds.ReversalOf(trade, SettlementLeg.BuyerDebit));
        Assert.NotEqual(OperationIds.For(trade, SettlementLeg.BuyerDebit), OperationIds.For(Guid.NewGuid(), SettlementLeg.BuyerDebit));
        await Task.CompletedTask;
    }

    static void AssertCommand<T>(object command, Guid operationId, Guid userId, string currency, decimal amount, LedgerReason reason)
    {
        Assert.IsType<T>(command);
        var (op, user, cur, amt, why) = command switch
        {
            DebitBalance d => (d.OperationId, d.UserId, d.Currency, d.Amount, d.Reason),
            CreditBalance c => (c.OperationId, c.UserId, c.Currency, c.Amount, c.Reason),
            _ => throw new InvalidOperationException(),
        };
        Assert.Equal((operationId, userId, currency, amount, reason), (op, user, cur, amt, why));
    }
}
