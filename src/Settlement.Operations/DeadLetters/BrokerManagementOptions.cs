using Microsoft.Extensions.Options;

namespace Settlement.Operations.DeadLetters;

/// <summary>
/// RabbitMQ's management HTTP API, bound from <c>RabbitMq:ManagementUri</c> next to <c>RabbitMq:Uri</c>.
/// Unset, it is the broker of <c>RabbitMq:Uri</c> on the management port (15672, or https on 15671 for amqps) with the same
/// credentials. The virtual host is always the one of <c>RabbitMq:Uri</c>: the service's.
/// </summary>
public sealed class BrokerManagementOptions
{
    public const string SectionName = RabbitMqOptions.SectionName;

    /// <summary><c>http://user:password@host:15672/</c> (a path prefix, if the management UI has one, is kept).</summary>
    public Uri? ManagementUri { get; set; }

    /// <summary>The service's virtual host, from the path of <c>RabbitMq:Uri</c> (<c>/</c> when it has none). Derived, not bound.</summary>
    public string VirtualHost { get; internal set; } = "/";

    /// <summary>The management API of the broker at <paramref name="amqpUri"/>, with its credentials.</summary>
    public static Uri DefaultFor(Uri amqpUri)
    {
        var secure = amqpUri.Scheme == "amqps";
        var credentials = amqpUri.UserInfo.Length > 0 ? amqpUri.UserInfo + "@" : string.Empty; // still escaped, as it was written
        return new Uri($"{(secure ? Uri.UriSchemeHttps : Uri.UriSchemeHttp)}://{credentials}{amqpUri.Host}:{(secure ? 15671 : 15672)}/");
    }

    /// <summary>The virtual host an AMQP URI names, as RabbitMQ's client reads it: its path without the leading slash, or <c>/</c>.</summary>
    public static string VirtualHostOf(Uri amqpUri) =>
        amqpUri.AbsolutePath is "" or "/" ? "/" : Uri.UnescapeDataString(amqpUri.AbsolutePath[1..]);
}

/// <summary>Fills in what <see cref="BrokerManagementOptions"/> derives from <c>RabbitMq:Uri</c>.</summary>
sealed class BrokerManagementOptionsSetup(IOptions<RabbitMqOptions> rabbitMq) : IPostConfigureOptions<BrokerManagementOptions>
{
    public void PostConfigure(string? name, BrokerManagementOptions options)
    {
        options.ManagementUri ??= BrokerManagementOptions.DefaultFor(rabbitMq.Value.Uri);
        options.VirtualHost = BrokerManagementOptions.VirtualHostOf(rabbitMq.Value.Uri);
    }
}
