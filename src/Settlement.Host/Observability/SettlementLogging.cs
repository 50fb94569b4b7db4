using System.Globalization;
using Microsoft.Extensions.Options;
using Serilog;
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
    public const string TextTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static ILoggingBuilder AddSettlementSerilog(this ILoggingBuilder logging, IConfiguration configuration, string applicationName)
    {
        var serilog = new LoggerConfiguration()
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Application", applicationName)
            .Enrich.WithProperty("ProcessId", Environment.ProcessId);

        var format = configuration[$"{SectionName}:Format"] ?? "Json";
        serilog = format.ToUpperInvariant() switch
        {
            "JSON" => serilog.WriteTo.Console(new JsonFormatter(renderMessage: true)),
            "TEXT" => serilog.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: CultureInfo.InvariantCulture),
            _ => throw new OptionsValidationException($"{SectionName}:Format", typeof(string),
                [$"{SectionName}:Format is '{format}': use Json (the default) or Text"]),
        };

        return logging.ClearProviders().AddSerilog(serilog.CreateLogger(), dispose: true);
    }
}
