using MassTransit;
using MassTransit.Configuration;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Settlement.Orchestration.Saga;

namespace Settlement.Orchestration.Persistence;

/// <summary>Registration of the settlement records: shared by the host and the tests.</summary>
public static class SettlementPersistenceRegistration
{
    /// <summary>
    /// The key of the settlement records' <see cref="NpgsqlDataSource"/> (a keyed singleton: this module's own pool): the
    /// saga's steps write through it with Npgsql (<see cref="SagaStatements"/>), EF Core reads through it.
    /// </summary>
    public const string DataSourceKey = "settlement";

    /// <summary>
    /// The settlement database: a pooled <see cref="IDbContextFactory{SettlementDbContext}"/> and the operators'
    /// <see cref="SettlementRecords"/>. Registering it again changes nothing.
    /// </summary>
    public static IServiceCollection AddSettlementDatabase(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        if (services.Any(d => d.ServiceType == typeof(IDbContextFactory<SettlementDbContext>)))
            return services;

        services.TryAddKeyedSingleton(DataSourceKey, (_, _) => NpgsqlDataSource.Create(ForHotPath(connectionString)));
        services.AddPooledDbContextFactory<SettlementDbContext>((provider, options) =>
            options.UseNpgsql(provider.GetRequiredKeyedService<NpgsqlDataSource>(DataSourceKey)));
        services.TryAddSingleton<SettlementRecords>();
        services.TryAddSingleton<SettlementActivity>();
        return services;
    }

    /// <summary>
    /// The connection string as the saga's steps use it, thousands of times a second: statements run often are prepared
    /// once per connection (Max Auto Prepare, when not set), and a connection going back to the pool is not reset with
    /// DISCARD ALL (No Reset On Close), which would also drop those statements: the service sets no session state (its
    /// settings are transaction-local).
    /// </summary>
    public static string ForHotPath(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        if (builder.MaxAutoPrepare == 0)
            builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

    /// <summary>
    /// Keeps the settlement saga in PostgreSQL (<c>settlement.settlements</c>), one transaction per consumed message,
    /// and makes <see cref="ISagaRepository{TSaga}"/>, <see cref="ILoadSagaRepository{TSaga}"/> and
    /// <see cref="IQuerySagaRepository{TSaga}"/> resolvable (the test harness' saga harness uses the last two):
    /// <code>x.AddSagaStateMachine&lt;SettlementStateMachine, SettlementState, SettlementStateMachineDefinition&gt;().PostgresRepository(connectionString);</code>
    /// Also calls <see cref="AddSettlementDatabase"/>.
    /// </summary>
    public static ISagaRegistrationConfigurator<SettlementState> PostgresRepository(
        this ISagaRegistrationConfigurator<SettlementState> configurator, string connectionString)
    {
        configurator.Repository(services =>
        {
            services.AddSettlementDatabase(connectionString);
            services.RegisterLoadSagaRepository<SettlementState, SettlementSagaRepositoryContextFactory>();
            services.RegisterQuerySagaRepository<SettlementState, SettlementSagaRepositoryContextFactory>();
            services.RegisterSagaRepository<SettlementState, SagaTransaction,
                SagaConsumeContextFactory<SagaTransaction, SettlementState>, SettlementSagaRepositoryContextFactory>();
        });
        return configurator;
    }
}
