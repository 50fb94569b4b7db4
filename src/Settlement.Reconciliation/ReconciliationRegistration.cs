using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Settlement.Orchestration.Configuration;

namespace Settlement.Reconciliation;

public static class ReconciliationRegistration
{
    /// <summary>
    /// Registers <see cref="Reconciler"/> on the service's database. Needs <see cref="SettlementOptions"/> (its step timeout)
    /// bound by the caller.
    /// </summary>
    public static IServiceCollection AddReconciliation(this IServiceCollection services, string connectionString) =>
        services.AddSingleton(provider => new Reconciler(connectionString,
            provider.GetRequiredService<IOptions<SettlementOptions>>(), provider.GetRequiredService<ILogger<Reconciler>>()));
}
