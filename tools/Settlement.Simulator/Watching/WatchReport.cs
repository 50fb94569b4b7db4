using System.Text.Json.Serialization;

namespace Settlement.Simulator.Watching;

/// <summary>
/// The outcome of a run as <c>watch</c> prints it. <c>lost</c> counts trades without a terminal state: never recorded
/// or still pending when watching stopped. Latency is <c>settled_at − executed_at</c> over the settled trades; rollback
/// latency is <c>updated_at − executed_at</c> over the rolled-back trades (the moment the last applied leg was reversed, or
/// the refusal was recorded when no leg had been applied). The percentiles are exact (nearest rank). Its fields are named
/// by <see cref="Cli.Output"/> (snake_case).
/// </summary>
public sealed record WatchReport(
    string Run,
    int Trades,
    int Found,
    int Settled,
    int RolledBack,
    int Rejected,
    int Suspended,
    int CompensationFailed,
    int Pending,
    int Lost,
    int UnexpectedFailures,
    int UnexpectedSettled,
    DateTimeOffset? FirstExecutedAt,
    DateTimeOffset? LastSettledAt,
    double? TradesPerSec,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    double? MaxMs,
    double? RollbackP50Ms,
    double? RollbackP99Ms,
    double? RollbackMaxMs)
{
    /// <summary>Every trade terminal, none lost, and each ended as planned: valid ones settled, must-fail ones not.</summary>
    [JsonIgnore]
    public bool Succeeded => Lost == 0 && UnexpectedFailures == 0 && UnexpectedSettled == 0;

    /// <summary>The report over the records found so far of a run of <paramref name="trades"/> trades.</summary>
    public static WatchReport From(string run, int trades, IReadOnlySet<Guid> mustFail, IReadOnlyCollection<SettlementRow> rows)
    {
        int Count(string state) => rows.Count(r => r.State == state);
        var settled = rows.Where(r => r.State == SettlementRow.Settled && r.SettledAt is not null).ToArray();
        var latencies = settled.Select(r => (r.SettledAt!.Value - r.ExecutedAt).TotalMilliseconds).Order().ToArray();
        var rollbacks = rows.Where(r => r.State == SettlementRow.RolledBack).Select(r => (r.UpdatedAt - r.ExecutedAt).TotalMilliseconds).Order().ToArray();
        DateTimeOffset? first = rows.Count > 0 ? rows.Min(r => r.ExecutedAt) : null;
        DateTimeOffset? last = settled.Length > 0 ? settled.Max(r => r.SettledAt!.Value) : null;
        var window = first is not null && last is not null ? (last.Value - first.Value).TotalSeconds : 0;
        var terminal = rows.Count(r => r.IsTerminal);

        return new WatchReport(
            run, trades, rows.Count,
            Count(SettlementRow.Settled), Count(SettlementRow.RolledBack), Count(SettlementRow.Rejected),
            Count(SettlementRow.Suspended), Count(SettlementRow.CompensationFailed),
            Pending: rows.Count - terminal,
            Lost: trades - terminal,
            UnexpectedFailures: rows.Count(r => r.IsTerminal && r.State != SettlementRow.Settled && !mustFail.Contains(r.TradeId)),
            UnexpectedSettled: rows.Count(r => r.State == SettlementRow.Settled && mustFail.Contains(r.TradeId)),
            first, last,
            window > 0 ? Math.Round(settled.Length / window, 1) : null,
            Percentile(latencies, 50), Percentile(latencies, 95), Percentile(latencies, 99),
            Max(latencies),
            Percentile(rollbacks, 50), Percentile(rollbacks, 99), Max(rollbacks));
    }

    static double? Max(double[] sorted) => sorted.Length > 0 ? Math.Round(sorted[^1], 1) : null;

    /// <summary>Nearest rank: the smallest value with at least <paramref name="percent"/> % of the values at or below it.</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, int percent)
    {
        if (sorted.Count == 0)
            return null;
        var rank = (int)(((long)percent * sorted.Count + 99) / 100); // ceil(percent × n / 100), in integers: exact
        return Math.Round(sorted[Math.Clamp(rank, 1, sorted.Count) - 1], 1);
    }
}
