using Settlement.IntegrationTests.Settlement;
using Settlement.IntegrationTests.Wallet;
using Settlement.Testing;

namespace Settlement.IntegrationTests.Hosting;

/// <summary>
/// RabbitMQ cannot change the type of a queue that exists: the service refuses to start on one whose type differs from
/// <c>RabbitMq:QueueType</c>, naming the queue and the setting, instead of retrying its declaration without end.
/// </summary>
public class QueueTypeMismatchTests(ServersFixture fixture) : IClassFixture<ServersFixture>
{
    [Theory]
    [InlineData("wallet", "classic", "quorum")]
    [InlineData("settlement_error", "classic", "quorum")]
    [InlineData("settlement-replies", "quorum", "classic")]
    public async Task Start_up_stops_naming_the_queue_and_the_setting_when_an_existing_queue_has_another_type(
        string queue, string existing, string setting)
    {
        using var management = new RabbitMqManagement(fixture.Servers.RabbitMqManagementUri);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SettlementService.StartAsync(fixture.Servers,
            beforeStart: service => management.DeclareQueueAsync(service.VirtualHost, queue, existing),
            settings: new Dictionary<string, string?> { ["RabbitMq:QueueType"] = setting }));

        Assert.Contains($"Queue '{queue}'", error.Message);
        Assert.Contains($"RabbitMq:QueueType = '{setting}'", error.Message);
        Assert.Contains("inequivalent arg 'x-queue-type'", error.Message);
    }

    [Fact]
    public async Task A_queue_of_the_configured_type_that_exists_already_is_used_as_it_is()
    {
        using var management = new RabbitMqManagement(fixture.Servers.RabbitMqManagementUri);

        await using var service = await SettlementService.StartAsync(fixture.Servers,
            beforeStart: service => management.DeclareQueueAsync(service.VirtualHost, "wallet", "quorum"),
            settings: new Dictionary<string, string?> { ["RabbitMq:QueueType"] = "quorum" });

        Assert.Equal("quorum", await management.QueueTypeAsync(service.VirtualHost, "wallet"));
        Assert.Equal("quorum", await management.QueueTypeAsync(service.VirtualHost, "settlement"));
    }
}
