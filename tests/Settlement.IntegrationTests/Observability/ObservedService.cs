using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Settlement.Contracts;
using Settlement.IntegrationTests.Wallet;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Observability;

/// <summary>
/// The web host as <c>Program</c> composes it (<see cref="WebApplicationFactory{Program}"/>), on the fixture's servers, in a
/// RabbitMQ virtual host and a database of its own, with the management API configured and the metrics cache off.
/// </summary>
sealed class ObservedService : IAsyncDisposable
{
    readonly WebApplicationFactory<Program> _factory;
    readonly RabbitMqManagement _management;

    ObservedService(WebApplicationFactory<Program> factory, RabbitMqManagement management, string virtualHost, string connectionString)
    {
        _factory = factory;
        _management = management;
        VirtualHost = virtualHost;
        ConnectionString = connectionString;
        Http = factory.CreateClient();
    }

    public string VirtualHost { get; }

    /// <summary>The service's own database (its stuck-saga sweeper must not see other tests' records).</summary>
    public string ConnectionString { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _factory.Services;

    /// <param name="settings">Configuration over the defaults below.</param>
    /// <param name="services">Registrations over the service's own.</param>
    public static async Task<ObservedService> StartAsync(TestServers servers, IReadOnlyDictionary<string, string>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var management = new RabbitMqManagement(servers.RabbitMqManagementUri);
        var virtualHost = $"observability-test-{Guid.NewGuid():N}";
        await management.CreateVirtualHostAsync(virtualHost);
        var connectionString = await servers.CreateDatabaseAsync();

        var configuration = new Dictionary<string, string>
        {
            ["ConnectionStrings:Settlement"] = connectionString,
            ["RabbitMq:Uri"] = new Uri(servers.RabbitMqUri, virtualHost).ToString(),
            ["RabbitMq:ManagementUri"] = servers.RabbitMqManagementUri.ToString(),
            ["Api:Key"] = "observability-tests-api-key",
            ["Settlement:FeeWalletUserId"] = Guid.NewGuid().ToString(),
            ["Observability:CacheDuration"] = "00:00:00",
            // Serilog:MinimumLevel:Default would not do: the factory passes settings as arguments, their parent sections too, empty.
            ["Serilog:MinimumLevel"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            configuration[key] = value;

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            // As deployed. (In Development the host validates scopes, and StuckSettlementSweeper, a singleton, takes the
            // scoped ISendEndpointProvider: the host would not build.)
            web.UseEnvironment("Production");
            foreach (var (key, value) in configuration)
                web.UseSetting(key, value);
            if (services is not null)
                web.ConfigureTestServices(services);
        });
        return new ObservedService(factory, management, virtualHost, connectionString);
    }

    /// <summary>Deposits what the trade needs, publishes it as the matching engine would, and waits until it settles.</summary>
    public async Task SettleAsync(TradeExecuted trade)
    {
        var ledger = Services.GetRequiredService<WalletLedger>();
        await ledger.DepositAsync(new DepositFunds { OperationId = Guid.NewGuid(), UserId = trade.BuyerUserId, Currency = trade.Symbol.Split('/')[1], Amount = 1_000_000m });
        await ledger.DepositAsync(new DepositFunds { OperationId = Guid.NewGuid(), UserId = trade.SellerUserId, Currency = trade.Symbol.Split('/')[0], Amount = 1_000m });
        await Services.GetRequiredService<IBus>().Publish(trade);

        var records = Services.GetRequiredService<SettlementRecords>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        SettlementState? record;
        while ((record = await records.FindAsync(trade.TradeId))?.CurrentState != "Settled" && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal("Settled", record?.CurrentState);
    }

    /// <summary>Scrapes <c>/metrics</c> until <paramref name="series"/> has a value that <paramref name="expected"/> accepts.</summary>
    public async Task<string> ScrapeUntilAsync(string series, Func<double, bool> expected, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var text = await Http.GetStringAsync("/metrics");
            if (SampleOf(text, series) is { } value && expected(value))
                return text;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"/metrics never had an accepted {series} (last value: {SampleOf(text, series)?.ToString(CultureInfo.InvariantCulture) ?? "none"}):\n{text}");
            await Task.Delay(200);
        }
    }

    /// <summary>The value of the sample whose name and labels are exactly <paramref name="series"/>, or null.</summary>
    public static double? SampleOf(string exposition, string series) =>
        exposition.Split('\n').Where(line => line.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(line => (double?)double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture))
            .SingleOrDefault();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
        await _management.DeleteVirtualHostAsync(VirtualHost);
        _management.Dispose();
    }
}
