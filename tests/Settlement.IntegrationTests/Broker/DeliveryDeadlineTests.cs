using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Host.Broker;
using Settlement.Operations;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Broker;

/// <summary>
/// An endpoint whose handling of a delivery never ends (as when a send waits for the confirm of a channel lost with a broker
/// node) gives that delivery up at <c>RabbitMq:DeliveryTimeout</c>, gets it again, and goes on with the next message.
/// The bus is configured as the service's is, through <see cref="BrokerConnection.ConfigureBroker"/>, on the real broker.
/// </summary>
public sealed class DeliveryDeadlineTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Fact]
    public async Task A_delivery_whose_handling_never_ends_is_given_up_at_the_deadline_delivered_again_and_the_endpoint_goes_on()
    {
        var queue = $"delivery-deadline-{Guid.NewGuid():N}";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = fixture.Servers.RabbitMqUri.ToString(),
            ["RabbitMq:DeliveryTimeout"] = "00:00:02",
        }).Build();
        var handled = new HandledDeliveries();
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddRabbitMqOptions(configuration)
            .AddSingleton<DeclaredQueues>()
            .AddSingleton(handled)
            .AddMassTransit(bus =>
            {
                bus.DisableUsageTelemetry();
                bus.AddConsumer<StallingConsumer>();
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.ConfigureBroker(context);
                    cfg.ReceiveEndpoint(queue, endpoint =>
                    {
                        endpoint.Durable = false;
                        endpoint.AutoDelete = true;
                        // One message at a time: while the first one is in hand, nothing else is delivered.
                        endpoint.PrefetchCount = 1;
                        endpoint.ConcurrentMessageLimit = 1;
                        endpoint.ConfigureConsumer<StallingConsumer>(context);
                    });
                });
            })
            .BuildServiceProvider(true);
        var busControl = provider.GetRequiredService<IBusControl>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await busControl.StartAsync(timeout.Token);
        try
        {
            var endpoint = await busControl.GetSendEndpoint(new Uri($"queue:{queue}?durable=false&autodelete=true"));
            await endpoint.Send(new Stall { Name = "first", HangOnFirstDelivery = true }, timeout.Token);
            await endpoint.Send(new Stall { Name = "second" }, timeout.Token);

            var first = await Task.WhenAny(handled.SecondHandled.Task, Task.Delay(TimeSpan.FromSeconds(60), timeout.Token));
            Assert.True(first == handled.SecondHandled.Task, $"The second message was never handled; deliveries: {string.Join(", ", handled.InOrder)}.");

            Assert.Equal([("first", false), ("first", true), ("second", false)], handled.InOrder);
        }
        finally
        {
            // Bounded: without the deadline the first delivery is still in hand, and the bus would wait for it for ever.
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await busControl.StopAsync(stop.Token);
        }
    }
}

public record Stall
{
    public string Name { get; init; } = string.Empty;
    public bool HangOnFirstDelivery { get; init; }
}

public sealed class HandledDeliveries
{
    readonly ConcurrentQueue<(string Name, bool Redelivered)> _deliveries = new();

    public TaskCompletionSource SecondHandled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<(string Name, bool Redelivered)> InOrder => [.. _deliveries];

    public void Add(string name, bool redelivered)
    {
        _deliveries.Enqueue((name, redelivered));
        if (name == "second")
            SecondHandled.TrySetResult();
    }
}

public sealed class StallingConsumer(HandledDeliveries handled) : IConsumer<Stall>
{
    public async Task Consume(ConsumeContext<Stall> context)
    {
        handled.Add(context.Message.Name, context.ReceiveContext.Redelivered);
        // Never completes, whatever the tokens say: as a send still waiting for the confirm of a lost channel.
        if (context.Message.HangOnFirstDelivery && !context.ReceiveContext.Redelivered)
            await new TaskCompletionSource().Task;
    }
}
