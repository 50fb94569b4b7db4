using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Contracts;
using Settlement.Host.Observability;
using Settlement.Orchestration.Saga;
using Settlement.UnitTests.Saga;

namespace Settlement.UnitTests.Observability;

/// <summary>The saga's metrics as the state and event observer records them, on MassTransit's in-memory harness.</summary>
public class SettlementMetricsObserverTests
{
    [Fact]
    public async Task A_settled_trade_counts_one_settlement_and_one_latency_observation()
    {
        await using var m = await MeteredSaga.StartAsync();
        // Executed 20 s ago: its latency falls in the (10 s, 30 s] bucket unless settling itself takes over 10 s.
        var trade = Trades.BtcUsdt() with { ExecutedAt = DateTimeOffset.UtcNow.AddSeconds(-20) };

        await m.RunUntil(trade, x => x.Settled);
        // The latency is recorded just after the outcome: waiting for it, a collection cannot fall between the two.
        var text = await m.ScrapeWhen("settlement_latency_seconds_count", 1);

        Assert.Equal(1, Samples.Value(text, "settlement_settlements_total{outcome=\"settled\"}"));
        Assert.InRange(Samples.Value(text, "settlement_latency_seconds_sum")!.Value, 20, 30);
        Assert.Equal(0, Samples.Value(text, "settlement_latency_seconds_bucket{le=\"10\"}"));
        Assert.Equal(1, Samples.Value(text, "settlement_latency_seconds_bucket{le=\"30\"}"));
        Assert.Null(Samples.Value(text, "settlement_compensations_started_total"));
        Assert.Null(Samples.Value(text, "settlement_retries_total"));
    }

    [Fact]
    public async Task A_trade_whose_fee_is_refused_counts_as_settled_without_fee()
    {
        await using var m = await MeteredSaga.StartAsync();
        var trade = Trades.BtcUsdt();
        m.Saga.Wallet.Refuse(trade.Op(SettlementLeg.FeeCollection), WalletErrorCode.UnknownAccount);

        await m.RunUntil(trade, x => x.Settled);
        var text = await m.ScrapeWhen("settlement_latency_seconds_count", 1);

        Assert.Equal(1, Samples.Value(text, "settlement_settlements_total{outcome=\"settled_without_fee\"}"));
        Assert.Null(Samples.Value(text, "settlement_settlements_total{outcome=\"settled\"}"));
    }

    [Fact]
    public async Task A_refused_leg_counts_a_compensation_and_a_rollback()
    {
        await using var m = await MeteredSaga.StartAsync();
        var trade = Trades.BtcUsdt();
        m.Saga.Wallet.Refuse(trade.Op(SettlementLeg.SellerDebit), WalletErrorCode.InsufficientBalance);

        await m.RunUntil(trade, x => x.RolledBack);
        var text = await m.ScrapeWhen("settlement_settlements_total{outcome=\"rolled_back\"}", 1);

        Assert.Equal(1, Samples.Value(text, "settlement_compensations_started_total"));
        Assert.Null(Samples.Value(text, "settlement_latency_seconds_count"));
    }

    [Fact]
    public async Task An_invalid_trade_counts_as_rejected()
    {
        await using var m = await MeteredSaga.StartAsync();
        var trade = Trades.BtcUsdt() with { Quantity = 0m };

        await m.RunUntil(trade, x => x.Rejected);

        await m.ScrapeWhen("settlement_settlements_total{outcome=\"rejected\"}", 1);
    }

    [Fact]
    public async Task Transient_wallet_faults_count_as_retries()
    {
        await using var m = await MeteredSaga.StartAsync();
        var trade = Trades.BtcUsdt();
        m.Saga.Wallet.FailTransiently(trade.Op(SettlementLeg.BuyerCredit), times: 2);

        await m.RunUntil(trade, x => x.Settled);

        await m.ScrapeWhen("settlement_retries_total", 2);
    }

    [Fact]
    public async Task A_reversal_replayed_after_a_suspension_continues_the_same_compensation()
    {
        await using var m = await MeteredSaga.StartAsync();
        var trade = Trades.BtcUsdt();
        var reversal = trade.ReversalOp(SettlementLeg.BuyerCredit);
        m.Saga.Wallet.Refuse(trade.Op(SettlementLeg.SellerDebit), WalletErrorCode.InsufficientBalance);
        m.Saga.Wallet.FailTransiently(reversal, times: int.MaxValue);

        await m.RunUntil(trade, x => x.Suspended);
        m.Saga.Wallet.Heal(reversal);
        await m.Saga.ReplayToWallet(m.Saga.Wallet.Received.OfType<ReverseOperation>().First(r => r.OperationId == reversal));
        await m.Saga.WaitFor(trade.TradeId, x => x.RolledBack);
        var text = await m.ScrapeWhen("settlement_settlements_total{outcome=\"rolled_back\"}", 1);

        Assert.Equal(1, Samples.Value(text, "settlement_settlements_total{outcome=\"suspended\"}"));
        Assert.Equal(1, Samples.Value(text, "settlement_compensations_started_total"));
        Assert.Equal(3, Samples.Value(text, "settlement_retries_total"));
    }

    [Fact]
    public async Task An_operators_abort_of_a_suspended_trade_starts_a_compensation()
    {
        await using var m = await MeteredSaga.StartAsync();
        var trade = Trades.BtcUsdt();
        m.Saga.Wallet.FailTransiently(trade.Op(SettlementLeg.SellerDebit), times: int.MaxValue);

        await m.RunUntil(trade, x => x.Suspended);
        await m.Saga.SendToSaga(new AbortSettlement { TradeId = trade.TradeId, Reason = "seller account frozen" });
        await m.Saga.WaitFor(trade.TradeId, x => x.RolledBack);
        var text = await m.ScrapeWhen("settlement_settlements_total{outcome=\"rolled_back\"}", 1);

        Assert.Equal(1, Samples.Value(text, "settlement_compensations_started_total"));
    }

    /// <summary>The saga harness with <see cref="ObservabilityRegistration.AddSettlementMetrics"/>, its meter exported by OpenTelemetry.</summary>
    sealed class MeteredSaga : IAsyncDisposable
    {
        readonly ExportedMetrics _collector;

        MeteredSaga(SagaHarness saga)
        {
            Saga = saga;
            _collector = new ExportedMetrics(SettlementMetrics.MeterName, saga.Harness.Provider.GetRequiredService<IMeterFactory>());
        }

        public SagaHarness Saga { get; }

        /// <summary>Publishes the trade and waits until its record is in <paramref name="state"/>.</summary>
        public async Task RunUntil(TradeExecuted trade, Func<SettlementStateMachine, MassTransit.State> state)
        {
            await Saga.Publish(trade);
            await Saga.WaitFor(trade.TradeId, state);
        }

        public static async Task<MeteredSaga> StartAsync() => new(await SagaHarness.StartAsync(services => services.AddSettlementMetrics()));

        /// <summary>Collects until <paramref name="series"/> has <paramref name="expected"/> (observers run just after the state is set).</summary>
        public async Task<string> ScrapeWhen(string series, double expected)
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            var text = _collector.Collect();
            while (Samples.Value(text, series) != expected && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
                text = _collector.Collect();
            }

            Assert.Equal(expected, Samples.Value(text, series));
            return text;
        }

        public async ValueTask DisposeAsync()
        {
            _collector.Dispose();
            await Saga.DisposeAsync();
        }
    }
}
