using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Settlement.Host.Composition;
using Settlement.Host.Observability;

namespace Settlement.UnitTests.Observability;

public class RabbitMqManagementClientTests
{
    [Fact]
    public async Task Without_a_management_URI_it_asks_port_15672_of_the_broker_host_with_the_broker_credentials()
    {
        var (client, requests) = Client(new RabbitMqManagementOptions(), "amqp://settle:s%40cret@rabbit.internal:5672/prod%2Feu");

        var depths = await client.QueueDepthsAsync(CancellationToken.None);

        var request = Assert.Single(requests);
        Assert.Equal("http://rabbit.internal:15672/api/queues/prod%2Feu?columns=name,messages", request.RequestUri!.AbsoluteUri);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("settle:s@cret")), request.Headers.Authorization?.ToString());
        Assert.Equal("prod/eu", client.VirtualHost);
        Assert.Equal(new Dictionary<string, long> { ["wallet"] = 2, ["wallet_error"] = 11 }, depths);
    }

    [Fact]
    public async Task A_configured_management_URI_and_credentials_take_precedence()
    {
        var options = new RabbitMqManagementOptions
        {
            ManagementUri = new Uri("https://ops:old@mq.example/rabbitmq"),
            ManagementPassword = "new",
        };
        var (client, requests) = Client(options, "amqp://guest:guest@127.0.0.1:5672/");

        await client.QueueDepthsAsync(CancellationToken.None);

        var request = Assert.Single(requests);
        Assert.Equal("https://mq.example/rabbitmq/api/queues/%2F?columns=name,messages", request.RequestUri!.AbsoluteUri);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:new")), request.Headers.Authorization?.ToString());
    }

    /// <summary>A client whose HTTP calls are recorded and answered with three queues, one without statistics yet.</summary>
    static (RabbitMqManagementClient Client, List<HttpRequestMessage> Requests) Client(RabbitMqManagementOptions options, string brokerUri)
    {
        var handler = new Answering("""[{"name":"wallet","messages":2},{"name":"wallet_error","messages":11},{"name":"fresh"}]""");
        var client = new RabbitMqManagementClient(new Clients(handler), Options.Create(options),
            Options.Create(new RabbitMqOptions { Uri = new Uri(brokerUri) }));
        return (client, handler.Requests);
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
