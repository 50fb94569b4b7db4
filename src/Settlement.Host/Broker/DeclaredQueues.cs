using System.Collections.Concurrent;
using MassTransit;
using MassTransit.RabbitMqTransport.Configuration;
using Settlement.Operations;

namespace Settlement.Host.Broker;

/// <summary>A durable queue the service declares, with the arguments MassTransit declares it with.</summary>
public sealed record DeclaredQueue(string Name, IReadOnlyDictionary<string, object> Arguments);

/// <summary>
/// The durable queues of this process's receive endpoints, each with its <c>_error</c> and <c>_skipped</c> queue (MassTransit
/// declares those with the endpoint's queue arguments), filled while the bus is configured.
/// </summary>
public sealed class DeclaredQueues
{
    readonly ConcurrentDictionary<string, DeclaredQueue> _queues = new(StringComparer.Ordinal);

    public IReadOnlyCollection<DeclaredQueue> All => [.. _queues.Values.OrderBy(q => q.Name, StringComparer.Ordinal)];

    internal void Add(string endpointQueue, IReadOnlyDictionary<string, object> arguments)
    {
        foreach (var name in (string[])[endpointQueue, $"{endpointQueue}_error", $"{endpointQueue}_skipped"])
            _queues[name] = new DeclaredQueue(name, arguments);
    }
}

/// <summary>
/// Applies <see cref="RabbitMqOptions.QueueType"/> to every durable receive endpoint as MassTransit configures it (the
/// endpoints from <c>ConfigureEndpoints</c> and those configured by hand alike), and records it in <see cref="DeclaredQueues"/>.
/// The bus's own temporary queue (auto-delete, expiring) stays classic: a quorum queue can be neither.
/// </summary>
sealed class QueueTypeObserver(RabbitMqOptions options, DeclaredQueues declared) : IEndpointConfigurationObserver
{
    public void EndpointConfigured<T>(T configurator)
        where T : IReceiveEndpointConfigurator
    {
        if (configurator is not IRabbitMqReceiveEndpointConfigurator rabbit || configurator is not IRabbitMqReceiveEndpointConfiguration configuration)
            return;

        var settings = configuration.Settings;
        if (!settings.Durable || settings.AutoDelete || settings.Exclusive || settings.QueueExpiration is not null)
            return;

        if (options.IsQuorum)
            rabbit.SetQuorumQueue();
        declared.Add(settings.QueueName, new Dictionary<string, object>(settings.QueueArguments, StringComparer.Ordinal));
    }
}
