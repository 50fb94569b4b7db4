using System.Globalization;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Cluster;

/// <summary>
/// A three-node RabbitMQ cluster (and a PostgreSQL) for the tests of the collection <see cref="Name"/>, started once for
/// all of them: they run one after another, so a test that kills a node disturbs no other. Each restarts what it stopped.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string Name = "RabbitMQ cluster";
    public const int Nodes = 3;

    public TestServers Servers { get; private set; } = null!;

    /// <summary>The service's settings for this cluster: quorum queues, and every node in the connection and for the management API.</summary>
    public IReadOnlyDictionary<string, string?> QuorumSettings =>
        new Dictionary<string, string?>(
            List("RabbitMq:ClusterNodes", Servers.RabbitMqClusterNodes).Concat(List("RabbitMq:ManagementNodes", Servers.RabbitMqClusterManagementNodes)))
        {
            ["RabbitMq:QueueType"] = "quorum",
        };

    static IEnumerable<KeyValuePair<string, string?>> List(string key, IReadOnlyList<string> values) =>
        values.Select((value, i) => KeyValuePair.Create($"{key}:{i.ToString(CultureInfo.InvariantCulture)}", (string?)value));

    public async Task InitializeAsync() => Servers = await TestServers.StartPrivateClusterAsync(Nodes);

    public async Task DisposeAsync()
    {
        if (Servers is not null)
            await Servers.DisposeAsync();
    }
}

[CollectionDefinition(ClusterFixture.Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>;
