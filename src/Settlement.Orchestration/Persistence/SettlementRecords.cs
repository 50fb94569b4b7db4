using Microsoft.EntityFrameworkCore;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration.Persistence;

/// <summary>Operators' read-only questions about settlement records (the admin API's backend). Nothing here locks.</summary>
public sealed class SettlementRecords(IDbContextFactory<SettlementDbContext> dbContextFactory)
{
    public const int MaxPageSize = 500;

    /// <summary>The record of one trade, or null when the trade has none.</summary>
    public async Task<SettlementState?> FindAsync(Guid tradeId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Settlements.AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == tradeId, cancellationToken);
    }

    /// <summary>
    /// One page of records matching <paramref name="query"/>, least recently updated first. Pass the page's
    /// <see cref="SettlementPage.Next"/> as <see cref="SettlementListQuery.After"/> to get the following page.
    /// </summary>
    public async Task<SettlementPage> ListAsync(SettlementListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.PageSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.PageSize, MaxPageSize);

        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        var records = db.Settlements.AsNoTracking();
        if (query.Status is not null)
            records = records.Where(x => x.SettlementStatus == query.Status);
        if (query.State is not null)
            records = records.Where(x => x.CurrentState == query.State);
        if (query.UpdatedBefore is { } before)
            records = records.Where(x => x.UpdatedAt < before);
        if (query.After is { } after)
            records = records.Where(x => EF.Functions.GreaterThan(
                ValueTuple.Create(x.UpdatedAt, x.CorrelationId), ValueTuple.Create(after.UpdatedAt, after.TradeId)));

        // One row more than the page tells whether another page follows.
        var rows = await records.OrderBy(x => x.UpdatedAt).ThenBy(x => x.CorrelationId)
            .Take(query.PageSize + 1)
            .ToListAsync(cancellationToken);

        if (rows.Count <= query.PageSize)
            return new SettlementPage(rows, null);

        var items = rows[..query.PageSize];
        var last = items[^1];
        return new SettlementPage(items, new SettlementCursor(last.UpdatedAt, last.CorrelationId));
    }

    /// <summary>Trades waiting for a wallet answer (see <see cref="SettlementStateMachine.WaitingStates"/>) since before <paramref name="updatedBefore"/>, oldest first.</summary>
    public async Task<IReadOnlyList<Guid>> ListWaitingSinceAsync(DateTimeOffset updatedBefore, int max, CancellationToken cancellationToken = default)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        return await WaitingSince(db, updatedBefore)
            .OrderBy(x => x.UpdatedAt)
            .Take(max)
            .Select(x => x.CorrelationId)
            .ToListAsync(cancellationToken);
    }

    /// <summary>How many trades wait for a wallet answer since before <paramref name="updatedBefore"/>: the stuck sagas.</summary>
    public async Task<int> CountWaitingSinceAsync(DateTimeOffset updatedBefore, CancellationToken cancellationToken = default)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        return await WaitingSince(db, updatedBefore).CountAsync(cancellationToken);
    }

    static IQueryable<SettlementState> WaitingSince(SettlementDbContext db, DateTimeOffset updatedBefore)
    {
        var before = updatedBefore.ToUniversalTime();
        return db.Settlements.AsNoTracking()
            .Where(x => SettlementStateMachine.WaitingStates.Contains(x.CurrentState) && x.UpdatedAt < before);
    }

    /// <summary>How many records have each status and state, by status then state.</summary>
    public async Task<IReadOnlyList<StatusStateCount>> CountByStatusAndStateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Settlements
            .GroupBy(x => new { x.SettlementStatus, x.CurrentState })
            .Select(g => new { g.Key.SettlementStatus, g.Key.CurrentState, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new StatusStateCount(r.SettlementStatus, r.CurrentState, r.Count))
            .OrderBy(r => r.Status, StringComparer.Ordinal).ThenBy(r => r.State, StringComparer.Ordinal)];
    }

    /// <summary>How many records are in each state, by state name.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountByStateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbContextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Settlements
            .GroupBy(x => x.CurrentState)
            .Select(g => new { State = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.State, x => x.Count, cancellationToken);
    }
}

/// <summary>Which records <see cref="SettlementRecords.ListAsync"/> returns; every filter left null matches all.</summary>
public sealed record SettlementListQuery
{
    /// <summary>A <see cref="SettlementStatus"/> value.</summary>
    public string? Status { get; init; }

    /// <summary>A state machine state name.</summary>
    public string? State { get; init; }

    /// <summary>Only records last updated before this time ("older than").</summary>
    public DateTimeOffset? UpdatedBefore { get; init; }

    /// <summary>The <see cref="SettlementPage.Next"/> of the previous page; null for the first page.</summary>
    public SettlementCursor? After { get; init; }

    public int PageSize { get; init; } = 50;
}

/// <summary>How many records have one status and state.</summary>
public sealed record StatusStateCount(string Status, string State, int Count);

/// <summary>Where a page ended: the last record's update time and trade id.</summary>
public sealed record SettlementCursor(DateTimeOffset UpdatedAt, Guid TradeId);

/// <summary>Records in (updated_at, trade_id) order; <see cref="Next"/> is null on the last page.</summary>
public sealed record SettlementPage(IReadOnlyList<SettlementState> Items, SettlementCursor? Next);
