namespace Settlement.Testing;

/// <summary>
/// The PostgreSQL and RabbitMQ servers of a test run: private server processes started once per test process on free
/// loopback ports in a temporary folder, and removed when the process exits. Environment variables point it at servers
/// that already run instead:
/// <c>SETTLEMENT_TEST_POSTGRES</c> (an Npgsql connection string), <c>SETTLEMENT_TEST_RABBITMQ</c> (an amqp:// URI) and
/// <c>SETTLEMENT_TEST_RABBITMQ_MANAGEMENT</c> (the management UI's http:// URI).
/// The database has the service's schema applied.
/// </summary>
public sealed partial class TestServers
{
    /// <summary>An Npgsql connection string to a database with the service's schema.</summary>
    public string PostgresConnectionString { get; private set; } = string.Empty;

    /// <summary><c>amqp://user:password@127.0.0.1:port/</c>.</summary>
    public Uri RabbitMqUri { get; private set; } = null!;

    /// <summary><c>http://user:password@127.0.0.1:port/</c>, the management UI and HTTP API (shovel plugins enabled).</summary>
    public Uri RabbitMqManagementUri { get; private set; } = null!;
}
