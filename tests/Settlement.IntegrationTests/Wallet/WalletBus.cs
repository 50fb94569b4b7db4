using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Contracts;
using Settlement.Testing;
using Settlement.Wallet;

namespace Settlement.IntegrationTests.Wallet;

/// <summary>
/// A MassTransit bus on the fixture's RabbitMQ with the wallet's real registration (<c>AddWallet</c> and
/// <c>AddWalletConsumers</c>), in a virtual host of its own so that its <c>wallet</c> and <c>wallet_error</c> queues are
/// shared with no other test or process. Request clients for every wallet command.
/// </summary>
sealed class WalletBus : IAsyncDisposable
{
    readonly ServiceProvider _provider;
    readonly RabbitMqManagement _management;

    WalletBus(ServiceProvider provider, RabbitMqManagement management, string virtualHost)
    {
        _provider = provider;
        _management = management;
        VirtualHost = virtualHost;
    }

    public string VirtualHost { get; }

    public static async Task<WalletBus> StartAsync(TestServers servers, Action<WalletOptions>? configure = null)
    {
        var management = new RabbitMqManagement(servers.RabbitMqManagementUri);
        var virtualHost = $"wallet-test-{Guid.NewGuid():N}";
        await management.CreateVirtualHostAsync(virtualHost);

        var provider = new ServiceCollection()
            .AddLogging()
            .AddWallet(options =>
            {
                options.ConnectionString = servers.PostgresConnectionString;
                configure?.Invoke(options);
            })
            .AddMassTransit(bus =>
            {
                bus.DisableUsageTelemetry();
                bus.AddWalletConsumers();
                bus.AddRequestClient<DepositFunds>(WalletEndpoint.Address);
                bus.AddRequestClient<DebitBalance>(WalletEndpoint.Address);
                bus.AddRequestClient<CreditBalance>(WalletEndpoint.Address);
                bus.AddRequestClient<ReverseOperation>(WalletEndpoint.Address);
                bus.AddRequestClient<GetBalance>(WalletEndpoint.Address);
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    rabbit.Host(new Uri(servers.RabbitMqUri, virtualHost));
                    rabbit.ConfigureEndpoints(context);
                });
            })
            .BuildServiceProvider(validateScopes: true);

        await provider.GetRequiredService<IBusControl>().StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        return new WalletBus(provider, management, virtualHost);
    }

    public IServiceProvider Services => _provider;

    /// <summary>Sends <paramref name="command"/> to the <c>wallet</c> endpoint and waits for either answer.</summary>
    public async Task<Response<TApplied, WalletOperationRejected>> RequestAsync<TCommand, TApplied>(TCommand command)
        where TCommand : class
        where TApplied : class
    {
        await using var scope = _provider.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<TCommand>>();
        return await client.GetResponse<TApplied, WalletOperationRejected>(command, timeout: RequestTimeout.After(s: 30));
    }

    public async Task<BalanceReported> GetBalanceAsync(Guid userId, string currency)
    {
        await using var scope = _provider.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<IRequestClient<GetBalance>>();
        return (await client.GetResponse<BalanceReported>(new GetBalance { UserId = userId, Currency = currency })).Message;
    }

    /// <summary>The messages in <c>wallet_error</c>, left in place.</summary>
    public Task<IReadOnlyList<QueuedMessage>> ErrorQueueAsync() => _management.PeekAsync(VirtualHost, $"{WalletEndpoint.Name}_error");

    public async ValueTask DisposeAsync()
    {
        await _provider.GetRequiredService<IBusControl>().StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        await _provider.DisposeAsync();
        await _management.DeleteVirtualHostAsync(VirtualHost);
        _management.Dispose();
    }
}
