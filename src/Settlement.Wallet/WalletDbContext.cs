using Microsoft.EntityFrameworkCore;
using Settlement.Wallet.Ledger;

namespace Settlement.Wallet;

/// <summary>
/// The wallet ledger's tables in the <c>wallet</c> schema, mapped for reads. The tables themselves are created by
/// <c>Schema/001_wallet.sql</c>; balance changes go through <see cref="WalletLedger"/>'s SQL, which locks what it changes.
/// Columns are the snake_case of the property names; money is <c>numeric(38,18)</c>.
/// </summary>
public class WalletDbContext(DbContextOptions<WalletDbContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();
    internal DbSet<OperationRecord> Operations => Set<OperationRecord>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<decimal>().HaveColumnType("numeric(38,18)");
        configurationBuilder.Properties<Enum>().HaveConversion<string>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema("wallet");

        modelBuilder.Entity<Account>().ToTable("accounts").HasKey(a => new { a.UserId, a.Currency });
        modelBuilder.Entity<LedgerEntry>().ToTable("ledger_entries").HasKey(e => e.EntryId);
        modelBuilder.Entity<OperationRecord>(operation =>
        {
            operation.ToTable("operations").HasKey(o => o.OperationId);
            // As requested, unconstrained: a refused over-precise or oversized amount is recorded exactly.
            operation.Property(o => o.Amount).HasColumnType("numeric");
        });

        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
            property.SetColumnName(SnakeCase(property.Name));
    }

    static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? $"_{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}"));
}
