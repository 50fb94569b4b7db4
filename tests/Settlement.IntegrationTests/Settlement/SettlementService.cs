using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Settlement.Contracts;
using Settlement.Host.Composition;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Settlement;

/// <summary>
/// The whole service as production composes it (<see cref="SettlementServices.AddSettlementService"/>), on the fixture's
/// RabbitMQ and PostgreSQL, in a <see cref="ServiceSandbox"/> (virtual host, database, fee wallet) of its own.
/// </summary>
sealed class SettlementService : IAsyncDisposable
{
    readonly IHost _host;
    readonly ServiceSandbox _sandbox;

    SettlementService(IHost host, ServiceSandbox sandbox)
    {
        _host = host;
        _sandbox = sandbox;
    }

    public string VirtualHost => _sandbox.VirtualHost;

    /// <summary>The service's broker address, its virtual host included.</summary>
    public Uri RabbitMqUri => new(_sandbox.Configuration["RabbitMq:Uri"]!);
    public Guid FeeWallet => _sandbox.FeeWallet;
    public string ConnectionString => _sandbox.ConnectionString;
    public IServiceProvider Services => _host.Services;
    public WalletLedger Ledger => Services.GetRequiredService<WalletLedger>();
    public SettlementRecords Records => Services.GetRequiredService<SettlementRecords>();

    public static async Task<SettlementService> StartAsync(
        TestServers servers, Func<SettlementService, Task>? beforeStart = null, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var sandbox = await ServiceSandbox.CreateAsync(servers);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(sandbox.Configuration);
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSettlementService(builder.Configuration);
        services?.Invoke(builder.Services);

        var service = new SettlementService(builder.Build(), sandbox);
        try
        {
            if (beforeStart is not null)
                await beforeStart(service);
            await service._host.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
            return service;
        }
        catch
        {
            // A service that did not start leaves nothing behind: its virtual host and pools go with it.
            service._host.Dispose();
            await sandbox.DisposeAsync();
            throw;
        }
    }

    public Task PublishAsync(TradeExecuted trade) => Services.GetRequiredService<IBus>().Publish(trade);

    public async Task SendAsync<T>(string queue, T message)
        where T : class
    {
        var endpoint = await Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{queue}"));
        await endpoint.Send(message);
    }

    public Task DepositAsync(Guid userId, string currency, decimal amount) => Ledger.DepositAsync(userId, currency, amount);

    public async Task<decimal> BalanceAsync(Guid userId, string currency) =>
        (await Ledger.GetBalanceAsync(userId, currency))?.Available ?? 0m;

    /// <summary>Waits until the trade's record reaches a state it stays in without new input, and returns it.</summary>
    public Task<SettlementState> WaitForOutcomeAsync(Guid tradeId, TimeSpan? timeout = null) =>
        Records.WaitForOutcomeAsync(tradeId, timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Sum of all balances in a currency and the lowest one: what conservation checks look at.</summary>
    public async Task<(decimal Sum, decimal Lowest)> BooksAsync(string currency)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(sum(available), 0), coalesce(min(available), 0) FROM wallet.accounts WHERE currency = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = currency });
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetDecimal(0), reader.GetDecimal(1));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        _host.Dispose();
        await _sandbox.DisposeAsync();
    }
}
