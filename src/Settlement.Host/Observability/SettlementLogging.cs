using System.Globalization;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;

namespace Settlement.Host.Observability;

/// <summary>
/// Serilog through Serilog.AspNetCore (<c>AddSerilog</c>, <c>UseSerilogRequestLogging</c>) in place of the default logging
/// providers: one JSON object per line on stdout (Serilog's <see cref="JsonFormatter"/>: Timestamp, Level, MessageTemplate,
/// RenderedMessage, TraceId and SpanId inside a trace, Properties with every template field, Exception), or plain text for
/// local runs with <c>Serilog:Format = Text</c>. Levels, enrichers and extra sinks come from the <c>Serilog</c> section
/// (Serilog.Settings.Configuration: <c>MinimumLevel:Default</c>, <c>MinimumLevel:Override</c>, …).
/// </summary>
public static class SettlementLogging
{
    public const string SectionName = "Serilog";
    public const string TextTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext:l}: {Message:l}{NewLine}{Exception}";

    /// <summary>
    /// Serilog as the host's logger factory. Providers registered in the container still receive every event (tests add one);
    /// the static <c>Log.Logger</c> is left alone, so two hosts in one process (as in tests) keep their own loggers.
    /// </summary>
    /// <param name="toStandardError">Every event to stderr, for a command whose stdout is its result (<c>reconcile</c>).</param>
    public static ILoggingBuilder AddSettlementSerilog(this ILoggingBuilder logging, IConfiguration configuration, string applicationName,
        bool toStandardError = false)
    {
        // Read now, so that an unknown format stops the start before anything else is built.
        var formatter = Formatter(configuration);
        logging.ClearProviders();
        logging.Services.AddSerilog(
            (services, logger) => Configure(logger, configuration, applicationName)
                .ReadFrom.Services(services)
                .WriteTo.Console(formatter, standardErrorFromLevel: toStandardError ? LogEventLevel.Verbose : null),
            preserveStaticLogger: true,
            writeToProviders: true);
        return logging;
    }

    /// <summary>
    /// One event per HTTP request when it completes (method, path, status, elapsed ms; TraceId and SpanId of the request's
    /// trace), at Information, Error for a 5xx or an exception; <c>/metrics</c> and <c>/health/*</c>, which scrapers and
    /// probes call every few seconds, at Debug.
    /// </summary>
    public static WebApplication UseSettlementRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            options.GetLevel = (context, _, exception) =>
                exception is not null || context.Response.StatusCode >= 500 ? LogEventLevel.Error
                : IsProbe(context.Request.Path) ? LogEventLevel.Debug
                : LogEventLevel.Information;
        });
        return app;
    }

    /// <summary><c>/metrics</c> and <c>/health/*</c>: called every few seconds by scrapers and probes, so neither logged nor traced as requests.</summary>
    internal static bool IsProbe(PathString path) => path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");

    /// <summary>Levels and enrichers from the <c>Serilog</c> section, and the fields every event carries: Application, ProcessId.</summary>
    public static LoggerConfiguration Configure(LoggerConfiguration logger, IConfiguration configuration, string applicationName) =>
        logger
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Application", applicationName)
            .Enrich.WithProperty("ProcessId", Environment.ProcessId);

    /// <summary><c>Serilog:Format</c>: <c>Json</c> (the default) or <c>Text</c>.</summary>
    public static ITextFormatter Formatter(IConfiguration configuration)
    {
        var format = configuration[$"{SectionName}:Format"] ?? "Json";
        return format.ToUpperInvariant() switch
        {
            "JSON" => new JsonFormatter(renderMessage: true),
            "TEXT" => new MessageTemplateTextFormatter(TextTemplate, CultureInfo.InvariantCulture),
            _ => throw new OptionsValidationException($"{SectionName}:Format", typeof(string),
                [$"{SectionName}:Format is '{format}': use Json (the default) or Text"]),
        };
    }
}
