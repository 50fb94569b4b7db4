using System.Net.Http.Json;
using MassTransit;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Settlement.Contracts;
using Settlement.Host.Api;
using Settlement.IntegrationTests.BadInput;
using Settlement.IntegrationTests.Hosting;
using Settlement.IntegrationTests.Settlement;
using Settlement.IntegrationTests.Wallet;
using Settlement.Operations.DeadLetters;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.DeadLetters;

/// <summary>
/// The service as <c>Program.cs</c> composes it, HTTP API included (WebApplicationFactory), in a <see cref="ServiceSandbox"/>
/// (virtual host, database, fee wallet) of its own, so its <c>*_error</c> queues hold this test's messages only and its
/// stuck-saga sweeper sees this test's trades only. Retries are fast
/// (20 ms, 40 ms, 80 ms) and the wallet waits <see cref="LockTimeout"/> for a locked account.
/// </summary>
sealed class ServiceWithApi : IAsyncDisposable
{
    public const string ApiKey = "dead-letter-tests-api-key";
    static readonly TimeSpan LockTimeout = TimeSpan.FromMilliseconds(100);

    readonly WebApplicationFactory<Program> _factory;
    readonly ServiceSandbox _sandbox;

    ServiceWithApi(WebApplicationFactory<Program> factory, ServiceSandbox sandbox, RabbitMqManagement management)
    {
        _factory = factory;
        _sandbox = sandbox;
        Management = management;
        Api = CreateClient(ApiKey);
    }

    public RabbitMqManagement Management { get; }

    /// <summary>What the service logged at Warning or above.</summary>
    public CapturedLogs Logs { get; private init; } = null!;

    /// <summary>Where the service listens, when it was started to listen; null otherwise.</summary>
    public Uri? BaseAddress { get; private init; }
    public string VirtualHost => _sandbox.VirtualHost;
    public Guid FeeWallet => _sandbox.FeeWallet;
    public string ConnectionString => _sandbox.ConnectionString;

    /// <summary>An HTTP client of the API that sends the right key.</summary>
    public HttpClient Api { get; }

    /// <summary>The service's own AMQP address, in its virtual host.</summary>
    public Uri RabbitMqUri => new(_sandbox.Configuration["RabbitMq:Uri"]!);

    IServiceProvider Services => _factory.Services;
    WalletLedger Ledger => Services.GetRequiredService<WalletLedger>();

    /// <summary>
    /// Starts the service in a sandbox of its own; <paramref name="extraSettings"/> come on top of the sandbox's. With
    /// <paramref name="listen"/> it also listens on a real port of the loopback (Kestrel, as deployed), at
    /// <see cref="BaseAddress"/>, for a browser; otherwise only its in-memory clients reach it.
    /// </summary>
    public static async Task<ServiceWithApi> StartAsync(TestServers servers, IReadOnlyDictionary<string, string?>? extraSettings = null,
        bool listen = false)
    {
        var sandbox = await ServiceSandbox.CreateAsync(servers);
        var settings = new Dictionary<string, string?>
        {
            ["RabbitMq:ManagementUri"] = servers.RabbitMqManagementUri.ToString(),
            ["Api:Key"] = ApiKey,
            ["Wallet:LockTimeout"] = LockTimeout.ToString(),
        };
        var logs = new CapturedLogs();
        // Listening as deployed: Kestrel on a loopback port of its own (the setting Urls, as appsettings.json sets it).
        var port = listen ? HostProcess.FreePort() : 0;
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in sandbox.Configuration.Concat(settings).Concat(extraSettings ?? new Dictionary<string, string?>()))
                web.UseSetting(key, value);
            if (listen)
                web.UseSetting("Urls", $"http://127.0.0.1:{port}");
            web.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(logs));
        });

        if (listen)
        {
            factory.UseKestrel();
            factory.StartServer();
            return new ServiceWithApi(factory, sandbox, new RabbitMqManagement(servers.RabbitMqManagementUri)) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Logs = logs };
        }

        // The first client starts the host, and with it the bus.
        return new ServiceWithApi(factory, sandbox, new RabbitMqManagement(servers.RabbitMqManagementUri)) { Logs = logs };
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

    public Task DepositAsync(Guid userId, string currency, decimal amount) => Ledger.DepositAsync(userId, currency, amount);

    public async Task<decimal> BalanceAsync(Guid userId, string currency) => (await Ledger.GetBalanceAsync(userId, currency))?.Available ?? 0m;

    public Task<IReadOnlyList<LedgerEntry>> EntriesOfTradeAsync(Guid tradeId) => Ledger.GetEntriesOfTradeAsync(tradeId);

    /// <summary>Waits until the trade's record is in <paramref name="state"/>, and returns it.</summary>
    public Task<SettlementState> WaitForStateAsync(Guid tradeId, string state) =>
        Services.GetRequiredService<SettlementRecords>().WaitForStateAsync(tradeId, TimeSpan.FromSeconds(30), state);

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
        await _sandbox.DisposeAsync();
        Management.Dispose();
    }
}
