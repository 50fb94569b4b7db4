using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Serilog;

namespace Settlement.Simulator.Publishing;

/// <summary>
/// A MassTransit bus on RabbitMQ for the simulator: publisher confirms and durable exchanges (MassTransit's defaults), no
/// receive endpoints of its own (request clients get a temporary response queue), usage telemetry off, and the same
/// enum-as-name JSON the service uses.
/// </summary>
public sealed class SimulatorBus : IAsyncDisposable
{
    readonly ServiceProvider _provider;

    SimulatorBus(ServiceProvider provider, IBusControl bus)
    {
        _provider = provider;
        Bus = bus;
    }

    public IBusControl Bus { get; }

    public static async Task<SimulatorBus> StartAsync(Uri rabbit, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSerilog(Log.Logger));
        services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.UsingRabbitMq((_, cfg) =>
            {
                cfg.Host(rabbit);
                cfg.ConfigureJsonSerializerOptions(json =>
                {
                    if (!json.Converters.OfType<JsonStringEnumConverter>().Any())
                        json.Converters.Add(new JsonStringEnumConverter());
                    return json;
                });
            });
        });

        var provider = services.BuildServiceProvider(validateScopes: true);
        var bus = provider.GetRequiredService<IBusControl>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await bus.StartAsync(timeout.Token);
        return new SimulatorBus(provider, bus);
    }

    public async ValueTask DisposeAsync()
    {
        await Bus.StopAsync(CancellationToken.None);
        await _provider.DisposeAsync();
    }
}
