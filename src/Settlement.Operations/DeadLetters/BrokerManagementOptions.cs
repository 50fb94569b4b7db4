using Microsoft.Extensions.Options;

namespace Settlement.Operations.DeadLetters;

/// <summary>
/// RabbitMQ's management HTTP API, bound from <c>RabbitMq:ManagementUri</c> and <c>RabbitMq:ManagementNodes</c> next to
/// <c>RabbitMq:Uri</c>. Unset, it is the broker of <c>RabbitMq:Uri</c> on the management port (15672, or https on 15671 for
/// amqps) with the same credentials, and on a cluster (<c>RabbitMq:ClusterNodes</c>) every node's management port. The
/// virtual host is always the one of <c>RabbitMq:Uri</c>: the service's.
/// </summary>
public sealed class BrokerManagementOptions
{
    public const string SectionName = RabbitMqOptions.SectionName;

    /// <summary><c>http://user:password@host:15672/</c> (a path prefix, if the management UI has one, is kept).</summary>
    public Uri? ManagementUri { get; set; }

    /// <summary>
    /// The management listeners of a cluster's nodes, <c>host</c> or <c>host:port</c> (the port of <see cref="ManagementUri"/>
    /// when omitted), asked in turn when one does not answer; scheme, credentials and path prefix are those of
    /// <see cref="ManagementUri"/>. Empty: <see cref="ManagementUri"/> alone (one node, or a load balancer over them).
    /// </summary>
    public string[] ManagementNodes { get; set; } = [];

    /// <summary>The service's virtual host, from the path of <c>RabbitMq:Uri</c> (<c>/</c> when it has none). Derived, not bound.</summary>
    public string VirtualHost { get; internal set; } = "/";

    /// <summary>The management API of the broker at <paramref name="amqpUri"/>, with its credentials.</summary>
    public static Uri DefaultFor(Uri amqpUri)
    {
        var secure = amqpUri.Scheme == "amqps";
        var credentials = amqpUri.UserInfo.Length > 0 ? amqpUri.UserInfo + "@" : string.Empty; // still escaped, as it was written
        return new Uri($"{(secure ? Uri.UriSchemeHttps : Uri.UriSchemeHttp)}://{credentials}{amqpUri.Host}:{(secure ? 15671 : 15672)}/");
    }

    /// <summary>The management APIs to ask, in order: <see cref="ManagementUri"/> on each of <see cref="ManagementNodes"/>, or alone.</summary>
    public IReadOnlyList<Uri> ManagementUris()
    {
        if (ManagementNodes.Length == 0)
            return [ManagementUri!];

        return [.. ManagementNodes.Select(NodeAddress.Parse)
            .Select(node => new UriBuilder(ManagementUri!) { Host = node.Host, Port = node.Port ?? ManagementUri!.Port }.Uri)];
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
        if (options.ManagementUri is null)
        {
            options.ManagementUri = BrokerManagementOptions.DefaultFor(rabbitMq.Value.Uri);
            // A cluster's nodes each serve the management API: asked in turn, a lost node does not take it away.
            if (options.ManagementNodes.Length == 0)
                options.ManagementNodes = [.. rabbitMq.Value.ClusterNodes.Select(node => NodeAddress.Parse(node).Host)];
        }

        options.VirtualHost = BrokerManagementOptions.VirtualHostOf(rabbitMq.Value.Uri);
    }
}
