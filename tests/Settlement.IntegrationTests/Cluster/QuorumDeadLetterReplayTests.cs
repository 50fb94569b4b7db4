using System.Net;
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

    /// <summary>
    /// Node 1 is the node of <c>RabbitMq:Uri</c> and <c>RabbitMq:ManagementUri</c>: with it down, the dead-letter API lists
    /// and retries through the other nodes' management APIs and AMQP listeners.
    /// </summary>
    [Fact]
    public async Task With_node_1_stopped_a_dead_letter_is_still_listed_and_its_retry_through_the_API_settles_the_trade_once()
    {
        var trade = (await SuspendAsync(1)).Single();

        await Servers.StopRabbitMqNodeAsync(1);
        try
        {
            var deadLetter = Assert.Single((await Service.ListAsync(WalletError)).Messages);
            Assert.Equal((WalletError, trade.TradeId), (deadLetter.Queue, deadLetter.TradeId));

            var response = await Service.Api.PostAsync($"/api/dead-letters/{WalletError}/{deadLetter.MessageId}/retry", null);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await AssertSettledOnceAsync([trade]);
            Assert.Empty((await Service.ListAsync(WalletError)).Messages);
        }
        finally
        {
            await Servers.StartRabbitMqNodeAsync(1);
        }
    }
}
