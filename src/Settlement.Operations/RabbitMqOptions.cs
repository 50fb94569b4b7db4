using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Settlement.Operations;

/// <summary>The broker, bound from the configuration section <c>RabbitMq</c>.</summary>
public sealed class RabbitMqOptions
{
    public const string SectionName = "RabbitMq";
    public const string Classic = "classic";
    public const string Quorum = "quorum";

    /// <summary><c>amqp://user:password@host:port/vhost</c>: credentials and virtual host, and the node when <see cref="ClusterNodes"/> is empty.</summary>
    public Uri Uri { get; set; } = new("amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>
    /// <c>classic</c> (the default) or <c>quorum</c>: the type of every durable queue the service declares (its receive
    /// endpoints and their <c>_error</c> and <c>_skipped</c> queues). Quorum queues are replicated over a cluster's nodes.
    /// </summary>
    public string QueueType { get; set; } = Classic;

    /// <summary>
    /// The broker cluster's nodes, <c>host</c> or <c>host:port</c> (the port of <see cref="Uri"/> when omitted). When set, the
    /// connection goes to them in turn, and after a node is lost to the next one, instead of to the host of <see cref="Uri"/>.
    /// </summary>
    public string[] ClusterNodes { get; set; } = [];

    /// <summary>
    /// The longest a receive endpoint holds one delivery, retries included. A delivery still in hand then is given up and
    /// returned to its queue, and the endpoint goes on. RabbitMQ's client 7.2.2 can leave a send waiting for ever for the
    /// confirm of a channel lost with a broker node; without this bound such sends hold their deliveries, and with them the
    /// endpoint, for good. The host refuses a value shorter than a minute past the longest retry schedule.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The longest an HTTP request waits for the broker to take a message it sends (<c>POST /api/trades</c>, an abort): then
    /// it is answered 503, instead of waiting for a broker that is down or a send that never ends (see
    /// <see cref="DeliveryTimeout"/>). Sending the same trade or abort again is safe: each is acted on once.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public bool IsQuorum => string.Equals(QueueType, Quorum, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Where a connection of RabbitMQ's client made by <paramref name="factory"/> (built from <see cref="Uri"/>) may go: the
    /// nodes of <see cref="ClusterNodes"/> in their order, or the host of <see cref="Uri"/> alone. The client tries them in
    /// turn, so one lost node does not stop the connection.
    /// </summary>
    public IList<AmqpTcpEndpoint> Endpoints(ConnectionFactory factory)
    {
        if (ClusterNodes.Length == 0)
            return [factory.Endpoint];

        return [.. ClusterNodes.Select(NodeAddress.Parse).Select(node => new AmqpTcpEndpoint(node.Host, node.Port ?? factory.Port, factory.Ssl))];
    }
}

public static class RabbitMqOptionsRegistration
{
    /// <summary>
    /// Binds <see cref="RabbitMqOptions"/> to the section <c>RabbitMq</c> and validates it at start, once however often it
    /// is called: a second binding would append <c>ClusterNodes</c> to itself.
    /// </summary>
    public static IServiceCollection AddRabbitMqOptions(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ImplementationType == typeof(RabbitMqOptionsValidator)))
            return services;

        services.AddOptions<RabbitMqOptions>().Bind(configuration.GetSection(RabbitMqOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RabbitMqOptions>, RabbitMqOptionsValidator>();
        return services;
    }
}

public sealed class RabbitMqOptionsValidator : IValidateOptions<RabbitMqOptions>
{
    public ValidateOptionsResult Validate(string? name, RabbitMqOptions options)
    {
        List<string> problems = [];
        if (options.Uri is not { IsAbsoluteUri: true, Scheme: "amqp" or "amqps" })
            problems.Add($"{RabbitMqOptions.SectionName}:Uri must be an amqp:// or amqps:// URI.");
        if (!string.Equals(options.QueueType, RabbitMqOptions.Classic, StringComparison.OrdinalIgnoreCase) && !options.IsQuorum)
            problems.Add($"{RabbitMqOptions.SectionName}:QueueType is '{options.QueueType}': use classic or quorum.");
        if (options.DeliveryTimeout < TimeSpan.FromSeconds(1) || options.DeliveryTimeout > TimeSpan.FromDays(1))
            problems.Add($"{RabbitMqOptions.SectionName}:DeliveryTimeout is {options.DeliveryTimeout}: use 00:00:01 to 1.00:00:00.");
        if (options.PublishTimeout < TimeSpan.FromSeconds(1) || options.PublishTimeout > TimeSpan.FromMinutes(10))
            problems.Add($"{RabbitMqOptions.SectionName}:PublishTimeout is {options.PublishTimeout}: use 00:00:01 to 00:10:00.");
        foreach (var node in options.ClusterNodes)
        {
            if (!NodeAddress.IsValid(node))
                problems.Add($"{RabbitMqOptions.SectionName}:ClusterNodes has '{node}': use host or host:port (port 1-65535).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
