using System.Collections.ObjectModel;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Settlement.IntegrationTests.Settlement;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Observability;

public class TradeTraceTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task One_trade_is_one_trace_with_its_saga_steps_wallet_operations_and_database_commands()
    {
        var spans = new LockedList();
        // Tracing is on once an exporter is asked for; nothing listens on port 1, so the OTLP exporter only fails quietly.
        await using var service = await ObservedService.StartAsync(fixture.Servers,
            new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:1" },
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        var trade = new Market().Trade(Guid.NewGuid(), Guid.NewGuid());

        await service.SettleAsync(trade);
        var tradeId = trade.TradeId.ToString();
        var trace = await Poll.ForAsync(() =>
        {
            var traceIds = spans.Snapshot().Where(s => s.Tags.Any(t => t.Value?.Contains(tradeId, StringComparison.Ordinal) == true))
                .Select(s => s.TraceId).Distinct().ToList();
            var inTrace = traceIds.Count == 1 ? spans.Snapshot().Where(s => s.TraceId == traceIds[0]).ToList() : null;
            return Task.FromResult(inTrace?.Count(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer) >= 10 ? inTrace : null);
        }, TimeSpan.FromSeconds(30), () => $"No single trace of trade {tradeId} with its steps; spans:\n{string.Join("\n", spans.Snapshot().Select(Describe))}");

        var consumed = trace.Where(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer).ToList();
        // Five wallet operations (buyer debit and credit, seller debit and credit, fee), each answered to the saga.
        Assert.True(consumed.Count(s => s.DisplayName.StartsWith("wallet", StringComparison.Ordinal)) >= 5, string.Join("\n", trace.Select(Describe)));
        Assert.True(consumed.Count(s => s.DisplayName.StartsWith("settlement", StringComparison.Ordinal)) >= 6, string.Join("\n", trace.Select(Describe)));
        Assert.Contains(trace, s => s.Source.Name == "Npgsql");
    }

    static string Describe(Activity span) =>
        $"{span.TraceId} {span.Source.Name} {span.Kind} {span.DisplayName} [{string.Join(", ", span.Tags.Select(t => $"{t.Key}={t.Value}"))}]";

    /// <summary>Spans as the in-memory exporter adds them, from whichever thread ends each span.</summary>
    sealed class LockedList : Collection<Activity>
    {
        public List<Activity> Snapshot()
        {
            lock (Items)
                return [.. Items];
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (Items)
                base.InsertItem(index, item);
        }
    }
}
