using System.Diagnostics.Metrics;
using MassTransit.Logging;
using MassTransit.Monitoring;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Settlement.Host.Observability;

/// <summary>
/// OpenTelemetry. Metrics, always: the meters <c>Settlement</c> (ours) and <c>MassTransit</c>, ASP.NET Core's and the
/// runtime's, exported by the Prometheus exporter at <c>/metrics</c>. Traces, only when an exporter is asked for by the
/// standard variables: OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>) is set,
/// the console when <c>OTEL_TRACES_EXPORTER</c> names <c>console</c>; <c>OTEL_TRACES_EXPORTER=none</c> turns them off.
/// A trace holds MassTransit's activities (publish, send, each saga step, each wallet operation), ASP.NET Core's requests,
/// Npgsql's commands and the service's own spans (<see cref="ActivitySourceNames"/>: a saga step's transaction, a wallet
/// batch). <c>Observability:TraceFile</c> writes every span to a file (<see cref="SpanFileExporter"/>), for load tests.
/// </summary>
public static class SettlementTelemetry
{
    /// <summary><c>service.name</c> of every span and of <c>target_info</c>, unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "settlement";

    public const string TracesExporterVariable = "OTEL_TRACES_EXPORTER";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpTracesEndpointVariable = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public const string TraceFileKey = "Observability:TraceFile";

    /// <summary>The share of trades whose spans <see cref="TraceFileKey"/> records (1, all, by default): recording costs CPU.</summary>
    public const string TraceFileSampleRatioKey = "Observability:TraceFileSampleRatio";

    /// <summary>The service's own activity sources: the saga's repository and the wallet's batches.</summary>
    public static readonly string[] ActivitySourceNames = [Orchestration.Persistence.SettlementActivitySource.Name, Wallet.WalletActivitySource.Name];

    public static IServiceCollection AddSettlementTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter(SettlementMetrics.MeterName, InstrumentationOptions.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter(prometheus =>
                {
                    // The series keep the label sets they had before OpenTelemetry: no otel_scope_* label on each sample.
                    prometheus.ScopeInfoEnabled = false;
                }));

        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) => metrics.AddView(OnlyFrom(provider.GetRequiredService<IMeterFactory>())));

        var (otlp, console) = TraceExporters(configuration);
        var traceFile = configuration[TraceFileKey];
        if (otlp || console || !string.IsNullOrWhiteSpace(traceFile))
        {
            telemetry.WithTracing(tracing =>
            {
                tracing.AddSource(DiagnosticHeaders.DefaultListenerName)
                    .AddSource(ActivitySourceNames)
                    .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !SettlementLogging.IsProbe(context.Request.Path))
                    .AddNpgsql();
                if (otlp)
                    tracing.AddOtlpExporter();
                if (console)
                    tracing.AddConsoleExporter();
                if (!string.IsNullOrWhiteSpace(traceFile))
                {
                    // A trace is a trade (its first message starts it), so sampling keeps whole trades.
                    if (configuration.GetValue<double?>(TraceFileSampleRatioKey) is { } ratio and > 0 and < 1)
                        tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)));
                    // Every span is kept: a queue large enough for a load test's minute, drained five times a second.
                    tracing.AddProcessor(new BatchActivityExportProcessor(new SpanFileExporter(traceFile),
                        maxQueueSize: 1 << 20, scheduledDelayMilliseconds: 200, maxExportBatchSize: 4096));
                }
            });
        }

        return services;
    }

    /// <summary>Which trace exporters the standard OpenTelemetry variables ask for (none: tracing stays off).</summary>
    public static (bool Otlp, bool Console) TraceExporters(IConfiguration configuration)
    {
        var named = (configuration[TracesExporterVariable] ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (named.Contains("none", StringComparer.OrdinalIgnoreCase))
            return (false, false);
        var endpoint = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]) || !string.IsNullOrWhiteSpace(configuration[OtlpTracesEndpointVariable]);
        return (endpoint || named.Contains("otlp", StringComparer.OrdinalIgnoreCase), named.Contains("console", StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Drops the instruments of meters another <see cref="IMeterFactory"/> created: the SDK selects meters by name in the whole
    /// process, and two hosts in one process (as in tests) must not export each other's series. Meters without a factory
    /// (the runtime's) stay.
    /// </summary>
    static Func<Instrument, MetricStreamConfiguration?> OnlyFrom(IMeterFactory meterFactory) =>
        instrument => instrument.Meter.Scope is null || ReferenceEquals(instrument.Meter.Scope, meterFactory) ? null : MetricStreamConfiguration.Drop;
}
