using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Settlement.Wallet.Consumers;
using Settlement.Wallet.Ledger;

namespace Settlement.Wallet;

/// <summary>The one place the wallet is registered, shared by the host and the tests.</summary>
public static class WalletRegistration
{
    /// <summary>The connection string used when the <c>Wallet</c> section sets none: <c>ConnectionStrings:Settlement</c>.</summary>
    public const string SharedConnectionStringName = "Settlement";

    /// <summary>
    /// The key of the wallet's <see cref="NpgsqlDataSource"/> (a keyed singleton, so it is the wallet's own pool whatever
    /// other modules register): <see cref="WalletLedger"/> writes through it with Npgsql, <see cref="WalletDbContext"/> reads.
    /// </summary>
    public const string DataSourceKey = "wallet";

    /// <summary>
    /// Statements the wallet's connections keep prepared, unless the connection string says otherwise: the ledger's dozen
    /// statements and the reads, each parsed and planned once per connection instead of once per batch. The same rule as
    /// the saga's connections (Orchestration's <c>ForHotPath</c>; the modules do not reference each other).
    /// </summary>
    const int MaxAutoPrepare = 64;

    /// <summary>
    /// Registers the wallet with <see cref="WalletOptions"/> bound from the <c>Wallet</c> section (its
    /// <c>ConnectionString</c> defaulting to <c>ConnectionStrings:Settlement</c>), validated at start.
    /// </summary>
    public static IServiceCollection AddWallet(this IServiceCollection services, IConfiguration configuration)
    {
        var builder = services.AddOptions<WalletOptions>()
            .Bind(configuration.GetSection(WalletOptions.SectionName))
            .PostConfigure(options =>
            {
                if (string.IsNullOrWhiteSpace(options.ConnectionString))
                    options.ConnectionString = configuration.GetConnectionString(SharedConnectionStringName) ?? string.Empty;
            });
        return services.AddWalletServices(builder);
    }

    /// <summary>Registers the wallet with <see cref="WalletOptions"/> set by <paramref name="configure"/>, validated at start.</summary>
    public static IServiceCollection AddWallet(this IServiceCollection services, Action<WalletOptions> configure) =>
        services.AddWalletServices(services.AddOptions<WalletOptions>().Configure(configure));

    /// <summary>
    /// Adds the wallet's consumer with its definition: <c>ConfigureEndpoints</c> then makes the <c>wallet</c> endpoint,
    /// where debits, credits, deposits and reversals are consumed and applied in batches that form by themselves.
    /// Needs <see cref="AddWallet(IServiceCollection, Action{WalletOptions})"/> (or the configuration overload) too.
    /// </summary>
    public static IBusRegistrationConfigurator AddWalletConsumers(this IBusRegistrationConfigurator configurator)
    {
        configurator.AddConsumer<WalletConsumer, WalletConsumerDefinition>();
        return configurator;
    }

    static IServiceCollection AddWalletServices(this IServiceCollection services, OptionsBuilder<WalletOptions> options)
    {
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WalletOptions>, WalletOptionsValidator>());
        services.TryAddKeyedSingleton(DataSourceKey, (provider, _) =>
        {
            var builder = new NpgsqlDataSourceBuilder(provider.GetRequiredService<IOptions<WalletOptions>>().Value.ConnectionString);
            // The wallet sets no session state (its lock timeout is transaction-local), so a connection going back to the
            // pool needs no reset: pg_stat_statements counted four reset statements per batch.
            builder.ConnectionStringBuilder.NoResetOnClose = true;
            if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
                builder.ConnectionStringBuilder.MaxAutoPrepare = MaxAutoPrepare;
            return builder.Build();
        });
        services.AddDbContextFactory<WalletDbContext>((provider, db) =>
            db.UseNpgsql(provider.GetRequiredKeyedService<NpgsqlDataSource>(DataSourceKey)));
        services.TryAddSingleton<WalletLedger>();
        services.TryAddSingleton<CommandBatches>();
        return services;
    }
}
