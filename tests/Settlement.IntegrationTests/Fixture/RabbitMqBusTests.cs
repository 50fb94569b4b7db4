using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Fixture;

public sealed class RabbitMqBusTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task A_bus_over_the_shared_rabbitmq_delivers_a_request_to_its_consumer_and_the_response_back()
    {
        var queue = $"fixture-ping-{Guid.NewGuid():N}";
        await using var provider = new ServiceCollection()
            .AddMassTransit(bus =>
            {
                bus.DisableUsageTelemetry();
                bus.AddConsumer<PingConsumer>();
                // Declared alike by the consumer and the sender, and gone with the bus: nothing is left on the broker.
                bus.AddRequestClient<Ping>(new Uri($"queue:{queue}?durable=false&autodelete=true"));
                bus.UsingRabbitMq((context, cfg) =>
                {
                    fixture.Servers.ConfigureRabbitMqHost(cfg);
                    cfg.ReceiveEndpoint(queue, endpoint =>
                    {
                        endpoint.Durable = false;
                        endpoint.AutoDelete = true;
                        endpoint.ConfigureConsumer<PingConsumer>(context);
                    });
                });
            })
            .BuildServiceProvider(true);
        var busControl = provider.GetRequiredService<IBusControl>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await busControl.StartAsync(timeout.Token);
        try
        {
            await using var scope = provider.CreateAsyncScope();
            var client = scope.ServiceProvider.GetRequiredService<IRequestClient<Ping>>();
            var pingId = Guid.NewGuid();

            var response = await client.GetResponse<Pong>(new Ping { PingId = pingId }, timeout.Token, RequestTimeout.After(s: 30));

            Assert.Equal(pingId, response.Message.PingId);
            Assert.Equal(queue, response.Message.AnsweredBy);
        }
        finally
        {
            await busControl.StopAsync(CancellationToken.None);
        }
    }
}

public record Ping
{
    public Guid PingId { get; init; }
}

public record Pong
{
    public Guid PingId { get; init; }
    public string AnsweredBy { get; init; } = string.Empty;
}

public sealed class PingConsumer : IConsumer<Ping>
{
    public Task Consume(ConsumeContext<Ping> context) => context.RespondAsync(new Pong
    {
        PingId = context.Message.PingId,
        AnsweredBy = context.ReceiveContext.InputAddress.AbsolutePath.Trim('/'),
    });
}
