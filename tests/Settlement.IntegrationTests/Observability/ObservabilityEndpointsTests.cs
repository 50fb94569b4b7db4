using System.Net;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Contracts;
using Settlement.Host.Composition;
using Settlement.IntegrationTests.SagaRepository;
using Settlement.Orchestration.Saga;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Observability;

public class ObservabilityEndpointsTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task Live_answers_200_and_ready_reports_PostgreSQL_and_the_bus_healthy_without_an_API_key()
    {
        await using var service = await ObservedService.StartAsync(fixture.Servers);

        using var live = await service.Http.GetAsync("/health/live");
        using var ready = await service.Http.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", JsonDocument.Parse(await live.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("application/json", ready.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("Healthy", checks["postgresql"]);
        Assert.Equal("Healthy", checks["masstransit-bus"]);
    }

    [Fact]
    public async Task Ready_answers_503_and_names_PostgreSQL_when_the_database_is_unreachable()
    {
        // Nothing listens on port 1. The schema migration, which would stop start-up, is left out; the bus starts as usual.
        await using var service = await ObservedService.StartAsync(fixture.Servers,
            new Dictionary<string, string?> { ["ConnectionStrings:Settlement"] = "Host=127.0.0.1;Port=1;Username=postgres;Timeout=2" },
            services => services.Remove(services.Single(d => d.ImplementationType == typeof(SchemaMigrationService))));

        using var ready = await service.Http.GetAsync("/health/ready");
        var metrics = await service.Http.GetStringAsync("/metrics");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Unhealthy", body.RootElement.GetProperty("status").GetString());
        var postgres = body.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "postgresql");
        Assert.Equal("Unhealthy", postgres.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(postgres.GetProperty("error").GetString()));
        Assert.Equal(0, ObservedService.SampleOf(metrics, "settlement_metrics_source_up{source=\"postgresql\"}"));
        Assert.Null(ObservedService.SampleOf(metrics, "settlement_stuck_sagas"));
    }

    [Fact]
    public async Task After_a_trade_settles_metrics_show_its_outcome_its_latency_and_the_sagas_by_state()
    {
        await using var service = await ObservedService.StartAsync(fixture.Servers);
        var trade = new Market().Trade(Guid.NewGuid(), Guid.NewGuid());

        await service.SettleAsync(trade);
        var text = await service.ScrapeUntilAsync("settlement_settlements_total{outcome=\"settled\"}", value => value == 1);

        Assert.Equal(1, ObservedService.SampleOf(text, "settlement_latency_seconds_count"));
        Assert.Equal(1, ObservedService.SampleOf(text, "settlement_latency_seconds_bucket{le=\"+Inf\"}"));
        Assert.Equal(1, ObservedService.SampleOf(text, "settlement_sagas{state=\"Settled\"}"));
        Assert.Equal(1, ObservedService.SampleOf(text, "settlement_metrics_source_up{source=\"postgresql\"}"));
        Assert.Contains("# TYPE settlement_settlements_total counter\n", text);
        Assert.Contains("# TYPE settlement_latency_seconds histogram\n", text);
        Assert.Contains("# TYPE settlement_sagas gauge\n", text);
        Assert.NotNull(ObservedService.SampleOf(text, "settlement_stuck_sagas"));
        // Every series the alert rules read (deploy/prometheus/alerts.yml) keeps its name; the dead-letter depth is the next test's.
        Assert.Equal(10, ObservedService.SampleOf(text, "settlement_dead_letter_alert_threshold"));
        // Present at 0 from the start, so that the first delivery given up shows as an increase.
        foreach (var queue in (string[])["settlement", "settlement-replies", "wallet"])
            Assert.Equal((queue, 0.0), (queue, ObservedService.SampleOf(text, $"settlement_deliveries_abandoned_total{{queue=\"{queue}\"}}")));

        using var response = await service.Http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task A_message_in_an_error_queue_shows_as_dead_letter_depth_and_the_service_queues_show_their_depth()
    {
        await using var service = await ObservedService.StartAsync(fixture.Servers);
        var errorQueue = "observability-probe_error";

        var endpoint = await service.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{errorQueue}"));
        await endpoint.Send(new ResendSettlementStep { TradeId = Guid.NewGuid() });
        // RabbitMQ's management API counts a new queue's messages with its next statistics, every 5 s by default.
        await service.ScrapeUntilAsync($"settlement_dead_letter_messages{{queue=\"{errorQueue}\"}}", value => value == 1, TimeSpan.FromSeconds(30));
        // Each queue's count appears with the broker's first statistics about it, in no set order between queues.
        await service.ScrapeUntilAsync("settlement_queue_messages{queue=\"wallet\"}", _ => true, TimeSpan.FromSeconds(30));
        var text = await service.ScrapeUntilAsync("settlement_queue_messages{queue=\"settlement\"}", _ => true, TimeSpan.FromSeconds(30));

        Assert.Equal(1, ObservedService.SampleOf(text, "settlement_metrics_source_up{source=\"rabbitmq_management\"}"));
        Assert.NotNull(ObservedService.SampleOf(text, "settlement_queue_messages{queue=\"wallet\"}"));
        Assert.NotNull(ObservedService.SampleOf(text, "settlement_queue_messages{queue=\"settlement\"}"));
        Assert.Null(ObservedService.SampleOf(text, $"settlement_queue_messages{{queue=\"{errorQueue}\"}}"));
    }

    [Fact]
    public async Task A_trade_waiting_for_the_wallet_longer_than_the_step_timeout_counts_as_stuck()
    {
        // A step timeout of 10 minutes also keeps the service's sweeper, which would resend and so refresh the record, idle.
        await using var service = await ObservedService.StartAsync(fixture.Servers, new Dictionary<string, string?> { ["Settlement:StepTimeout"] = "00:10:00" });
        var rows = new SettlementRows(service.ConnectionString);
        Assert.Equal(0, ObservedService.SampleOf(await service.Http.GetStringAsync("/metrics"), "settlement_stuck_sagas"));

        await rows.InsertAsync((Waiting("BuyerDebited"), DateTimeOffset.UtcNow.AddMinutes(-1)), (Waiting("Suspended"), DateTimeOffset.UtcNow.AddDays(-1)));
        Assert.Equal(0, ObservedService.SampleOf(await service.Http.GetStringAsync("/metrics"), "settlement_stuck_sagas"));
        await rows.InsertAsync((Waiting("Compensating"), DateTimeOffset.UtcNow.AddDays(-1)));
        var text = await service.ScrapeUntilAsync("settlement_stuck_sagas", value => value == 1);

        Assert.Equal(1, ObservedService.SampleOf(text, "settlement_sagas{state=\"BuyerDebited\"}"));
        Assert.Equal(1, ObservedService.SampleOf(text, "settlement_sagas{state=\"Suspended\"}"));
        Assert.Equal(1, ObservedService.SampleOf(text, "settlement_sagas{state=\"Compensating\"}"));
    }

    /// <summary>A record in <paramref name="state"/>, as the saga leaves it while it waits.</summary>
    static SettlementState Waiting(string state) => new()
    {
        CorrelationId = Guid.NewGuid(),
        CurrentState = state,
        Symbol = "STUCK/TEST",
        BaseCurrency = "STUCK",
        QuoteCurrency = "TEST",
        ExecutedAt = DateTimeOffset.UtcNow,
    };
}
