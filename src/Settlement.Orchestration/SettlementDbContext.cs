using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration;

/// <summary>
/// The settlement records (saga state) in the <c>settlement</c> schema; the table is created by Schema/001_settlements.sql.
/// Saving stamps <see cref="SettlementState.CreatedAt"/>, <see cref="SettlementState.UpdatedAt"/> and
/// <see cref="SettlementState.Version"/>; the version is also checked on update (optimistic concurrency).
/// </summary>
public class SettlementDbContext(DbContextOptions<SettlementDbContext> options) : DbContext(options)
{
    public const string Schema = "settlement";

    public DbSet<SettlementState> Settlements => Set<SettlementState>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // timestamptz only takes offset 0; a time with another offset (from a message, or an operator's query) is stored as UTC.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<decimal>().HavePrecision(38, 18);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var settlement = modelBuilder.Entity<SettlementState>();
        settlement.ToTable("settlements", Schema);
        settlement.HasKey(x => x.CorrelationId);
        settlement.Property(x => x.Version).IsConcurrencyToken();

        foreach (var property in settlement.Metadata.GetProperties())
            property.SetColumnName(SnakeCase(property.Name));
        settlement.Property(x => x.CorrelationId).HasColumnName("trade_id");
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampSettlements();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampSettlements();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    void StampSettlements()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var entry in ChangeTracker.Entries<SettlementState>())
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    entry.Entity.CreatedAt = now;
                    entry.Entity.UpdatedAt = now;
                    entry.Entity.Version = 1;
                    break;
                case EntityState.Modified:
                    // The UPDATE's WHERE keeps the version as loaded: a row changed meanwhile fails with DbUpdateConcurrencyException.
                    entry.Entity.UpdatedAt = now;
                    entry.Entity.Version++;
                    break;
            }
        }
    }

    static string SnakeCase(string name)
    {
        var snake = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && snake.Length > 0)
                snake.Append('_');
            snake.Append(char.ToLowerInvariant(c));
        }
        return snake.ToString();
    }

    sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);
}
