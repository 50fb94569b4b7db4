using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
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
        var client = new BrokerManagementClient(new Clients(handler), Management(new Dictionary<string, string?>
        {
            ["RabbitMq:Uri"] = "amqp://guest:guest@127.0.0.1:5672/prod%2Feu",
            ["RabbitMq:ManagementUri"] = "https://ops:s%40cret@mq.example/rabbitmq",
        }));

        var depths = await client.QueueDepthsAsync(CancellationToken.None);

        var request = Assert.Single(handler.Requests);
        Assert.Equal("https://mq.example/rabbitmq/api/queues/prod%2Feu?columns=name,messages", request.RequestUri!.AbsoluteUri);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:s@cret")), request.Headers.Authorization?.ToString());
        Assert.Equal(new Dictionary<string, long> { ["wallet"] = 2, ["wallet_error"] = 11 }, depths);
    }

    /// <summary>The management options as the host resolves them from configuration.</summary>
    static IOptions<BrokerManagementOptions> Management(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddOptions<RabbitMqOptions>().Bind(configuration.GetSection(RabbitMqOptions.SectionName));
        services.AddDeadLetters(configuration);
        return services.BuildServiceProvider().GetRequiredService<IOptions<BrokerManagementOptions>>();
    }

    sealed class Answering(string json) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }

    sealed class Clients(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false);
    }
}
