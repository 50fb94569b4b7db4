using Microsoft.EntityFrameworkCore;

namespace Settlement.Orchestration;

/// <summary>The settlement records (saga state) in the <c>settlement</c> schema.</summary>
public class SettlementDbContext(DbContextOptions<SettlementDbContext> options) : DbContext(options)
{
}
