using Settlement.IntegrationTests.Wallet;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Settlement;

/// <summary>
/// What keeps one running copy of the service apart from every other on the shared servers: a RabbitMQ virtual host and a
/// fee wallet of its own, and the <see cref="Configuration"/> that points the service at them and at the fixture's
/// PostgreSQL. Retries are fast (20 ms, 40 ms, 80 ms) so failure paths finish quickly. Disposing deletes the virtual host.
/// </summary>
sealed class ServiceSandbox : IAsyncDisposable
{
    readonly RabbitMqManagement _management;

    ServiceSandbox(RabbitMqManagement management, string virtualHost, IReadOnlyDictionary<string, string?> configuration, Guid feeWallet)
    {
        _management = management;
        VirtualHost = virtualHost;
        Configuration = configuration;
        FeeWallet = feeWallet;
    }

    public string VirtualHost { get; }
    public Guid FeeWallet { get; }

    /// <summary>The service's settings, by configuration key.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; }

    public static async Task<ServiceSandbox> CreateAsync(TestServers servers)
    {
        var management = new RabbitMqManagement(servers.RabbitMqManagementUri);
        var virtualHost = $"settlement-test-{Guid.NewGuid():N}";
        await management.CreateVirtualHostAsync(virtualHost);
        var feeWallet = Guid.NewGuid();

        return new ServiceSandbox(management, virtualHost, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Settlement"] = servers.PostgresConnectionString,
            ["RabbitMq:Uri"] = new Uri(servers.RabbitMqUri, virtualHost).ToString(),
            ["Settlement:FeeWalletUserId"] = feeWallet.ToString(),
            ["Settlement:InitialRetryInterval"] = "00:00:00.020",
            ["Settlement:ConcurrentMessageLimit"] = "16",
            ["Wallet:InitialRetryInterval"] = "00:00:00.020",
        }, feeWallet);
    }

    public async ValueTask DisposeAsync()
    {
        await _management.DeleteVirtualHostAsync(VirtualHost);
        _management.Dispose();
    }
}
