using System.Net.Http.Headers;
using System.Text;
using MassTransit;

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
    const int DefaultAmqpPort = 5672;

    /// <summary>An Npgsql connection string to a database with the service's schema.</summary>
    public string PostgresConnectionString { get; private set; } = string.Empty;

    /// <summary><c>amqp://user:password@127.0.0.1:port/</c>.</summary>
    public Uri RabbitMqUri { get; private set; } = null!;

    /// <summary><c>http://user:password@127.0.0.1:port/</c>, the management UI and HTTP API (shovel plugins enabled).</summary>
    public Uri RabbitMqManagementUri { get; private set; } = null!;

    /// <summary>The host name of <see cref="RabbitMqUri"/>.</summary>
    public string RabbitMqHost => RabbitMqUri.Host;

    /// <summary>The AMQP port of <see cref="RabbitMqUri"/> (5672 when the URI names none).</summary>
    public ushort RabbitMqPort => (ushort)(RabbitMqUri.Port > 0 ? RabbitMqUri.Port : DefaultAmqpPort);

    /// <summary>The virtual host of <see cref="RabbitMqUri"/>: <c>/</c> when its path is empty.</summary>
    public string RabbitMqVirtualHost
    {
        get
        {
            var path = Uri.UnescapeDataString(RabbitMqUri.AbsolutePath.TrimStart('/'));
            return path.Length == 0 ? "/" : path;
        }
    }

    /// <summary>The user name of <see cref="RabbitMqUri"/> (guest when it names none).</summary>
    public string RabbitMqUsername => Credentials(RabbitMqUri).User;

    /// <summary>The password of <see cref="RabbitMqUri"/> (guest when it names none).</summary>
    public string RabbitMqPassword => Credentials(RabbitMqUri).Password;

    /// <summary>Points a MassTransit bus at this RabbitMQ: call it first in <c>UsingRabbitMq((context, cfg) => ...)</c>.</summary>
    public void ConfigureRabbitMqHost(IRabbitMqBusFactoryConfigurator configurator)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.Host(RabbitMqHost, RabbitMqPort, RabbitMqVirtualHost, host =>
        {
            host.Username(RabbitMqUsername);
            host.Password(RabbitMqPassword);
        });
    }

    /// <summary>An <see cref="HttpClient"/> for the management HTTP API, signed in with the URI's credentials; dispose it.</summary>
    public HttpClient CreateManagementClient()
    {
        var (user, password) = Credentials(RabbitMqManagementUri);
        var client = new HttpClient { BaseAddress = new UriBuilder(RabbitMqManagementUri) { UserName = "", Password = "" }.Uri };
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }

    static (string User, string Password) Credentials(Uri uri)
    {
        if (uri.UserInfo.Length == 0)
            return ("guest", "guest");

        var parts = uri.UserInfo.Split(':', 2);
        return (Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty);
    }
}
