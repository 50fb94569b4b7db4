using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Contracts;

namespace Settlement.EndToEndTests.Stack;

/// <summary>The matching engine's side of the broker: a MassTransit bus that publishes <see cref="TradeExecuted"/> and consumes nothing.</summary>
public sealed class MatchingEngine : IAsyncDisposable
{
    static readonly TimeSpan BusTimeout = TimeSpan.FromSeconds(30);
    readonly ServiceProvider _provider;

    MatchingEngine(ServiceProvider provider) => _provider = provider;

    public static async Task<MatchingEngine> ConnectAsync(Uri broker)
    {
        var provider = new ServiceCollection()
            .AddLogging()
            .AddMassTransit(x =>
            {
                x.DisableUsageTelemetry();
                x.UsingRabbitMq((_, cfg) => cfg.Host(broker));
            })
            .BuildServiceProvider(validateScopes: true);
        using var timeout = new CancellationTokenSource(BusTimeout);
        await provider.GetRequiredService<IBusControl>().StartAsync(timeout.Token);
        return new MatchingEngine(provider);
    }

    public Task PublishAsync(TradeExecuted trade) => _provider.GetRequiredService<IBus>().Publish(trade);

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(BusTimeout);
        await _provider.GetRequiredService<IBusControl>().StopAsync(timeout.Token);
        await _provider.DisposeAsync();
    }
}
