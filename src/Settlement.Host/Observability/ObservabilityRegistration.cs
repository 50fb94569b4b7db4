using System.Diagnostics.Metrics;
using MassTransit;
using MassTransit.Monitoring;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Settlement.Host.Observability.Prometheus;
using Settlement.Orchestration.Saga;

namespace Settlement.Host.Observability;

/// <summary><c>/metrics</c>, <c>/health/live</c> and <c>/health/ready</c>: none of them asks for the API key.</summary>
public static class ObservabilityRegistration
{
    /// <summary>
    /// The saga's instruments (<see cref="SettlementMetrics"/>) and the observer MassTransit connects to the state machine.
    /// Enough on its own for MassTransit's in-memory test harness.
    /// </summary>
    public static IServiceCollection AddSettlementMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<SettlementMetrics>();
        services.TryAddSingleton<SettlementMetricsObserver>();
        services.AddStateObserver<SettlementState, SettlementMetricsObserver>(provider => provider.GetRequiredService<SettlementMetricsObserver>());
        services.AddEventObserver<SettlementState, SettlementMetricsObserver>(provider => provider.GetRequiredService<SettlementMetricsObserver>());
        return services;
    }

    /// <summary>
    /// <c>/metrics</c> and the health checks. The queue gauges read the management API where <c>BrokerManagementOptions</c>
    /// say, which <c>AddAdminApi</c> registers (with the dead-letter routes).
    /// </summary>
    public static IServiceCollection AddSettlementObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettlementMetrics();
        services.AddOptions<ObservabilityOptions>().Bind(configuration.GetSection(ObservabilityOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(provider => new MetricsCollector(
            [SettlementMetrics.MeterName, InstrumentationOptions.MeterName], provider.GetRequiredService<IMeterFactory>()));
        services.AddSingleton<BrokerQueueGauges>();
        services.AddSingleton<SagaGauges>();
        services.AddSingleton(provider => new MetricsEndpoint(
            provider.GetRequiredService<MetricsCollector>(),
            [provider.GetRequiredService<SagaGauges>().Source, provider.GetRequiredService<BrokerQueueGauges>().Source],
            provider.GetRequiredService<SettlementMetrics>()));

        services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgresql", tags: [HealthEndpoints.ReadyTag], timeout: TimeSpan.FromSeconds(5));
        return services;
    }

    public static WebApplication MapSettlementObservability(this WebApplication app)
    {
        // Listen before the bus starts: a counter's measurements reach only the listeners that exist when they are made.
        var metrics = app.Services.GetRequiredService<MetricsEndpoint>();
        app.MapGet("/metrics", metrics.ScrapeAsync).ExcludeFromDescription();
        app.MapSettlementHealthChecks();
        return app;
    }
}
