using System.Text.RegularExpressions;
using Settlement.Operations.DeadLetters;
using Settlement.Operations.OperatorConsole;
using Settlement.Orchestration.Saga;
using Settlement.Testing;
using Settlement.UnitTests.Saga;
using Settlement.Wallet.Ledger;

namespace Settlement.UnitTests.OperatorConsole;

/// <summary>What the console derives before it draws a page: dead-letter groups, a trade's legs, amounts, its alert threshold.</summary>
public class ConsoleViewsTests
{
    static readonly DateTimeOffset Noon = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Dead_letters_group_by_queue_and_reason_largest_first_and_a_group_knows_its_members()
    {
        DeadLetter[] messages =
        [
            Letter("wallet_error", "Npgsql.PostgresException: 55P03", Noon),
            Letter("wallet_error", "System.TimeoutException: slow", Noon.AddMinutes(1)),
            Letter("wallet_error", "Npgsql.PostgresException: 55P03", Noon.AddMinutes(2)),
            Letter("settlement_error", "Npgsql.PostgresException: 55P03", Noon.AddMinutes(3)),
        ];

        var groups = DeadLetterGroup.Of(new DeadLetterListing([], messages));

        Assert.Equal([("wallet_error", "Npgsql.PostgresException: 55P03", 2), ("settlement_error", "Npgsql.PostgresException: 55P03", 1),
                ("wallet_error", "System.TimeoutException: slow", 1)],
            groups.Select(g => (g.Queue, g.Reason, g.Messages.Count)));
        Assert.Equal((Noon, Noon.AddMinutes(2)), (groups[0].Oldest, groups[0].Newest));
        Assert.Equal(3, groups.Select(g => g.Key).Distinct().Count());
        Assert.True(DeadLetterGroup.IsIn(messages[2], groups[0].Key));
        Assert.False(DeadLetterGroup.IsIn(messages[3], groups[0].Key));
    }

    [Fact]
    public void A_suspended_trades_legs_read_applied_pending_and_not_applied_with_their_ledger_entries()
    {
        var trade = Trade(nameof(SettlementStateMachine.Suspended), completed: ["BuyerDebit", "BuyerCredit"], pending: "SellerDebit");
        var entry = new LedgerEntry { EntryId = 7, OperationId = OperationIds.For(trade.CorrelationId, SettlementLeg.BuyerDebit), BalanceAfter = 34987.5m };

        var legs = TradeTimeline.Of(trade, [entry]);

        Assert.Equal([TradeTimeline.Applied, TradeTimeline.Applied, TradeTimeline.Pending, TradeTimeline.NotApplied, TradeTimeline.NotApplied],
            legs.Select(l => l.Status));
        Assert.Equal((7L, 25012.5m), (legs[0].Entry!.EntryId, legs[0].Instruction.Amount));
    }

    [Fact]
    public void A_rolled_back_trades_reversed_legs_read_reversed_with_their_reversal_entries()
    {
        var trade = Trade(nameof(SettlementStateMachine.RolledBack), completed: ["BuyerDebit"], reversed: ["BuyerDebit"]);
        var reversal = new LedgerEntry { EntryId = 9, OperationId = OperationIds.ReversalOf(trade.CorrelationId, SettlementLeg.BuyerDebit), Amount = 25012.5m };

        var legs = TradeTimeline.Of(trade, [reversal]);

        Assert.Equal((TradeTimeline.Reversed, 9L), (legs[0].Status, legs[0].Reversal!.EntryId));
        Assert.Equal(TradeTimeline.NotApplied, legs[1].Status);
    }

    [Fact]
    public void Amounts_are_shown_exactly_without_the_ledgers_trailing_zeros_as_the_API_shows_them() =>
        Assert.Equal(["34987.5", "0.000000000000000001", "-12345678901234567890.5", "100", "0"],
            new[] { 34987.500000000000000000m, 0.000000000000000001m, -12345678901234567890.5m, 100.000000000000000000m, 0.000000000000000000m }
                .Select(Show.Amount));

    [Fact]
    public void The_overviews_failure_rate_threshold_is_the_one_the_alert_fires_above()
    {
        var rules = File.ReadAllText(Path.Combine(ServersScript.RepositoryRoot(), "deploy", "prometheus", "alerts.yml"));
        var alert = Regex.Match(rules, @"alert: SettlementFailureRateHigh\s+expr: \|[^>]*>\s*([0-9.]+)");

        Assert.True(alert.Success, "SettlementFailureRateHigh's threshold was not found in alerts.yml");
        Assert.Equal(OverviewReader.FailureRateAlertThreshold, decimal.Parse(alert.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    static DeadLetter Letter(string queue, string reason, DateTimeOffset faultedAt) => new(queue, Guid.NewGuid().ToString(), "DebitBalance",
        [], Guid.NewGuid(), reason, reason.Split(':')[0], 3, faultedAt, null, queue[..^"_error".Length]);

    static SettlementState Trade(string state, List<string> completed, string? pending = null, List<string>? reversed = null)
    {
        var trade = Trades.Record(state);
        (trade.CompletedLegs, trade.ReversedLegs, trade.PendingLeg) = (completed, reversed ?? [], pending);
        return trade;
    }
}
