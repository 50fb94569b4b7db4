using System.Diagnostics;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Settlement.Contracts;
using Settlement.Host.Api;
using Settlement.Host.DeadLetters;
using Settlement.IntegrationTests.Wallet;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;
using Settlement.Orchestration.Sweeper;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.DeadLetters;

/// <summary>
/// The service as <c>Program.cs</c> composes it, HTTP API included (WebApplicationFactory), on the fixture's servers in a
/// RabbitMQ virtual host and a database of its own, so its <c>*_error</c> queues hold this test's messages only and its
/// stuck-saga sweeper sees this test's trades only. Retries are fast
/// (20 ms, 40 ms, 80 ms) and the wallet waits <see cref="LockTimeout"/> for a locked account.
/// </summary>
sealed class ServiceWithApi : IAsyncDisposable
{
    public const string ApiKey = "dead-letter-tests-api-key";
    static readonly TimeSpan LockTimeout = TimeSpan.FromMilliseconds(100);

    readonly WebApplicationFactory<Program> _factory;

    ServiceWithApi(WebApplicationFactory<Program> factory, RabbitMqManagement management, string virtualHost, Guid feeWallet, string connectionString)
    {
        _factory = factory;
        Management = management;
        VirtualHost = virtualHost;
        FeeWallet = feeWallet;
        ConnectionString = connectionString;
        Api = CreateClient(ApiKey);
    }

    public RabbitMqManagement Management { get; }
    public string VirtualHost { get; }
    public Guid FeeWallet { get; }
    public string ConnectionString { get; }

    /// <summary>An HTTP client of the API that sends the right key.</summary>
    public HttpClient Api { get; }

    /// <summary>The service's own AMQP address, in its virtual host.</summary>
    public Uri RabbitMqUri { get; private init; } = null!;

    IServiceProvider Services => _factory.Services;

    public static async Task<ServiceWithApi> StartAsync(TestServers servers)
    {
        var management = new RabbitMqManagement(servers.RabbitMqManagementUri);
        var virtualHost = $"dead-letter-test-{Guid.NewGuid():N}";
        await management.CreateVirtualHostAsync(virtualHost);
        var feeWallet = Guid.NewGuid();
        var rabbitMqUri = new Uri(servers.RabbitMqUri, virtualHost);
        var connectionString = await servers.CreateDatabaseAsync();

        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Settlement"] = connectionString,
            ["RabbitMq:Uri"] = rabbitMqUri.ToString(),
            ["RabbitMq:ManagementUri"] = servers.RabbitMqManagementUri.ToString(),
            ["Api:Key"] = ApiKey,
            ["Settlement:FeeWalletUserId"] = feeWallet.ToString(),
            ["Settlement:InitialRetryInterval"] = "00:00:00.020",
            ["Wallet:InitialRetryInterval"] = "00:00:00.020",
            ["Wallet:LockTimeout"] = LockTimeout.ToString(),
        };
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
                web.UseSetting(key, value);
        });

        // The first client starts the host, and with it the bus.
        return new ServiceWithApi(factory, management, virtualHost, feeWallet, connectionString) { RabbitMqUri = rabbitMqUri };
    }

    /// <summary>An HTTP client of the API that sends <paramref name="apiKey"/> (none when null).</summary>
    public HttpClient CreateClient(string? apiKey)
    {
        var client = _factory.CreateClient();
        if (apiKey is not null)
            client.DefaultRequestHeaders.Add(ApiKeyFilter.HeaderName, apiKey);
        return client;
    }

    public Task PublishAsync(TradeExecuted trade) => Services.GetRequiredService<IBus>().Publish(trade);

    public Task DepositAsync(Guid userId, string currency, decimal amount) => Services.GetRequiredService<WalletLedger>()
        .DepositAsync(new DepositFunds { OperationId = Guid.NewGuid(), UserId = userId, Currency = currency, Amount = amount });

    public async Task<decimal> BalanceAsync(Guid userId, string currency) =>
        (await Services.GetRequiredService<WalletLedger>().GetBalanceAsync(userId, currency))?.Available ?? 0m;

    public Task<IReadOnlyList<LedgerEntry>> EntriesOfTradeAsync(Guid tradeId) =>
        Services.GetRequiredService<WalletLedger>().GetEntriesOfTradeAsync(tradeId);

    /// <summary>Waits until the trade's record is in <paramref name="state"/>, and returns it.</summary>
    public async Task<SettlementState> WaitForStateAsync(Guid tradeId, string state)
    {
        var records = Services.GetRequiredService<SettlementRecords>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var record = await records.FindAsync(tradeId);
            if (record?.CurrentState == state)
                return record;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"Trade {tradeId} did not reach {state}; it is {record?.CurrentState ?? "not recorded"}.");
            await Task.Delay(50);
        }
    }

    /// <summary>GET <c>/api/dead-letters</c>, asserting success.</summary>
    public async Task<DeadLetterListing> ListAsync(string? queue = null)
    {
        var listing = await Api.GetFromJsonAsync<DeadLetterListing>(queue is null ? "/api/dead-letters" : $"/api/dead-letters?queue={queue}");
        return listing!;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _factory.DisposeAsync();
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await Management.DeleteVirtualHostAsync(VirtualHost);
        Management.Dispose();
    }
}
