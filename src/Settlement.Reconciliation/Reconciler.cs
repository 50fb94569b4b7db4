using System.Data;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Settlement.Orchestration.Configuration;
using Settlement.Orchestration.Saga;

namespace Settlement.Reconciliation;

/// <summary>
/// Proves the books: reads the wallet ledger and the settlement records in one REPEATABLE READ, READ ONLY transaction
/// (one consistent snapshot, while the service keeps writing) and reports every break with the ids involved.
/// A handful of queries over whole tables, then the per-trade comparison in memory: fast on tens of thousands of trades.
/// </summary>
public sealed class Reconciler(string connectionString, IOptions<SettlementOptions> options, ILogger<Reconciler> logger)
{
    public const int DefaultMaxBreaks = 1000;

    public async Task<ReconciliationReport> RunAsync(int maxBreaks = DefaultMaxBreaks, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBreaks);
        var stepTimeout = options.Value.StepTimeout;
        var stopwatch = Stopwatch.StartNew();
        var findings = new Findings(maxBreaks);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

        var (checkedAt, accounts, entries) = await SnapshotQueries.StartAsync(connection, cancellationToken);
        await SnapshotQueries.CheckAccountsAsync(connection, findings, cancellationToken);
        var currencySums = await SnapshotQueries.CurrencySumsAsync(connection, cancellationToken);
        var (byTrade, withoutTrade) = await SnapshotQueries.TradeEntriesAsync(connection, cancellationToken);

        var states = new Dictionary<string, int>();
        await foreach (var trade in SnapshotQueries.SettlementsAsync(connection, transaction, cancellationToken))
        {
            states[trade.CurrentState] = states.GetValueOrDefault(trade.CurrentState) + 1;
            var tradeEntries = byTrade.Remove(trade.CorrelationId, out var list) ? list : [];
            TradeCheck.Check(trade, tradeEntries, checkedAt, stepTimeout, findings);
        }

        await transaction.CommitAsync(cancellationToken);
        ReportOrphans(byTrade, withoutTrade, findings);
        var currencies = CurrencyCheck.Check(currencySums, findings);

        var report = Assemble(findings, states, currencies, checkedAt, stepTimeout, accounts, entries);
        logger.LogInformation(
            "Reconciliation {Outcome} in {ElapsedMs} ms: {Trades} trades, {Accounts} accounts, {Entries} ledger entries, {Currencies} currencies; " +
            "{Breaks} breaks {BreakCounts}, {AwaitingReplay} awaiting replay, {FeeNotCollected} fees not collected",
            report.Ok ? "found the books balanced" : "found breaks", stopwatch.ElapsedMilliseconds, report.Trades.Total, accounts, entries,
            currencies.Count, report.BreaksTotal, report.BreakCounts, report.Trades.Suspended, report.Trades.FeeNotCollected);
        return report;
    }

    static void ReportOrphans(Dictionary<Guid, List<LedgerRow>> byTrade, List<LedgerRow> withoutTrade, Findings findings)
    {
        foreach (var (tradeId, entries) in byTrade)
            findings.Add(new Break
            {
                Kind = BreakKind.EntryWithoutTrade,
                Detail = $"{entries.Count} ledger entries name trade {tradeId}, which has no settlement record: " +
                         string.Join(", ", entries.Select(e => $"{e.Amount} {e.Currency} for user {e.UserId}")),
                TradeId = tradeId,
                OperationIds = [.. entries.Select(e => e.OperationId)],
            });

        foreach (var entry in withoutTrade)
            findings.Add(new Break
            {
                Kind = BreakKind.EntryWithoutTrade,
                Detail = $"a {entry.Reason} entry of {entry.Amount} {entry.Currency} for user {entry.UserId} names no trade and is no deposit",
                UserId = entry.UserId,
                Currency = entry.Currency,
                OperationIds = [entry.OperationId],
                Actual = entry.Amount.ToString(),
            });
    }

    static ReconciliationReport Assemble(Findings findings, Dictionary<string, int> states, IReadOnlyList<CurrencyBooks> currencies,
        DateTimeOffset checkedAt, TimeSpan stepTimeout, long accounts, long entries)
    {
        int Count(string state) => states.GetValueOrDefault(state);

        return new ReconciliationReport
        {
            Ok = findings.Total == 0,
            CheckedAt = checkedAt,
            StepTimeout = stepTimeout,
            Trades = new TradeCounts
            {
                Total = states.Values.Sum(),
                Settled = Count(nameof(SettlementStateMachine.Settled)),
                RolledBack = Count(nameof(SettlementStateMachine.RolledBack)),
                Rejected = Count(nameof(SettlementStateMachine.Rejected)),
                Suspended = Count(nameof(SettlementStateMachine.Suspended)),
                CompensationFailed = Count(nameof(SettlementStateMachine.CompensationFailed)),
                Pending = states.Where(s => !SettlementStateMachine.FinalStates.Contains(s.Key)).Sum(s => s.Value),
                FeeNotCollected = findings.FeeNotCollectedCount,
            },
            Accounts = accounts,
            LedgerEntries = entries,
            Currencies = currencies,
            DoubleApplied = findings.Counts.Where(c => BreakKind.DoubleApplied.Contains(c.Key)).Sum(c => c.Value),
            BreakCounts = new SortedDictionary<string, int>(findings.Counts.ToDictionary(), StringComparer.Ordinal),
            BreaksTotal = findings.Total,
            BreaksListed = findings.Breaks.Count,
            Breaks = findings.Breaks,
            AwaitingReplay = findings.AwaitingReplay,
            FeeNotCollected = findings.FeesNotCollected,
        };
    }
}
