using Microsoft.EntityFrameworkCore;

namespace Settlement.Wallet;

/// <summary>The wallet ledger's tables in the <c>wallet</c> schema.</summary>
public class WalletDbContext(DbContextOptions<WalletDbContext> options) : DbContext(options)
{
}
