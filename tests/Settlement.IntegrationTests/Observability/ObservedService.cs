using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Settlement.Contracts;
using Settlement.IntegrationTests.Settlement;
using Settlement.Orchestration.Persistence;
using Settlement.Orchestration.Saga;
using Settlement.Testing;
using Settlement.Wallet.Ledger;

namespace Settlement.IntegrationTests.Observability;

/// <summary>
/// The web host as <c>Program</c> composes it (<see cref="WebApplicationFactory{Program}"/>) in a <see cref="ServiceSandbox"/>
/// of its own, with the RabbitMQ management API configured and the metrics cache off, so every scrape reads afresh.
/// </summary>
sealed class ObservedService : IAsyncDisposable
{
    readonly ServiceSandbox _sandbox;
    readonly WebApplicationFactory<Program> _factory;

    ObservedService(ServiceSandbox sandbox, WebApplicationFactory<Program> factory)
    {
        _sandbox = sandbox;
        _factory = factory;
        Http = factory.CreateClient();
    }

    public HttpClient Http { get; }
    public IServiceProvider Services => _factory.Services;

    /// <summary>The service's own database.</summary>
    public string ConnectionString => _sandbox.ConnectionString;

    /// <param name="settings">Configuration over the sandbox's and the defaults below.</param>
    /// <param name="services">Registrations over the service's own.</param>
    public static async Task<ObservedService> StartAsync(TestServers servers, IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var sandbox = await ServiceSandbox.CreateAsync(servers);
        var observability = new Dictionary<string, string?>
        {
            ["RabbitMq:ManagementUri"] = servers.RabbitMqManagementUri.ToString(),
            ["Api:Key"] = "observability-tests-api-key",
            ["Observability:CacheDuration"] = "00:00:00",
            // Serilog:MinimumLevel:Default would not do: the factory passes settings as arguments, their parent sections too, empty.
            ["Serilog:MinimumLevel"] = "Warning",
        };

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment(Environments.Production);
            foreach (var (key, value) in sandbox.Configuration.Concat(observability).Concat(settings ?? new Dictionary<string, string?>()))
                web.UseSetting(key, value);
            if (services is not null)
                web.ConfigureTestServices(services);
        });
        return new ObservedService(sandbox, factory);
    }

    /// <summary>Deposits what the trade needs, publishes it as the matching engine would, and waits until it settles.</summary>
    public async Task SettleAsync(TradeExecuted trade)
    {
        var ledger = Services.GetRequiredService<WalletLedger>();
        await ledger.DepositAsync(trade.BuyerUserId, trade.Symbol.Split('/')[1], 1_000_000m);
        await ledger.DepositAsync(trade.SellerUserId, trade.Symbol.Split('/')[0], 1_000m);
        await Services.GetRequiredService<IBus>().Publish(trade);

        var record = await Services.GetRequiredService<SettlementRecords>().WaitForStateAsync(trade.TradeId, TimeSpan.FromSeconds(60), "Settled");
        Assert.Equal("Settled", record.CurrentState);
    }

    /// <summary>Scrapes <c>/metrics</c> until <paramref name="series"/> has a value that <paramref name="expected"/> accepts.</summary>
    public async Task<string> ScrapeUntilAsync(string series, Func<double, bool> expected, TimeSpan? timeout = null)
    {
        var text = string.Empty;
        return await Poll.ForAsync(
            async () => SampleOf(text = await Http.GetStringAsync("/metrics"), series) is { } value && expected(value) ? text : null,
            timeout ?? TimeSpan.FromSeconds(30),
            () => $"/metrics never had an accepted {series} (last value: {SampleOf(text, series)?.ToString(CultureInfo.InvariantCulture) ?? "none"}):\n{text}",
            TimeSpan.FromMilliseconds(200));
    }

    /// <summary>
    /// The value of the sample whose name and labels are exactly <paramref name="series"/>, or null. A series without labels
    /// matches with or without the empty braces OpenTelemetry's exporter writes (<c>settlement_stuck_sagas{} 0</c>).
    /// </summary>
    public static double? SampleOf(string exposition, string series) =>
        exposition.Split('\n').Select(line => line.Replace("{} ", " ", StringComparison.Ordinal))
            .Where(line => line.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(line => (double?)double.Parse(line[(series.Length + 1)..].Split(' ')[0], CultureInfo.InvariantCulture))
            .SingleOrDefault();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
        await _sandbox.DisposeAsync();
    }
}
