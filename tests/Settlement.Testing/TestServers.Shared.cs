using Microsoft.Extensions.Logging.Abstractions;
using Settlement.Host.Database;

namespace Settlement.Testing;

public sealed partial class TestServers
{
    static readonly Lazy<Task<TestServers>> Shared = new(StartSharedAsync);

    /// <summary>The servers of this test process, started on first use.</summary>
    public static Task<TestServers> SharedAsync() => Shared.Value;

    static async Task<TestServers> StartSharedAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("SETTLEMENT_TEST_POSTGRES");
        var rabbit = Environment.GetEnvironmentVariable("SETTLEMENT_TEST_RABBITMQ");
        var management = Environment.GetEnvironmentVariable("SETTLEMENT_TEST_RABBITMQ_MANAGEMENT");
        string?[] given = [postgres, rabbit, management];

        if (given.All(string.IsNullOrEmpty))
        {
            var local = await StartLocalAsync("shared", CancellationToken.None);
            local._isShared = true;
            return local;
        }

        if (given.Any(string.IsNullOrEmpty))
        {
            throw new InvalidOperationException(
                "Set all of SETTLEMENT_TEST_POSTGRES, SETTLEMENT_TEST_RABBITMQ and SETTLEMENT_TEST_RABBITMQ_MANAGEMENT to test " +
                "against servers that already run, or none of them to have the tests start private servers.");
        }

        var servers = new TestServers
        {
            PostgresConnectionString = postgres!,
            RabbitMqUri = new Uri(rabbit!),
            RabbitMqManagementUri = new Uri(management!),
        };
        await SchemaMigrator.ApplyAsync(servers.PostgresConnectionString, NullLogger.Instance);
        return servers;
    }
}
