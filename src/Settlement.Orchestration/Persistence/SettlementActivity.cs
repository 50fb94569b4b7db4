using Microsoft.EntityFrameworkCore;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration.Persistence;

/// <summary>
/// What the settlement records say about the recent past, for the operator console's overview: outcomes per minute and the
/// latency of settled trades (settled_at − executed_at, as <c>settlement_latency_seconds</c> measures it). Read-only.
/// </summary>
public sealed class SettlementActivity(IDbContextFactory<SettlementDbContext> dbContextFactory)
{
    /// <summary>Per minute since <paramref name="since"/>, the trades that settled and the trades that failed (by their last update).</summary>
    public async Task<IReadOnlyList<MinuteOutcomes>> OutcomesPerMinuteAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        var from = since.ToUniversalTime();
        return await db.Database.SqlQuery<MinuteOutcomes>($"""
            SELECT date_trunc('minute', coalesce(settled_at, updated_at)) AS "Minute",
                   count(*) FILTER (WHERE settlement_status = {SettlementStatus.Settled})::int AS "Settled",
                   count(*) FILTER (WHERE settlement_status = {SettlementStatus.Failed})::int AS "Failed"
            FROM settlement.settlements
            WHERE settlement_status IN ({SettlementStatus.Settled}, {SettlementStatus.Failed}) AND updated_at >= {from}
            GROUP BY 1 ORDER BY 1
            """).ToListAsync(cancellationToken);
    }

    /// <summary>The median and 99th percentile latency of the trades settled since <paramref name="since"/>; null when none settled.</summary>
    public async Task<SettlementLatency?> LatencyAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        var from = since.ToUniversalTime();
        var rows = await db.Database.SqlQuery<SettlementLatency>($"""
            SELECT count(*)::int AS "Trades",
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM settled_at - executed_at)) AS "P50Seconds",
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM settled_at - executed_at)) AS "P99Seconds"
            FROM settlement.settlements
            WHERE settlement_status = {SettlementStatus.Settled} AND settled_at >= {from} AND updated_at >= {from}
            """).ToListAsync(cancellationToken);
        return rows is [{ Trades: > 0 } latency] ? latency : null;
    }
}

/// <summary>Outcomes reached in one minute (UTC, truncated).</summary>
public sealed record MinuteOutcomes(DateTimeOffset Minute, int Settled, int Failed);

/// <summary>Latency of the trades settled in a window, in seconds.</summary>
public sealed record SettlementLatency(int Trades, double? P50Seconds, double? P99Seconds);
