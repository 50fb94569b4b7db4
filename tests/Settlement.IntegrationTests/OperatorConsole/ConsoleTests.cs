using Settlement.IntegrationTests.DeadLetters;
using Settlement.IntegrationTests.Settlement;
using Settlement.Testing;

namespace Settlement.IntegrationTests.OperatorConsole;

/// <summary>
/// What every console test starts from: the service listening on a loopback port (in a sandbox of its own, on the shared
/// servers), a market, and a buyer and a seller with money to trade (60,000 quote; 2 base). One browser per test class.
/// </summary>
public abstract class ConsoleTests(ServersFixture servers, ConsoleBrowser browser)
    : IClassFixture<ServersFixture>, IClassFixture<ConsoleBrowser>, IAsyncLifetime
{
    protected ConsoleBrowser Browser { get; } = browser;
    private protected Market Market { get; } = new();
    protected Guid Buyer { get; } = Guid.NewGuid();
    protected Guid Seller { get; } = Guid.NewGuid();
    private protected ServiceWithApi Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Service = await ServiceWithApi.StartAsync(servers.Servers, listen: true);
        await Service.DepositAsync(Buyer, Market.Quote, 60_000m);
        await Service.DepositAsync(Seller, Market.Base, 2m);
    }

    public async Task DisposeAsync() => await Service.DisposeAsync();
}
