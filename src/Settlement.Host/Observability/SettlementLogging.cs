using System.Globalization;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;

namespace Settlement.Host.Observability;

/// <summary>
/// Serilog in place of the default logging providers: one JSON object per line on stdout (Serilog's
/// <see cref="JsonFormatter"/>: Timestamp, Level, MessageTemplate, RenderedMessage, Properties with every template field,
/// Exception), or plain text for local runs with <c>Serilog:Format = Text</c>. Levels per namespace come from the
/// <c>Serilog</c> section (<c>MinimumLevel:Default</c>, <c>MinimumLevel:Override</c>).
/// </summary>
public static class SettlementLogging
{
    public const string SectionName = "Serilog";
    public const string TextTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext:l}: {Message:l}{NewLine}{Exception}";

    /// <param name="toStandardError">Every event to stderr, for a command whose stdout is its result (<c>reconcile</c>).</param>
    public static ILoggingBuilder AddSettlementSerilog(this ILoggingBuilder logging, IConfiguration configuration, string applicationName,
        bool toStandardError = false)
    {
        var logger = Configure(configuration, applicationName)
            .WriteTo.Console(Formatter(configuration), standardErrorFromLevel: toStandardError ? LogEventLevel.Verbose : null)
            .CreateLogger();
        return logging.ClearProviders().AddSerilog(logger, dispose: true);
    }

    /// <summary>Levels from the <c>Serilog</c> section, and the fields every event carries: Application, ProcessId.</summary>
    public static LoggerConfiguration Configure(IConfiguration configuration, string applicationName) =>
        new LoggerConfiguration()
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
