using Npgsql;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Settlement;

/// <summary>
/// What keeps one running copy of the service apart from every other on the shared servers: a RabbitMQ virtual host, a
/// database (with the schema) and a fee wallet of its own, and the <see cref="Configuration"/> that points the service at
/// them. A database of its own matters: the stuck-trade sweeper resends the commands of every waiting trade it sees.
/// Retries are fast (20 ms, 40 ms, 80 ms) so failure paths finish quickly. Disposing deletes the virtual host; call it
/// after the service has stopped.
/// </summary>
sealed class ServiceSandbox : IAsyncDisposable
{
    readonly RabbitMqManagement _management;

    ServiceSandbox(RabbitMqManagement management, string virtualHost, string connectionString, Guid feeWallet,
        IReadOnlyDictionary<string, string?> configuration)
    {
        _management = management;
        VirtualHost = virtualHost;
        ConnectionString = connectionString;
        FeeWallet = feeWallet;
        Configuration = configuration;
    }

    public string VirtualHost { get; }

    /// <summary>The database of this service (<c>ConnectionStrings:Settlement</c>).</summary>
    public string ConnectionString { get; }

    public Guid FeeWallet { get; }

    /// <summary>The service's settings, by configuration key.</summary>
    public IReadOnlyDictionary<string, string?> Configuration { get; }

    public static async Task<ServiceSandbox> CreateAsync(TestServers servers)
    {
        var management = new RabbitMqManagement(servers.RabbitMqManagementUri);
        var virtualHost = $"settlement-test-{Guid.NewGuid():N}";
        await management.CreateVirtualHostAsync(virtualHost);
        var feeWallet = Guid.NewGuid();
        var connectionString = await servers.CreateDatabaseAsync();

        return new ServiceSandbox(management, virtualHost, connectionString, feeWallet, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Settlement"] = connectionString,
            ["RabbitMq:Uri"] = new Uri(servers.RabbitMqUri, virtualHost).ToString(),
            ["Settlement:FeeWalletUserId"] = feeWallet.ToString(),
            ["Settlement:InitialRetryInterval"] = "00:00:00.020",
            ["Settlement:ConcurrentMessageLimit"] = "16",
            ["Wallet:InitialRetryInterval"] = "00:00:00.020",
        });
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        await _management.DeleteVirtualHostAsync(VirtualHost);
        _management.Dispose();
    }
}
