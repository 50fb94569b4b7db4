using Settlement.IntegrationTests.DeadLetters;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Cluster;

/// <summary>
/// The dead-letter scenarios of <see cref="DeadLetterReplayTests"/> (a retry through the API, a whole queue retried, the
/// management UI's move) on a three-node cluster with quorum queues, where <c>wallet_error</c> is a quorum queue too.
/// </summary>
[Collection(ClusterFixture.Name)]
public sealed class QuorumDeadLetterReplayTests(ServersFixture fixture, ClusterFixture cluster) : DeadLetterReplayTests(fixture)
{
    protected override TestServers Servers => cluster.Servers;

    protected override IReadOnlyDictionary<string, string?> Settings => cluster.QuorumSettings;

    [Fact]
    public async Task Every_queue_of_the_service_and_the_error_queue_of_a_dead_letter_are_quorum_queues()
    {
        await SuspendAsync(1);

        foreach (var queue in (string[])["settlement", "settlement-replies", "wallet", "wallet_error"])
            Assert.Equal((queue, "quorum"), (queue, await Service.Management.QueueTypeAsync(Service.VirtualHost, queue)));
    }
}
