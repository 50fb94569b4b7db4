using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Settlement.Contracts;
using Settlement.IntegrationTests.Settlement;
using Settlement.Orchestration.Persistence;
using Settlement.Testing;
using Settlement.Wallet;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Hosting;

/// <summary>
/// What stands outside the service processes: a publisher on the broker (the matching engine's side, consuming nothing),
/// and the wallet ledger and settlement records read straight from the database.
/// </summary>
sealed class Operator : IAsyncDisposable
{
    readonly ServiceProvider _provider;

    Operator(ServiceProvider provider, string connectionString)
    {
        _provider = provider;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }
    public WalletLedger Ledger => _provider.GetRequiredService<WalletLedger>();

    public static async Task<Operator> StartAsync(TestServers servers, string connectionString, string virtualHost)
    {
        var provider = new ServiceCollection()
            .AddLogging()
            .AddWallet(o => o.ConnectionString = connectionString)
            .AddSettlementDatabase(connectionString)
            .AddMassTransit(x =>
            {
                x.DisableUsageTelemetry();
                x.UsingRabbitMq((_, cfg) => cfg.Host(new Uri(servers.RabbitMqUri, virtualHost)));
            })
            .BuildServiceProvider(validateScopes: true);
        await provider.GetRequiredService<IBusControl>().StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        return new Operator(provider, connectionString);
    }

    public Task PublishAsync(TradeExecuted trade) => _provider.GetRequiredService<IBus>().Publish(trade);

    public Task DepositAsync(Guid userId, string currency, decimal amount) => Ledger.DepositAsync(userId, currency, amount);

    /// <summary>How many of <paramref name="tradeIds"/> are in <paramref name="state"/>.</summary>
    public async Task<int> CountInStateAsync(IReadOnlyCollection<Guid> tradeIds, string state)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM settlement.settlements WHERE trade_id = ANY($1) AND current_state = $2", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tradeIds.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = state });
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    /// <summary>Ledger entries per trade, for the trades given.</summary>
    public async Task<Dictionary<Guid, int>> EntriesPerTradeAsync(IReadOnlyCollection<Guid> tradeIds)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT trade_id, count(*) FROM wallet.ledger_entries WHERE trade_id = ANY($1) GROUP BY trade_id", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tradeIds.ToArray() });
        var counts = new Dictionary<Guid, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            counts[reader.GetGuid(0)] = Convert.ToInt32(reader.GetInt64(1));
        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.GetRequiredService<IBusControl>().StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        await _provider.DisposeAsync();
    }
}
