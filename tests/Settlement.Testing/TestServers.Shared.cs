using Microsoft.Extensions.Logging.Abstractions;
using Settlement.Host.Database;

namespace Settlement.Testing;

public sealed partial class TestServers
{
    static readonly Lazy<Task<TestServers>> Shared = new(StartAsync);

    /// <summary>The servers of this test process, started on first use.</summary>
    public static Task<TestServers> SharedAsync() => Shared.Value;

    static async Task<TestServers> StartAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("SETTLEMENT_TEST_POSTGRES");
        var rabbit = Environment.GetEnvironmentVariable("SETTLEMENT_TEST_RABBITMQ");
        var management = Environment.GetEnvironmentVariable("SETTLEMENT_TEST_RABBITMQ_MANAGEMENT");
        if (postgres is null || rabbit is null || management is null)
            throw new InvalidOperationException("Starting private servers is not written yet: set SETTLEMENT_TEST_POSTGRES, SETTLEMENT_TEST_RABBITMQ and SETTLEMENT_TEST_RABBITMQ_MANAGEMENT.");

        var servers = new TestServers
        {
            PostgresConnectionString = postgres,
            RabbitMqUri = new Uri(rabbit),
            RabbitMqManagementUri = new Uri(management),
        };
        await SchemaMigrator.ApplyAsync(servers.PostgresConnectionString, NullLogger.Instance);
        return servers;
    }
}
