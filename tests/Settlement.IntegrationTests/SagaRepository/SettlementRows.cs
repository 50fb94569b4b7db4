using Microsoft.EntityFrameworkCore;
using Settlement.Orchestration;
using Settlement.Orchestration.Saga;

namespace Settlement.IntegrationTests.SagaRepository;

/// <summary>Reads and writes stored settlement rows directly, each call with a fresh DbContext, apart from any service provider.</summary>
sealed class SettlementRows(string connectionString)
{
    readonly DbContextOptions<SettlementDbContext> _options =
        new DbContextOptionsBuilder<SettlementDbContext>().UseNpgsql(connectionString).Options;

    public async Task<SettlementState?> FindAsync(Guid tradeId)
    {
        await using var db = new SettlementDbContext(_options);
        return await db.Settlements.AsNoTracking().SingleOrDefaultAsync(x => x.CorrelationId == tradeId);
    }

    public async Task<int> CountAsync(Guid tradeId)
    {
        await using var db = new SettlementDbContext(_options);
        return await db.Settlements.CountAsync(x => x.CorrelationId == tradeId);
    }

    /// <summary>Inserts records as they are, then backdates updated_at (saving always stamps it with the current time).</summary>
    public async Task InsertAsync(params (SettlementState Record, DateTimeOffset UpdatedAt)[] rows)
    {
        await using var db = new SettlementDbContext(_options);
        db.Settlements.AddRange(rows.Select(r => r.Record));
        await db.SaveChangesAsync();
        foreach (var (record, updatedAt) in rows)
        {
            await db.Settlements.Where(x => x.CorrelationId == record.CorrelationId)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.UpdatedAt, updatedAt.ToUniversalTime()));
        }
    }

    public async Task DeleteAsync(IEnumerable<Guid> tradeIds)
    {
        var ids = tradeIds.ToList();
        await using var db = new SettlementDbContext(_options);
        await db.Settlements.Where(x => ids.Contains(x.CorrelationId)).ExecuteDeleteAsync();
    }
}
