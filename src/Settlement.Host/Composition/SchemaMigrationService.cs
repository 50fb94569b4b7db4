using Settlement.Host.Database;

namespace Settlement.Host.Composition;

/// <summary>Applies the database schema at start-up, before the bus starts consuming (hosted services start in order).</summary>
public sealed class SchemaMigrationService(IConfiguration configuration, ILogger<SchemaMigrationService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        SchemaMigrator.ApplyAsync(SettlementServices.ConnectionString(configuration), logger, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
