using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Settlement.Host.Api;
using Settlement.IntegrationTests.Settlement;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Api;

/// <summary>
/// The service as <c>Program</c> composes it, HTTP API included, in a <see cref="WebApplicationFactory{TEntryPoint}"/> on the
/// shared servers (<see cref="ServersFixture"/>), or on servers of its own (<see cref="PrivateServers"/>), in a
/// <see cref="ServiceSandbox"/> (virtual host, database, fee wallet) of its own.
/// One per test class: its tests run one after another, and use unique users and currencies.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    public const string ApiKey = "api-tests-key-0123456789abcdef";

    TestServers _servers = null!;
    ServiceSandbox _sandbox = null!;
    WebApplicationFactory<Program> _factory = null!;

    /// <summary>A client that sends the right key.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The service's database (<c>ConnectionStrings:Settlement</c>), one of its own.</summary>
    public string ConnectionString => _sandbox.ConnectionString;

    /// <summary>The exchange's fee wallet of this service (<c>Settlement:FeeWalletUserId</c>).</summary>
    public Guid FeeWallet => _sandbox.FeeWallet;

    /// <summary>The service's RabbitMQ virtual host, one of its own: its queues hold this fixture's messages only.</summary>
    public string VirtualHost => _sandbox.VirtualHost;

    /// <summary>The shared servers the service runs on.</summary>
    public TestServers Servers => _servers;

    /// <summary>True for servers of its own, which its tests may stop and start: the shared ones serve the tests running in parallel.</summary>
    protected virtual bool PrivateServers => false;

    /// <summary>The running service's own services (ledger, settlement records, bus).</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>Settings on top of the sandbox's, by configuration key.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    /// <summary>Services on top of the service's own, registered after <c>Program</c>'s (a test log sink, for example).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>A client that sends <paramref name="apiKey"/> in <see cref="ApiKeyFilter.HeaderName"/>, or no key when it is null.</summary>
    public HttpClient CreateClient(string? apiKey)
    {
        var client = _factory.CreateClient();
        if (apiKey is not null)
            client.DefaultRequestHeaders.Add(ApiKeyFilter.HeaderName, apiKey);
        return client;
    }

    public virtual async Task InitializeAsync()
    {
        _servers = PrivateServers ? await TestServers.StartPrivateAsync() : await TestServers.SharedAsync();
        _sandbox = await ServiceSandbox.CreateAsync(_servers);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            // As deployed: Development would answer errors differently (developer exception page, minimal APIs throwing on
            // bad requests), and the error answers are what these tests are about.
            host.UseEnvironment(Environments.Production);
            foreach (var (key, value) in _sandbox.Configuration.Concat(Settings).Append(new("Api:Key", ApiKey)))
                host.UseSetting(key, value);
            host.ConfigureTestServices(ConfigureServices);
        });
        Client = CreateClient(ApiKey);
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        await _sandbox.DisposeAsync();
        if (PrivateServers && _servers is not null)
            await _servers.DisposeAsync();
    }
}
