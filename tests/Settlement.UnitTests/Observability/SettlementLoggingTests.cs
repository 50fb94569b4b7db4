using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting;
using Settlement.Host.Observability;

namespace Settlement.UnitTests.Observability;

public class SettlementLoggingTests
{
    static readonly Guid TradeId = new("11111111-2222-3333-4444-555555555555");

    [Fact]
    public void By_default_each_event_is_one_JSON_line_that_keeps_every_template_field_and_the_service_fields()
    {
        var lines = Log(new Dictionary<string, string?>(), logger =>
            logger.LogError("Settlement of trade {TradeId} failed at {Step}: {Error} (buyer {BuyerUserId}, {Symbol})",
                TradeId, "SellerDebit", "InsufficientBalance", Guid.Empty, "BTC/USDT"));

        using var json = JsonDocument.Parse(Assert.Single(lines));
        var properties = json.RootElement.GetProperty("Properties");
        Assert.Equal("Error", json.RootElement.GetProperty("Level").GetString());
        Assert.Equal("Settlement of trade {TradeId} failed at {Step}: {Error} (buyer {BuyerUserId}, {Symbol})",
            json.RootElement.GetProperty("MessageTemplate").GetString());
        Assert.Contains("11111111-2222-3333-4444-555555555555", json.RootElement.GetProperty("RenderedMessage").GetString());
        Assert.Equal(TradeId.ToString(), properties.GetProperty("TradeId").GetString());
        Assert.Equal("SellerDebit", properties.GetProperty("Step").GetString());
        Assert.Equal("BTC/USDT", properties.GetProperty("Symbol").GetString());
        Assert.Equal("Settlement.Tests", properties.GetProperty("Application").GetString());
        Assert.Equal(Environment.ProcessId, properties.GetProperty("ProcessId").GetInt32());
        Assert.Equal("Settlement.Orchestration.Saga.SettlementStateMachine", properties.GetProperty("SourceContext").GetString());
    }

    [Fact]
    public void Text_format_writes_a_plain_line_for_local_runs()
    {
        var lines = Log(new Dictionary<string, string?> { ["Serilog:Format"] = "Text" }, logger =>
            logger.LogInformation("Trade {TradeId} settled ({Symbol})", TradeId, "BTC/USDT"));

        var line = Assert.Single(lines);
        Assert.Matches(@"^\[\d\d:\d\d:\d\d\.\d{3} INF\] Settlement\.Orchestration\.Saga\.SettlementStateMachine: Trade 11111111-2222-3333-4444-555555555555 settled \(BTC/USDT\)$", line);
    }

    [Fact]
    public void Levels_per_namespace_come_from_the_Serilog_section()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Serilog:MinimumLevel:Default"] = "Information",
            ["Serilog:MinimumLevel:Override:Settlement.Orchestration"] = "Warning",
        };

        var lines = Log(settings, logger =>
        {
            logger.LogInformation("hidden");
            logger.LogWarning("shown");
        });

        Assert.Contains("shown", Assert.Single(lines));
    }

    [Fact]
    public void An_unknown_format_is_refused_at_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Serilog:Format"] = "xml" }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => SettlementLogging.Formatter(configuration));
        Assert.Contains("use Json (the default) or Text", error.Message);
    }

    /// <summary>What the service's Serilog configuration writes for the events <paramref name="log"/> makes, line by line.</summary>
    static string[] Log(Dictionary<string, string?> settings, Action<Microsoft.Extensions.Logging.ILogger> log)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var output = new StringWriter();
        using (var serilog = SettlementLogging.Configure(new LoggerConfiguration(), configuration, "Settlement.Tests")
                   .WriteTo.Sink(new FormattedSink(SettlementLogging.Formatter(configuration), output)).CreateLogger())
        using (var factory = new SerilogLoggerFactory(serilog))
        {
            log(factory.CreateLogger("Settlement.Orchestration.Saga.SettlementStateMachine"));
        }

        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>Writes events as the console sink would, with the same formatter, to a writer the test reads.</summary>
    sealed class FormattedSink(ITextFormatter formatter, TextWriter output) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => formatter.Format(logEvent, output);
    }
}
