using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Json;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Observability;

public class RequestLoggingTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task Each_API_request_is_logged_once_as_JSON_with_its_path_status_and_trace_id_and_probes_only_at_Debug()
    {
        var events = new CapturedEvents();
        await using var service = await ObservedService.StartAsync(fixture.Servers,
            new Dictionary<string, string?> { ["Serilog:MinimumLevel"] = "Information" },
            services => services.AddSingleton<ILogEventSink>(events));
        var tradeId = Guid.NewGuid();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/settlements/{tradeId}");
        request.Headers.Add("X-Api-Key", "observability-tests-api-key");

        using var response = await service.Http.SendAsync(request);
        await service.Http.GetStringAsync("/metrics");
        await service.Http.GetStringAsync("/health/live");

        var completed = await Poll.ForAsync(
            () => Task.FromResult(events.Requests.FirstOrDefault(e => Path(e) == $"/api/settlements/{tradeId}")),
            TimeSpan.FromSeconds(30), () => "The request was not logged");
        using var json = JsonDocument.Parse(Format(completed));
        Assert.Equal("Information", json.RootElement.GetProperty("Level").GetString());
        Assert.Equal("GET", json.RootElement.GetProperty("Properties").GetProperty("RequestMethod").GetString());
        Assert.Equal((int)response.StatusCode, json.RootElement.GetProperty("Properties").GetProperty("StatusCode").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", json.RootElement.GetProperty("TraceId").GetString());
        Assert.Matches("^[0-9a-f]{16}$", json.RootElement.GetProperty("SpanId").GetString());
        Assert.DoesNotContain(events.Requests, e => Path(e) is "/metrics" or "/health/live");
    }

    static string? Path(LogEvent e) => e.Properties.TryGetValue("RequestPath", out var path) ? (path as ScalarValue)?.Value as string : null;

    static string Format(LogEvent e)
    {
        using var output = new StringWriter();
        new JsonFormatter(renderMessage: true).Format(e, output);
        return output.ToString();
    }

    /// <summary>A Serilog sink the host picks up from the container (<c>ReadFrom.Services</c>), next to its console sink.</summary>
    sealed class CapturedEvents : ILogEventSink
    {
        readonly ConcurrentQueue<LogEvent> _events = new();

        public IEnumerable<LogEvent> Requests => _events.Where(e => e.Properties.ContainsKey("RequestPath") && e.Properties.ContainsKey("Elapsed"));

        public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);
    }
}
