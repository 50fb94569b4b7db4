using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Settlement.Host.Observability;
using Settlement.Operations;
using Settlement.Operations.DeadLetters;

namespace Settlement.UnitTests.Observability;

public class BrokerManagementClientTests
{
    [Fact]
    public async Task It_lists_the_queues_of_the_service_virtual_host_with_the_management_credentials_and_their_depths()
    {
        var handler = new Answering("""[{"name":"wallet","messages":2},{"name":"wallet_error","messages":11},{"name":"fresh"}]""");
        var client = Client(handler, new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = "amqp://guest:guest@127.0.0.1:5672/prod%2Feu",
            ["RabbitMq:ManagementUri"] = "https://ops:s%40cret@mq.example/rabbitmq",
        });

        var depths = await client.QueueDepthsAsync(CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://mq.example/rabbitmq/api/queues/prod%2Feu?columns=name,messages", request.RequestUri!.AbsoluteUri);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:s@cret")), request.Headers.Authorization?.ToString());
        Assert.Equal(new Dictionary<string, long> { ["wallet"] = 2, ["wallet_error"] = 11 }, depths);
    }

    [Fact]
    public async Task On_a_cluster_a_node_that_does_not_answer_is_passed_over_and_the_next_call_starts_at_the_one_that_did()
    {
        var handler = new Answering("""[{"name":"wallet_error"}]""", unreachable: ["rabbit-1", "rabbit-2"]);
        var client = Client(handler, new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = "amqp://guest:guest@rabbit-1:5672/",
            ["RabbitMq:ClusterNodes:0"] = "rabbit-1",
            ["RabbitMq:ClusterNodes:1"] = "rabbit-2",
            ["RabbitMq:ClusterNodes:2"] = "rabbit-3",
        });

        var first = await client.QueueNamesAsync(CancellationToken.None);
        var second = await client.QueueNamesAsync(CancellationToken.None);

        Assert.Equal(["wallet_error"], first);
        Assert.Equal(["wallet_error"], second);
        Assert.Equal(["rabbit-1", "rabbit-2", "rabbit-3", "rabbit-3"], handler.Requests.Select(r => r.RequestUri!.Host));
    }

    [Fact]
    public async Task When_no_node_answers_the_last_ones_failure_is_the_answer()
    {
        var handler = new Answering("[]", unreachable: ["rabbit-1", "rabbit-2"]);
        var client = Client(handler, new Dictionary<string, string?>
        {
            ["RabbitMq:ClusterNodes:0"] = "rabbit-1",
            ["RabbitMq:ClusterNodes:1"] = "rabbit-2",
        });

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.QueueNamesAsync(CancellationToken.None));

        Assert.Contains("rabbit-2", failure.Message);
        Assert.Equal(["rabbit-1", "rabbit-2"], handler.Requests.Select(r => r.RequestUri!.Host));
    }

    static BrokerManagementClient Client(HttpMessageHandler handler, Dictionary<string, string?> settings) =>
        new(new Clients(handler), Management(settings), NullLogger<BrokerManagementClient>.Instance);

    /// <summary>The management options as the host resolves them from configuration.</summary>
    static IOptions<BrokerManagementOptions> Management(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddDeadLetters(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<BrokerManagementOptions>>();
    }

    /// <summary>Answers <paramref name="json"/>, except from the hosts in <paramref name="unreachable"/>, which refuse the connection.</summary>
    sealed class Answering(string json, string[]? unreachable = null) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            if (unreachable?.Contains(request.RequestUri!.Host) == true)
                throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused ({request.RequestUri.Authority})");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }

    sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
