using MassTransit;
using MassTransit.Middleware;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration.Persistence;

/// <summary>Reads settlement records for MassTransit's load and query repositories: no tracking, no locks, no transaction.</summary>
sealed class SettlementReadContext(SettlementDbContext db, CancellationToken cancellationToken)
    : BasePipeContext(cancellationToken), LoadSagaRepositoryContext<SettlementState>, QuerySagaRepositoryContext<SettlementState>
{
    /// <summary>The record, or null when there is none (what MassTransit expects, though the interface does not say so).</summary>
    public async Task<SettlementState> Load(Guid correlationId) =>
        (await db.Settlements.AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == correlationId, CancellationToken))!;

    public async Task<SagaRepositoryQueryContext<SettlementState>> Query(ISagaQuery<SettlementState> query, CancellationToken cancellationToken = default)
    {
        var tradeIds = await db.Settlements.AsNoTracking()
            .Where(query.FilterExpression)
            .Select(x => x.CorrelationId)
            .ToListAsync(cancellationToken);

        return new DefaultSagaRepositoryQueryContext<SettlementState>(this, tradeIds);
    }
}
