using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Settlement.Orchestration.Saga;

namespace Settlement.Host.Observability;

/// <summary><c>/metrics</c>, <c>/health/live</c> and <c>/health/ready</c>: none of them asks for the API key.</summary>
public static class ObservabilityRegistration
{
    public const string MetricsPath = "/metrics";

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
    /// OpenTelemetry (<see cref="SettlementTelemetry"/>), the gauges read from PostgreSQL and RabbitMQ, and the health checks.
    /// The queue gauges read the management API where <c>BrokerManagementOptions</c> say, which <c>AddAdminApi</c> registers
    /// (with the dead-letter routes).
    /// </summary>
    public static IServiceCollection AddSettlementObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettlementMetrics();
        services.AddSettlementTelemetry(configuration);
        services.AddOptions<ObservabilityOptions>().Bind(configuration.GetSection(ObservabilityOptions.SectionName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<BrokerQueueGauges>();
        services.AddSingleton<SagaGauges>();
        services.AddSingleton(provider => new MetricsSources(
            [provider.GetRequiredService<SagaGauges>().Source, provider.GetRequiredService<BrokerQueueGauges>().Source],
            provider.GetRequiredService<SettlementMetrics>()));

        services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgresql", tags: [HealthEndpoints.ReadyTag], timeout: TimeSpan.FromSeconds(5));
        return services;
    }

    public static WebApplication MapSettlementObservability(this WebApplication app)
    {
        // Listen before the bus starts (OpenTelemetry's hosted service would start after MassTransit's): a counter's
        // measurements reach only the listeners that exist when they are made. And create the gauges.
        app.Services.GetRequiredService<MeterProvider>();
        app.Services.GetService<TracerProvider>();
        var sources = app.Services.GetRequiredService<MetricsSources>();
        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null,
            configureBranchedPipeline: scrape => scrape.Use(async (context, next) =>
            {
                await sources.RefreshAsync(context.RequestAborted);
                await next(context);
            }),
            optionsName: null);
        app.MapSettlementHealthChecks();
        return app;
    }
}
