using System.Globalization;

namespace Settlement.Testing;

/// <summary>
/// A RabbitMQ cluster of the caller's own (<see cref="StartPrivateClusterAsync"/>): N nodes on loopback, joined, with one
/// PostgreSQL beside them. <see cref="TestServers.RabbitMqUri"/> and <see cref="TestServers.RabbitMqManagementUri"/> are
/// node 1's; <see cref="RabbitMqClusterNodes"/> names them all. Nodes are numbered from 1.
/// </summary>
public sealed partial class TestServers
{
    /// <summary>Every node as <c>127.0.0.1:port</c>, for <c>RabbitMq:ClusterNodes</c>; empty when RabbitMQ is one node.</summary>
    public IReadOnlyList<string> RabbitMqClusterNodes =>
        [.. (_local?.ClusterNodes ?? []).Select(node => $"127.0.0.1:{Text(node.Amqp)}")];

    /// <summary>Every node's management listener as <c>127.0.0.1:port</c>, for <c>RabbitMq:ManagementNodes</c>; empty when RabbitMQ is one node.</summary>
    public IReadOnlyList<string> RabbitMqClusterManagementNodes =>
        [.. (_local?.ClusterNodes ?? []).Select(node => $"127.0.0.1:{Text(node.Management)}")];

    string ClusterFolder => Local.ClusterNodes.Count > 0
        ? Local.RabbitMqFolder
        : throw new NotSupportedException("These servers have one RabbitMQ node: use TestServers.StartPrivateClusterAsync() for a cluster.");

    /// <summary>PostgreSQL and a RabbitMQ cluster of <paramref name="nodes"/> nodes, of the caller's own; dispose them.</summary>
    public static Task<TestServers> StartPrivateClusterAsync(int nodes = 3, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        return StartLocalAsync($"cluster-{Interlocked.Increment(ref s_privateCount)}", cancellationToken, nodes);
    }

    /// <summary>Kills node <paramref name="node"/>'s Erlang VM (kill -9), as a crash; returns when it is gone.</summary>
    public Task KillRabbitMqNodeAsync(int node, CancellationToken cancellationToken = default) =>
        ServersScript.RunAsync(cancellationToken, "kill-rabbitmq-node", ClusterFolder, Text(node));

    /// <summary>Stops node <paramref name="node"/> cleanly.</summary>
    public Task StopRabbitMqNodeAsync(int node, CancellationToken cancellationToken = default) =>
        ServersScript.RunAsync(cancellationToken, "stop-rabbitmq-node", ClusterFolder, Text(node));

    /// <summary>Starts node <paramref name="node"/> again on its ports; it rejoins the cluster with its data.</summary>
    public Task StartRabbitMqNodeAsync(int node, CancellationToken cancellationToken = default) =>
        ServersScript.RunAsync(cancellationToken, "start-rabbitmq-node", ClusterFolder, Text(node));

    /// <summary>The number of the node that leads the quorum queue <paramref name="queue"/> of <paramref name="virtualHost"/>.</summary>
    public async Task<int> RabbitMqQueueLeaderAsync(string queue, string virtualHost, CancellationToken cancellationToken = default) =>
        int.Parse(await ServersScript.OutputAsync(cancellationToken, "rabbitmq-queue-leader", ClusterFolder, queue, virtualHost),
            CultureInfo.InvariantCulture);

    Task StartRabbitMqClusterAsync(CancellationToken cancellationToken) =>
        ServersScript.RunAsync(cancellationToken, "start-rabbitmq-cluster", Local.RabbitMqFolder,
            Ports(node => node.Amqp), Ports(node => node.Management), Ports(node => node.Distribution));

    string Ports(Func<(int Amqp, int Management, int Distribution), int> port) => string.Join(',', Local.ClusterNodes.Select(node => Text(port(node))));
}
