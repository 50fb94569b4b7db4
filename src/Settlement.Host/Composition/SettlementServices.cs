using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.Extensions.Options;
using Settlement.Host.Api;
using Settlement.Host.Broker;
using Settlement.Operations;
using Settlement.Orchestration;
using Settlement.Orchestration.Configuration;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Sweeper;
using Settlement.Reconciliation;
using Settlement.Wallet;

namespace Settlement.Host.Composition;

/// <summary>The whole service's registration, shared by the host and the integration tests.</summary>
public static class SettlementServices
{
    /// <summary>The connection string <c>ConnectionStrings:Settlement</c>: one database, schemas <c>wallet</c> and <c>settlement</c>.</summary>
    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(WalletRegistration.SharedConnectionStringName) is { Length: > 0 } connectionString
            ? connectionString
            : throw new OptionsValidationException("ConnectionStrings:Settlement", typeof(string),
                ["ConnectionStrings:Settlement is missing: set it to the PostgreSQL connection string"]);

    /// <summary><see cref="SettlementOptions"/> from the <c>Settlement</c> section, validated (at start, for a started host).</summary>
    public static IServiceCollection AddSettlementOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SettlementOptions>().Bind(configuration.GetSection(SettlementOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static IServiceCollection AddSettlementService(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = ConnectionString(configuration);
        var roles = ServiceRolesSetting.Read(configuration);

        services.AddSettlementOptions(configuration);
        services.AddRabbitMqOptions(configuration);
        services.AddSingleton<IValidateOptions<RabbitMqOptions>, DeliveryTimeoutValidator>();
        services.AddSingleton<DeclaredQueues>();
        services.AddWallet(configuration);

        services.AddHostedService<SchemaMigrationService>();
        // Before MassTransit's hosted service, which starts the bus: a queue of the wrong type stops start-up here.
        services.AddHostedService<QueueTypeCheck>();
        services.Configure<MassTransitHostOptions>(host =>
        {
            // Start-up fails loudly when the broker is unreachable, and in-flight messages get time to finish on stop.
            host.WaitUntilStarted = true;
            host.StartTimeout = TimeSpan.FromSeconds(60);
            host.StopTimeout = TimeSpan.FromSeconds(30);
        });
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            if (roles.HasFlag(ServiceRoles.Saga))
                x.AddSettlementSaga().PostgresRepository(connectionString);
            if (roles.HasFlag(ServiceRoles.Wallet))
                x.AddWalletConsumers();

            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.ConfigureBroker(context);
                // MassTransit's JSON options are process-wide and read-only once used: add the converter once.
                cfg.ConfigureJsonSerializerOptions(json =>
                {
                    if (!json.Converters.OfType<JsonStringEnumConverter>().Any())
                        json.Converters.Add(new JsonStringEnumConverter());
                    // Ahead of MassTransit's own decimal converter, which rounds an amount of 29 or more digits silently
                    // (a trade would settle at another price than the one sent): refuse it instead, as the API does.
                    if (!json.Converters.OfType<ExactDecimalConverter>().Any())
                        json.Converters.Insert(0, new ExactDecimalConverter());
                    return json;
                });
                cfg.ConfigureEndpoints(context);
                if (roles.HasFlag(ServiceRoles.Saga))
                    cfg.ConfigureSettlementReplyEndpoint(context);
            });
        });
        // The admin API reads settlement records in every role; the sweeper runs where the saga runs.
        services.AddSettlementDatabase(connectionString);
        services.AddReconciliation(connectionString);
        if (roles.HasFlag(ServiceRoles.Saga))
            services.AddHostedService<StuckSettlementSweeper>();
        return services;
    }
}
