using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Settlement.Contracts;
using Settlement.Orchestration;
using Settlement.Orchestration.Saga;
using Settlement.Orchestration.Sweeper;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Settlement;

public class RestartRecoveryTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task A_process_that_died_between_committing_a_step_and_sending_the_next_command_leaves_no_trade_stuck_and_nothing_applied_twice()
    {
        var market = new Market();
        var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
        var trade = market.Trade(buyer, seller);

        // What the dead process left behind: the buyer debit applied by the wallet, the saga's step committed
        // (BuyerDebited, waiting for the buyer credit it never sent), and the wallet's answer delivered to it but never
        // acknowledged, so the broker delivers it again, marked redelivered, to the next process.
        await using var service = await SettlementService.StartAsync(fixture.Servers, async s =>
        {
            await LeaveDiedAfterBuyerDebit(s, market, trade);
            await LeaveUnacknowledgedAsync(s, "settlement", "BalanceDebited", new BalanceDebited
            {
                OperationId = OperationIds.For(trade.TradeId, SettlementLeg.BuyerDebit),
                TradeId = trade.TradeId,
                UserId = buyer,
                Currency = market.Quote,
                Amount = 25_012.5m,
            });
        });

        var outcome = await service.WaitForOutcomeAsync(trade.TradeId);

        Assert.Equal("Settled", outcome.CurrentState);
        Assert.Equal(4_987.5m, await service.BalanceAsync(buyer, market.Quote));
        Assert.Equal(0.5m, await service.BalanceAsync(buyer, market.Base));
        Assert.Equal(1.5m, await service.BalanceAsync(seller, market.Base));
        Assert.Equal(24_975m, await service.BalanceAsync(seller, market.Quote));
        Assert.Equal(5, (await service.Ledger.GetEntriesOfTradeAsync(trade.TradeId)).Count);
    }

    [Fact]
    public async Task A_process_that_died_after_recording_a_trade_and_before_sending_its_first_command_sends_it_when_the_trade_comes_again()
    {
        var market = new Market();
        var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
        var trade = market.Trade(buyer, seller);

        // What the dead process left behind: the trade recorded (Accepted, waiting for the buyer debit it never sent) and
        // its TradeExecuted delivered but never acknowledged. No sweeper comes to the rescue within the test's wait.
        await using var service = await SettlementService.StartAsync(fixture.Servers, async s =>
        {
            await s.DepositAsync(buyer, market.Quote, 30_000m);
            await s.DepositAsync(seller, market.Base, 2m);
            var record = Record(trade, s.FeeWallet);
            record.PendingLeg = nameof(SettlementLeg.BuyerDebit);
            await using (var db = await s.Services.GetRequiredService<IDbContextFactory<SettlementDbContext>>().CreateDbContextAsync())
            {
                db.Add(record);
                await db.SaveChangesAsync();
            }

            await LeaveUnacknowledgedAsync(s, "settlement", "TradeExecuted", trade);
        }, settings: new Dictionary<string, string?> { ["Settlement:StepTimeout"] = "01:00:00" });

        var outcome = await service.WaitForOutcomeAsync(trade.TradeId);

        Assert.Equal("Settled", outcome.CurrentState);
        Assert.Equal(4_987.5m, await service.BalanceAsync(buyer, market.Quote));
        Assert.Equal(24_975m, await service.BalanceAsync(seller, market.Quote));
        Assert.Equal(5, (await service.Ledger.GetEntriesOfTradeAsync(trade.TradeId)).Count);
    }

    [Fact]
    public async Task The_sweeper_sends_the_command_of_a_trade_stuck_past_the_step_timeout_and_the_trade_settles()
    {
        var market = new Market();
        var (buyer, seller) = (Guid.NewGuid(), Guid.NewGuid());
        var trade = market.Trade(buyer, seller);

        // A trade whose process died after committing BuyerDebited and whose answer will never come back: nothing but
        // the sweeper can move it on.
        await using var service = await SettlementService.StartAsync(fixture.Servers, async s =>
        {
            await LeaveDiedAfterBuyerDebit(s, market, trade);
            await using var db = await s.Services.GetRequiredService<IDbContextFactory<SettlementDbContext>>().CreateDbContextAsync();
            await db.Database.ExecuteSqlAsync(
                $"UPDATE settlement.settlements SET updated_at = now() - interval '10 minutes' WHERE trade_id = {trade.TradeId}");
        }, new Dictionary<string, string?> { ["Settlement:StepTimeout"] = "00:00:02" });

        var outcome = await service.WaitForOutcomeAsync(trade.TradeId);

        Assert.Equal("Settled", outcome.CurrentState);
        Assert.Equal(5, (await service.Ledger.GetEntriesOfTradeAsync(trade.TradeId)).Count);
        Assert.Equal(4_987.5m, await service.BalanceAsync(buyer, market.Quote));
        Assert.Equal(24_975m, await service.BalanceAsync(seller, market.Quote));
    }

    [Fact]
    public async Task The_sweeper_resends_nothing_while_messages_are_queued_and_resends_once_the_line_is_short()
    {
        var market = new Market();
        var trade = market.Trade(Guid.NewGuid(), Guid.NewGuid());
        var backlog = new ScriptedBacklog { Queued = 50_000 };

        await using var service = await SettlementService.StartAsync(fixture.Servers, async s =>
        {
            await LeaveDiedAfterBuyerDebit(s, market, trade);
            await using var db = await s.Services.GetRequiredService<IDbContextFactory<SettlementDbContext>>().CreateDbContextAsync();
            await db.Database.ExecuteSqlAsync(
                $"UPDATE settlement.settlements SET updated_at = now() - interval '10 minutes' WHERE trade_id = {trade.TradeId}");
        }, new Dictionary<string, string?> { ["Settlement:StepTimeout"] = "00:00:02" },
            services => services.AddSingleton<ISettlementBacklog>(backlog));

        await Task.Delay(TimeSpan.FromSeconds(4)); // at least three sweeps (one per second) while the line is long
        Assert.Equal("BuyerDebited", (await service.Records.FindAsync(trade.TradeId))!.CurrentState);
        Assert.True(backlog.Asked >= 2, $"the sweeper asked {backlog.Asked} times");

        backlog.Queued = 3;
        var outcome = await service.WaitForOutcomeAsync(trade.TradeId);
        Assert.Equal("Settled", outcome.CurrentState);
        Assert.Equal(5, (await service.Ledger.GetEntriesOfTradeAsync(trade.TradeId)).Count);
    }

    sealed class ScriptedBacklog : ISettlementBacklog
    {
        public long Queued { get; set; }
        public int Asked { get; private set; }

        public Task<long?> QueuedMessagesAsync(CancellationToken cancellationToken)
        {
            Asked++;
            return Task.FromResult<long?>(Queued);
        }
    }

    /// <summary>
    /// The state a process leaves when it dies right after committing BuyerDebited: both parties funded, the buyer debit
    /// applied by the wallet, the record waiting for the buyer credit that was never sent.
    /// </summary>
    static async Task LeaveDiedAfterBuyerDebit(SettlementService service, Market market, TradeExecuted trade)
    {
        await service.DepositAsync(trade.BuyerUserId, market.Quote, 30_000m);
        await service.DepositAsync(trade.SellerUserId, market.Base, 2m);
        var record = Record(trade, service.FeeWallet);
        var buyerDebit = SettlementPlan.Leg(record, SettlementLeg.BuyerDebit);
        Assert.True((await service.Ledger.DebitAsync((DebitBalance)buyerDebit.ToCommand(trade.TradeId))).IsApplied);

        record.CurrentState = "BuyerDebited";
        record.CompletedLegs = [nameof(SettlementLeg.BuyerDebit)];
        record.PendingLeg = nameof(SettlementLeg.BuyerCredit);
        await using var db = await service.Services.GetRequiredService<IDbContextFactory<SettlementDbContext>>().CreateDbContextAsync();
        db.Add(record);
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// Puts <paramref name="message"/> in <paramref name="queue"/> as a process that received it and died before
    /// acknowledging leaves it: taken once without an acknowledgement, then given back, so its next delivery is marked
    /// redelivered.
    /// </summary>
    static async Task LeaveUnacknowledgedAsync<T>(SettlementService service, string queue, string messageType, T message)
    {
        await using var connection = await new ConnectionFactory { Uri = service.RabbitMqUri }.CreateConnectionAsync();
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            var envelope = new { messageId = Guid.NewGuid(), messageType = new[] { $"urn:message:Settlement.Contracts:{messageType}" }, message };
            await channel.BasicPublishAsync(string.Empty, queue, mandatory: true,
                new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true },
                JsonSerializer.SerializeToUtf8Bytes(envelope, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
            var taken = await channel.BasicGetAsync(queue, autoAck: false);
            Assert.NotNull(taken);
            Assert.False(taken.Redelivered);
            await channel.CloseAsync(); // unacknowledged: back to the queue, redelivered
        }
    }

    static SettlementState Record(TradeExecuted trade, Guid feeWallet)
    {
        TradeValidation.TryParseSymbol(trade.Symbol, out var baseCurrency, out var quoteCurrency);
        return new SettlementState
        {
            CorrelationId = trade.TradeId,
            Symbol = trade.Symbol,
            BaseCurrency = baseCurrency,
            QuoteCurrency = quoteCurrency,
            BuyerUserId = trade.BuyerUserId,
            SellerUserId = trade.SellerUserId,
            Price = trade.Price,
            Quantity = trade.Quantity,
            BuyerFee = trade.BuyerFee,
            SellerFee = trade.SellerFee,
            ExecutedAt = trade.ExecutedAt,
            CurrentState = "Accepted",
            FeeWalletUserId = feeWallet,
        };
    }
}
